import { type AwsClients, createClients } from '../../shared/inventory/clients.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { startFakeIamAccount } from '../../test/support/fake-iam-account.js';
import { collectorAccount, shapeOf } from '../collector-account.js';
import { type BenchOptions, count, ms, type SuiteResult, scaled, showSpread, spread } from '../measure.js';
import { collectNaively, collectorCalls, naiveCalls } from '../naive-collector.js';
import { firstDifference } from '../snapshot-difference.js';

/** How long the fake IAM takes to generate a credential report (real IAM: seconds to minutes). */
const REPORT_GENERATION_MS = 1000;
const CALL_RATIO_TARGET = 50;

interface Measured {
  snapshot: Snapshot;
  calls: Record<string, number>;
  total: number;
  wallMs: number;
}

async function measure(clients: AwsClients, collect: () => Promise<Snapshot>): Promise<Measured> {
  const before = clients.calls.counts();
  const start = performance.now();
  const snapshot = await collect();
  const wallMs = performance.now() - start;
  const calls = clients.calls.since(before);
  return { snapshot, calls, total: Object.values(calls).reduce((a, b) => a + b, 0), wallMs };
}

const same = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * trustwatch's collector against the naive one on a synthetic account served by a fake IAM that pages
 * and generates the credential report as AWS does, through the real SDK client over loopback HTTP.
 */
export async function collectorSuites(options: BenchOptions): Promise<SuiteResult[]> {
  const account = collectorAccount(
    scaled(5_000, options, 2),
    scaled(200, options),
    scaled(1_000, options),
    scaled(200, options),
  );
  const shape = shapeOf(account);
  const iam = await startFakeIamAccount(account, { reportGenerationMs: REPORT_GENERATION_MS });
  try {
    const clients = createClients({
      endpoint: iam.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const runs = { cold: [] as Measured[], warm: [] as Measured[], naive: [] as Measured[] };
    for (let run = 0; run < options.runs; run++) {
      iam.forgetReport();
      runs.cold.push(await measure(clients, async () => (await collectSnapshot(clients)).snapshot));
      runs.warm.push(await measure(clients, async () => (await collectSnapshot(clients)).snapshot));
      runs.naive.push(await measure(clients, () => collectNaively(clients)));
    }
    const [cold, warm, naive] = [runs.cold[0], runs.warm[0], runs.naive[0]] as [Measured, Measured, Measured];
    const expectedWarm = Object.fromEntries(collectorCalls(shape, 1).map((c) => [c.operation, c.calls]));
    const naivePlan = naiveCalls(shape);
    const expectedNaive = Object.fromEntries(naivePlan.map((c) => [c.operation, c.calls]));
    const asDescribed =
      runs.warm.every((m) => same(m.calls, expectedWarm)) &&
      runs.naive.every((m) => same(m.calls, expectedNaive));
    const difference =
      firstDifference(warm.snapshot, naive.snapshot) ?? firstDifference(cold.snapshot, naive.snapshot);
    const ratio = naive.total / cold.total;
    // In the order of the descriptions, then anything made that they do not describe.
    const operations = [
      ...new Set([
        ...collectorCalls(shape, 1).map((c) => c.operation),
        ...naivePlan.map((c) => c.operation),
        ...Object.keys(cold.calls),
        ...Object.keys(naive.calls),
      ]),
    ];
    const wall = (list: Measured[]) => showSpread(spread(list.map((m) => m.wallMs)), ms);
    const generated = spread(runs.cold.map((m) => m.calls['iam:GenerateCredentialReport'] ?? 0));
    return [
      {
        title: `IAM collector against a naive one (fake IAM paging as AWS does; ${count(shape.roles)} roles of which ${count(shape.githubRoles)} GitHub-trusted, ${count(shape.users)} users with ${count(shape.keys)} keys)`,
        lines: [
          `Both collectors use the real SDK client (signing, retries, XML) against a loopback HTTP server speaking IAM's Query protocol (\`test/support/fake-iam-account.ts\`): every list pages at MaxItems (at most 1,000) with IsTruncated and Marker, GetAccountAuthorizationDetails counting users, roles and policies together; GenerateCredentialReport answers STARTED, then INPROGRESS until the report is ready (${REPORT_GENERATION_MS / 1000} s here), then COMPLETE, and GetCredentialReport answers ReportNotPresent or ReportInProgress before that. Each of the ${options.runs} runs collects three times: trustwatch with no report (it generates one and polls with its backoff), trustwatch again (the report is reused, as IAM does for 4 hours), the naive collector.`,
          '',
          '**The naive collector**, call by call (bench/naive-collector.ts). One consistent set of choices, all generous to it: the largest page (1,000) on every list, followed to its last page; 4 requests in flight, as trustwatch; nothing read twice; nothing read that the snapshot does not keep.',
          '',
          ...naivePlan.map((c) => `- \`${c.operation}\` × ${count(c.calls)}: ${c.why}.`),
          '',
          '**trustwatch** (shared/inventory/collect.js), call by call:',
          '',
          ...collectorCalls(shape, 1).map(
            (c) =>
              `- \`${c.operation}\` × ${c.operation === 'iam:GenerateCredentialReport' ? `${showSpread(generated, count)} with no report, 1 when one is reused` : count(c.calls)}: ${c.why}.`,
          ),
          '',
          '| operation | trustwatch, report generated | trustwatch, report reused | naive |',
          '|---|---|---|---|',
          ...operations.map(
            (op) =>
              `| \`${op}\` | ${cold.calls[op] ?? ''} | ${warm.calls[op] ?? ''} | ${naive.calls[op] ?? ''} |`,
          ),
          `| **all calls** | **${count(cold.total)}** | **${count(warm.total)}** | **${count(naive.total)}** |`,
          `| wall time (${options.runs} runs) | ${wall(runs.cold)} | ${wall(runs.warm)} | ${wall(runs.naive)} |`,
          '',
          `Calls made as described above, in every run: ${asDescribed ? 'yes' : '**no**'}. Both snapshots hold the same roles (trust, tags, session length, last use, GitHub-trusted roles' policies), users and keys (status, last use): ${difference ? `**no** (${difference})` : 'yes'}.`,
          `On loopback a call costs about a millisecond and the fake never throttles; against IAM a call costs tens of milliseconds and IAM throttles bursts, so the call count is what scales. trustwatch's time with no report is mostly its wait for the report.`,
        ],
        targets: [
          {
            what: `trustwatch's collector makes at least ${CALL_RATIO_TARGET}× fewer IAM calls than the naive one`,
            met: ratio >= CALL_RATIO_TARGET,
            measured: `${ratio.toFixed(0)}× (${count(naive.total)} against ${count(cold.total)} in the first run, trustwatch generating the report)`,
            sizeBound: true,
          },
        ],
      },
    ];
  } finally {
    await iam.close();
  }
}
