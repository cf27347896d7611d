/**
 * Hand-written trust policies whose exact analysis needs exponentially many automaton states: unions
 * of subsequence patterns (`repo:*a*b*`, `repo:*b*c*`, …), as in the engine bench's adversarial family.
 */
const PROVIDER = 'token.actions.githubusercontent.com';

export function subsequenceUnion(count: number, sid = 'Hostile'): object {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const values = Array.from(
    { length: count },
    (_, i) => `repo:*${letters[i % 26]}*${letters[(i + 1) % 26]}*`,
  );
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Readable',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${PROVIDER}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'sts.amazonaws.com' } },
      },
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${PROVIDER}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${PROVIDER}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${PROVIDER}:sub`]: values },
        },
      },
    ],
  };
}
