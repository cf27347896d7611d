import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseRecords } from '../../shared/activity/parse.js';
import { type ProcessedFinding, processRecord, snapshotContext } from '../../shared/activity/process.js';
import { type AuditResult, runAudit } from '../../shared/audit/audit.js';
import { type Baseline, BaselineSchema } from '../../shared/baseline/baseline.js';
import { type Config, ConfigSchema } from '../../shared/config/config.js';
import type { Finding } from '../../shared/findings/finding.js';
import { DEFAULT_AUDIENCE, GITHUB_PROVIDER } from '../../shared/github/claims.js';
import { type Snapshot, SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { compare } from '../../shared/policy/compare.js';
import { explain } from '../../shared/policy/explain.js';
import type { Token } from '../../shared/policy/model.js';
import { atOrAbove, UsageError } from '../exit.js';
import { readJsonFile } from '../files.js';
import { painter, severityLabel } from '../format/style.js';
import { tokenLine } from '../format/table.js';
import { readOnePolicy } from '../input.js';
import { useColor } from '../options.js';
import { withStore } from './events.js';
import { reportLine, writeReport } from './report.js';

const BEFORE = 'deploy-production.json';
const WIDENED = 'deploy-production-widened.json';
// The job names no environment, so GitHub sends a ref subject and the environment-pinned policy refuses it.
const REFUSED_SUB = 'repo:my-org/payments-api:ref:refs/heads/main';
/** The month the sample account's state (examples/sample-account/state.json) covers last. */
const REPORT_MONTH = '2026-10';

/** The bundle runs from dist/cli/, the sources from cli/commands/: look upwards for the package's examples. */
function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'examples');
    if (existsSync(join(candidate, 'sample-account'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new UsageError('examples/ is missing from this installation');
    dir = parent;
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      "audit the bundled sample account, compare and explain example trust policies, then write the account's monthly report",
    )
    .option('--out <dir>', 'where to write the sample monthly report', 'trustwatch-report')
    .action(async (options: { out: string }) => {
      process.stdout.write(await demo(examplesDir(), options.out, useColor()));
    });
}

const EVENT_RULES = /^(activity|monitor|drift)\.|^keys\.created$/;

/** The recorded events through the same watches the deployed functions run, with a throwaway state. */
async function replay(
  file: string,
  snapshot: Snapshot,
  baseline: Baseline,
  config: Config,
): Promise<ProcessedFinding[]> {
  const { records } = parseRecords(readFileSync(file));
  return withStore(undefined, async (store) => {
    const out: ProcessedFinding[] = [];
    for (const record of records) {
      const processed = await processRecord(record, snapshotContext({ snapshot, config, baseline }, store));
      // The rules re-run on the changed role repeat the audit above: show what the events reveal.
      out.push(...processed.filter((p) => EVENT_RULES.test(p.finding.ruleId)));
    }
    return out;
  });
}

async function demo(examples: string, reportDir: string, color: boolean): Promise<string> {
  const paint = painter(color);
  const show = (path: string) => relative(process.cwd(), path) || path;
  const account = join(examples, 'sample-account');
  const files = {
    snapshot: join(account, 'snapshot.json'),
    baseline: join(account, 'baseline.json'),
    config: join(account, 'trustwatch.config.json'),
    events: join(account, 'events.json'),
    state: join(account, 'state.json'),
    previousReport: join(account, 'report-2026-09.json'),
  };
  const snapshot = readJsonFile(SnapshotSchema, files.snapshot);
  const baseline = readJsonFile(BaselineSchema, files.baseline);
  const config = readJsonFile(ConfigSchema, files.config);
  const result = runAudit(snapshot, { config, baseline });
  const out = [
    paint('bold', `trustwatch demo: audit of the sample account ${result.account} (${show(account)})`),
  ];
  out.push(...accountSummary(result), '');
  out.push(paint('bold', 'What needs attention first'));
  const serious = result.findings.filter((f) => f.status === 'open' && atOrAbove(f.severity, 'high'));
  for (const f of serious) out.push(...findingLines(f, paint));
  const rest = result.findings.filter((f) => f.status === 'open' && !atOrAbove(f.severity, 'high')).length;
  out.push(`  … and ${rest} medium, low and info findings: run the full audit below.`, '');

  out.push(paint('bold', `Real-time watch: a morning of CloudTrail events (${show(files.events)})`));
  for (const { finding } of await replay(files.events, snapshot, baseline, config)) {
    out.push(`  ${severityLabel(finding.severity, paint)} ${finding.ruleId}: ${finding.message}`);
  }
  out.push('');

  const policies = join(examples, 'policies');
  const before = readOnePolicy(join(policies, BEFORE)).parsed.document;
  const comparison = compare(before, readOnePolicy(join(policies, WIDENED)).parsed.document);
  out.push(paint('bold', `compare ${BEFORE} → ${WIDENED}: ${comparison.verdict.toUpperCase()}`));
  for (const token of comparison.newlyAdmitted) out.push(`  newly admitted: ${tokenLine(token)}`);
  const explanation = explain(before, {
    provider: GITHUB_PROVIDER,
    claims: { sub: REFUSED_SUB, aud: DEFAULT_AUDIENCE },
  });
  out.push(
    '',
    paint(
      'bold',
      `explain ${BEFORE} for sub ${REFUSED_SUB}: ${explanation.admitted ? 'ADMITTED' : 'REFUSED'}`,
    ),
  );
  for (const reason of explanation.reasons) out.push(`  ${reason}`);

  out.push(
    '',
    'Next:',
    `  trustwatch events replay ${show(files.events)} --snapshot ${show(files.snapshot)} --baseline ${show(files.baseline)}`,
    `  trustwatch audit --snapshot ${show(files.snapshot)} --baseline ${show(files.baseline)} --config ${show(files.config)}`,
    '  trustwatch audit --baseline baseline.json        (your account, with the usual AWS credentials)',
    `  trustwatch lint ${show(join(policies, '*.json'))} --format sarif > trustwatch.sarif`,
    `  trustwatch report --month ${REPORT_MONTH} --state ${show(files.state)} --snapshot ${show(files.snapshot)} --out reports`,
    '',
  );
  // Last, the report the deployed function writes on 1 November from the state it kept through October.
  const written = await writeReport({
    month: REPORT_MONTH,
    out: reportDir,
    state: files.state,
    snapshot: files.snapshot,
    config: files.config,
    baseline: files.baseline,
    previous: files.previousReport,
  });
  out.push(paint('bold', `Monthly compliance report for ${REPORT_MONTH}`), `  ${reportLine(written)}`, '');
  return out.join('\n');
}

function accountSummary(result: AuditResult): string[] {
  const { stats } = result;
  return [
    `  ${stats.roles} roles, ${stats.githubTrustedRoles} of them trusted by GitHub Actions; ${stats.users} users, ${stats.ciUsers} used by CI, ${stats.activeKeys} active access keys`,
    `  open findings: ${Object.entries(stats.open)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}; ${stats.suppressed} suppressed`,
  ];
}

/** One finding, with the proof a person needs: for a widened trust, before, after and who now gets in. */
function findingLines(f: Finding, paint: ReturnType<typeof painter>): string[] {
  const lines = [`  ${severityLabel(f.severity, paint)} ${f.ruleId}: ${f.message}`];
  if (f.ruleId === 'drift.trust-wider') {
    const { before, after, newlyAdmitted } = f.evidence as {
      before: string[];
      after: string[];
      newlyAdmitted: Token[];
    };
    lines.push(
      `             was:  ${before.join(', ')}`,
      `             now:  ${after.join(', ')}`,
      `             gets in now, refused before: ${newlyAdmitted.map(tokenLine).join(', ')}`,
    );
  }
  return lines;
}
