import type { Token, TokenPrincipal } from './model.js';

/** `AWS arn:aws:iam::193672423079:root`, `Service lambda.amazonaws.com`, `Federated arn:...:saml-provider/x`. */
export function principalText(principal: TokenPrincipal): string {
  const [type, value] = Object.entries(principal)[0] as [string, string];
  return `${type} ${value}`;
}

/**
 * A witness in a sentence: `sub "repo:o/r:ref:refs/heads/main"` for a token with a subject,
 * `principal AWS arn:... (aws:principalorgid "o-x")` for another principal, else its provider and claims.
 */
export function witnessText(token: Token | undefined): string {
  if (!token) return '(any)';
  const context = Object.entries(token.claims)
    .filter(([k]) => k !== 'aws:principalarn' || !token.principal)
    .map(([k, v]) => `${k} "${v}"`);
  if (token.principal) {
    return `principal ${principalText(token.principal)}${context.length > 0 ? ` (${context.join(', ')})` : ''}`;
  }
  if (token.claims.sub !== undefined) return `sub "${token.claims.sub}"`;
  return `a token of ${token.provider}${context.length > 0 ? ` with ${context.join(', ')}` : ''}`;
}

/** What a list of witnesses lets in, for a message: tokens, other principals, or both. */
export function admittedNoun(tokens: Token[]): string {
  const principals = tokens.some((t) => t.principal);
  const web = tokens.some((t) => !t.principal);
  return principals && web ? 'tokens and principals' : principals ? 'principals' : 'tokens';
}
