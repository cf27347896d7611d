import { appendAll, maxOf } from '../../shared/arrays.js';
import { DEFAULT_AUDIENCE, GITHUB_PROVIDER } from '../../shared/github/claims.js';
import type { Explanation } from '../../shared/policy/explain.js';
import type { Comparison, Token, Verdict } from '../../shared/policy/model.js';
import { principalText } from '../../shared/policy/token-text.js';
import { visibleText as shown } from '../../shared/report/visible-text.js';
import { POLICY_RULES } from '../../shared/rules/catalog.js';
import type { LintResult } from '../model.js';
import { isFileError } from '../model.js';
import type { Write } from './json-stream.js';
import type { LintWriter } from './lint-writer.js';
import { painter, severityLabel } from './style.js';

export interface TableOptions {
  color: boolean;
}

// Every rule id fits: the column lines up across policies without knowing them all first.
const RULE_WIDTH = maxOf(
  POLICY_RULES.map((rule) => rule.id.length),
  0,
);

/** Findings grouped by policy, one line each, severity first so the eye finds the worst at once. */
export function lintTableWriter(write: Write, { color }: TableOptions): LintWriter {
  const paint = painter(color);
  let separator = '';
  const block = (r: LintResult) => {
    const head = paint('bold', shown(r.file));
    if (isFileError(r)) return `${head}\n  ${paint(['bold', 'red'], 'ERROR'.padEnd(8))}  ${shown(r.error)}`;
    const located = r.position ? `${head} ${paint('gray', `(line ${r.position.line})`)}` : head;
    const notes = (r.notes ?? []).map((n) => `  ${paint('gray', `note: ${shown(n)}`)}`);
    if (r.findings.length === 0) return [located, ...notes, `  ${paint('green', 'no findings')}`].join('\n');
    const lines = r.findings.map(
      (f) =>
        `  ${severityLabel(f.severity, paint)}  ${f.ruleId.padEnd(RULE_WIDTH)}  ${shown(f.message)}${f.position ? paint('gray', ` (line ${f.position.line})`) : ''}`,
    );
    return [located, ...lines, ...notes].join('\n');
  };
  return {
    add(result) {
      write(`${separator}${block(result)}`);
      separator = '\n\n';
    },
    end(tally) {
      write(`${separator}${tally.summary()}\n`);
    },
  };
}

const VERDICT_TEXT: Record<Verdict, string> = {
  equal: 'the two policies admit the same tokens and principals',
  narrower: 'the new policy admits only tokens the old one admitted',
  wider: 'the new policy admits tokens the old one refused',
  incomparable: 'each policy admits tokens the other refuses',
};

export function compareTable(comparison: Comparison, { color }: TableOptions): string {
  const paint = painter(color);
  const alarming = comparison.verdict === 'wider' || comparison.verdict === 'incomparable';
  const lines = [
    `${paint(alarming ? ['bold', 'red'] : 'bold', comparison.verdict.toUpperCase())}  ${VERDICT_TEXT[comparison.verdict]}`,
  ];
  if (comparison.newlyAdmitted.length > 0) {
    lines.push('newly admitted:');
    appendAll(
      lines,
      comparison.newlyAdmitted.map((t) => `  + ${shown(tokenLine(t))}`),
    );
  }
  if (comparison.noLongerAdmitted.length > 0) {
    lines.push('no longer admitted:');
    appendAll(
      lines,
      comparison.noLongerAdmitted.map((t) => `  - ${shown(tokenLine(t))}`),
    );
  }
  for (const note of comparison.notes) lines.push(`note: ${shown(note)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The subject first, then only what differs from an ordinary configure-aws-credentials token, so a
 * witness that differs in its audience or provider is not mistaken for a subject change.
 */
export function tokenLine(token: Token): string {
  if (token.principal) {
    const context = Object.entries(token.claims).map(([key, value]) => `${key}=${value}`);
    return [principalText(token.principal), ...context].join('  ');
  }
  const { sub, ...rest } = token.claims;
  const extras = Object.entries(rest)
    .filter(([key, value]) => !(key === 'aud' && value === DEFAULT_AUDIENCE))
    .map(([key, value]) => `${key}=${value}`);
  if (token.provider !== GITHUB_PROVIDER) extras.push(`provider=${token.provider}`);
  return [sub ?? '(no sub)', ...extras].join('  ');
}

export function explainTable(explanation: Explanation, { color }: TableOptions): string {
  const paint = painter(color);
  const verdict = explanation.admitted
    ? paint(['bold', 'green'], 'ADMITTED')
    : paint(['bold', 'red'], 'REFUSED');
  const notes = (explanation.notes ?? []).map((n) => `  note: ${shown(n)}`);
  return `${[verdict, ...explanation.reasons.map((r) => `  - ${shown(r)}`), ...notes].join('\n')}\n`;
}
