import { witnessText } from '../policy/token-text.js';
import { visibleText } from '../report/visible-text.js';
import { renderCloudFormation } from './cloudformation.js';
import { renderTerraform } from './terraform.js';
import type { TightenResult } from './tighten.js';

export const TIGHTEN_FORMATS = ['policy', 'terraform', 'cloudformation', 'json'] as const;
export type TightenFormat = (typeof TIGHTEN_FORMATS)[number];

/** The result as `--format json` prints it. */
export function tightenJson(result: TightenResult): string {
  const { role, current, proposed, verdict, stillAdmitted, noLongerAdmitted, observedWindow } = result;
  const window = {
    ...observedWindow,
    ...(result.refusal !== undefined ? { refusal: result.refusal } : {}),
    keptStatements: result.kept,
    droppedStatements: result.dropped,
    notes: result.notes,
  };
  return `${JSON.stringify({ role, current, proposed, verdict, stillAdmitted, noLongerAdmitted, observedWindow: window }, null, 2)}\n`;
}

/** The proposal in the chosen form; undefined when there is none (the summary says why). */
export function renderProposal(result: TightenResult, format: TightenFormat): string | undefined {
  if (format === 'json') return tightenJson(result);
  if (!result.proposed) return undefined;
  if (format === 'policy') return `${JSON.stringify(result.proposed, null, 2)}\n`;
  const comments = proofComments(result);
  if (format === 'terraform') return renderTerraform(result.role ?? 'role', result.proposed, comments);
  return renderCloudFormation(result.proposed, comments);
}

/** The proof in a few lines, for the head of a Terraform or CloudFormation snippet. */
function proofComments(result: TightenResult): string[] {
  const w = result.observedWindow;
  return [
    `trustwatch tighten${result.role ? ` ${result.role}` : ''}: ${result.verdict === 'equal' ? 'nothing to tighten (the policy is as narrow as its use)' : 'narrower than the current trust policy'}`,
    ...(w.forced ? [`FORCED: only ${w.daysOfData} days of data (fewer than ${w.minDays})`] : []),
    `admits every subject that assumed the role from ${w.window.from} to ${w.window.to}:`,
    ...result.stillAdmitted.map((s) => `  ${s.subject}`),
    ...(result.noLongerAdmitted.length > 0
      ? ['no longer admitted, e.g.:', ...result.noLongerAdmitted.map((t) => `  ${witnessText(t)}`)]
      : []),
  ];
}

/** What a person reads on the terminal (standard error): the verdict, the proof, what was not added and why. */
export function tightenSummary(result: TightenResult): string {
  const w = result.observedWindow;
  const role = result.role ?? 'the policy';
  const lines: string[] = [];
  const days = `${w.daysOfData} day${w.daysOfData === 1 ? '' : 's'} of data`;
  const span = w.firstSeen ? ` (first and last successful assumption: ${w.firstSeen}, ${w.lastSeen})` : '';
  lines.push(`${role}: ${headline(result)}`);
  lines.push(`Window ${w.window.from} to ${w.window.to}: ${days}${span}; at least ${w.minDays} needed.`);
  if (w.forced)
    lines.push(`FORCED: proposed with too little activity (--force); a rarer workflow may be locked out.`);
  if (result.refusal) lines.push(`No proposal: ${result.refusal}.`);
  if (result.stillAdmitted.length > 0) {
    lines.push(`Still admitted (${result.stillAdmitted.length}, checked with admits):`);
    for (const s of result.stillAdmitted)
      if (!s.checked)
        lines.push(
          `  ${s.subject}  ${s.assumptions} assumption${s.assumptions === 1 ? '' : 's'}, ${s.firstSeen} to ${s.lastSeen}; no token with it was found to check, kept as its sub conditions let it in`,
        );
      else
        lines.push(
          `  ${s.subject}  ${s.assumptions} assumption${s.assumptions === 1 ? '' : 's'}, ${s.firstSeen} to ${s.lastSeen}`,
        );
  }
  if (result.noLongerAdmitted.length > 0) {
    lines.push('No longer admitted, e.g. (the current policy admits these, the proposal refuses them):');
    for (const t of result.noLongerAdmitted) lines.push(`  ${witnessText(t)}`);
  }
  if (w.notAdded.length > 0) {
    lines.push('Not added (the current policy refuses them):');
    for (const n of w.notAdded) {
      const seen =
        n.why === 'refused-only'
          ? `only refused, ${n.denied} attempt${n.denied === 1 ? '' : 's'}`
          : `assumed the role ${n.succeeded} times, refused by the policy as it is now`;
      lines.push(`  ${n.subject}  (${seen})`);
      for (const reason of n.diagnosis) lines.push(`    - ${reason}`);
    }
  }
  const kept = [...result.kept, ...result.dropped];
  if (kept.length > 0) {
    lines.push('Statements not narrowed:');
    for (const k of result.kept)
      lines.push(`  statement ${k.index}${k.sid ? ` (${k.sid})` : ''}: ${k.reason}`);
    for (const k of result.dropped) lines.push(`  ${k.reason}`);
  }
  for (const note of result.notes) lines.push(`Note: ${note}`);
  return `${lines.map(visibleText).join('\n')}\n`;
}

function headline(result: TightenResult): string {
  if (result.verdict === 'equal')
    return 'nothing to tighten: the trust policy admits no more than what assumed the role (compare: equal)';
  if (result.verdict === 'narrower')
    return `proposal is narrower (compare: narrower) and admits all ${result.stillAdmitted.length} observed subject${result.stillAdmitted.length === 1 ? '' : 's'}`;
  return 'no proposal';
}
