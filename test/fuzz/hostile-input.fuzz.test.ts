import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../cli/commands/lint.js';
import { writeReport } from '../../cli/commands/report.js';
import { UsageError } from '../../cli/exit.js';
import { activityOutput } from '../../cli/format/activity.js';
import { asffOutput } from '../../cli/format/asff.js';
import { auditJson, auditMarkdown, auditTable } from '../../cli/format/audit.js';
import { toJson } from '../../cli/format/json.js';
import { compareMarkdown } from '../../cli/format/markdown.js';
import { auditSarif } from '../../cli/format/sarif.js';
import { compareTable, explainTable } from '../../cli/format/table.js';
import { InputError, readOnePolicy } from '../../cli/input.js';
import { eventCopyReader } from '../../shared/activity/event-copy-reader.js';
import { parseRecords } from '../../shared/activity/parse.js';
import { processRecord } from '../../shared/activity/process.js';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import { FileStore } from '../../shared/findings/file-store.js';
import type { Finding } from '../../shared/findings/finding.js';
import { GITHUB_PROVIDER } from '../../shared/github/claims.js';
import { compare } from '../../shared/policy/compare.js';
import { explain } from '../../shared/policy/explain.js';
import { hasHiddenCharacters } from '../../shared/report/visible-text.js';
import { allResults, renderLint } from '../support/lint-output.js';

/** Pieces an attacker puts in names and values: terminal escapes, forged lines, bidi overrides, markup, paths. */
const HOSTILE_PIECES = [
  '\u001b[2J',
  '\u001b]8;;http://x\u0007',
  '\n',
  '\r',
  '\u0000',
  '\u009b',
  '\u007f',
  '\u202e',
  '\u2066',
  '\u200f',
  '\u2028',
  '<script>',
  '<img src=x onerror=alert(1)>',
  '&amp;',
  '|',
  '`',
  '*',
  '?',
  '${*}',
  '../',
  '/',
  ':',
  '"',
  '\\',
  'CRITICAL  ',
  'repo:',
  'trustwatch',
  'a',
  '1',
];
const hostile = fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 8 }).map((parts) => parts.join(''));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const CALLS: [string, string][] = [
  ['cloudtrail.amazonaws.com', 'StopLogging'],
  ['cloudtrail.amazonaws.com', 'DeleteTrail'],
  ['events.amazonaws.com', 'DisableRule'],
  ['lambda.amazonaws.com', 'DeleteFunction'],
  ['iam.amazonaws.com', 'CreateAccessKey'],
  ['iam.amazonaws.com', 'UpdateAccessKey'],
  ['iam.amazonaws.com', 'UpdateAssumeRolePolicy'],
  ['iam.amazonaws.com', 'CreateRole'],
  ['sts.amazonaws.com', 'AssumeRoleWithWebIdentity'],
  ['s3.amazonaws.com', 'PutObject'],
];

/** A trust policy whose names and values are hostile, sometimes not a policy at all. */
const policy = fc.oneof(
  fc
    .record({
      effect: fc.constantFrom('Allow', 'Deny'),
      operator: fc.constantFrom(
        'StringLike',
        'StringEquals',
        'ForAllValues:StringLike',
        'StringNotLike',
        hostile,
      ),
      key: fc.constantFrom(
        'token.actions.githubusercontent.com:sub',
        'token.actions.githubusercontent.com:aud',
      ),
      values: fc.array(hostile, { minLength: 1, maxLength: 3 }),
      principal: fc.oneof(fc.constant('*'), hostile),
      extra: hostile,
    })
    .map(({ effect, operator, key, values, principal, extra }) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: extra,
          Effect: effect,
          Principal: {
            Federated: `arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com${principal}`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { [String(operator)]: { [key]: values } },
        },
      ],
      [extra]: extra,
    })),
  fc.jsonValue({ maxDepth: 4 }),
);

/** A CloudTrail record of a watched call, every string in it hostile, sometimes missing or of the wrong type. */
const record = fc
  .record({
    call: fc.constantFrom(...CALLS),
    eventID: hostile,
    eventTime: fc.oneof(fc.constant('2026-10-05T10:00:00Z'), hostile),
    awsRegion: maybe(fc.oneof(fc.constant('us-east-1'), hostile)),
    recipientAccountId: maybe(fc.oneof(fc.constant('123456789012'), hostile)),
    errorCode: maybe(fc.oneof(fc.constant('AccessDenied'), hostile)),
    identityType: fc.constantFrom('IAMUser', 'Root', 'WebIdentityUser', 'AssumedRole'),
    name: hostile,
    arn: maybe(hostile),
    roleArn: fc.oneof(fc.constant(null), hostile, fc.constant('arn:aws:iam::123456789012:role/deploy')),
    userAgent: fc.oneof(
      hostile,
      hostile.map((h) => `configure-aws-credentials ${h}`),
    ),
    policy,
    junk: fc.anything({ maxDepth: 2 }),
  })
  .map((r) => ({
    eventID: r.eventID || 'id',
    eventName: r.call[1],
    eventSource: r.call[0],
    eventTime: r.eventTime,
    awsRegion: r.awsRegion,
    recipientAccountId: r.recipientAccountId,
    errorCode: r.errorCode,
    sourceIPAddress: r.name,
    userAgent: r.userAgent,
    userIdentity: {
      type: r.identityType,
      arn: r.arn,
      userName: r.name,
      principalId: `token.actions.githubusercontent.com:sts.amazonaws.com:${r.name}`,
      identityProvider:
        r.identityType === 'WebIdentityUser' ? 'token.actions.githubusercontent.com' : undefined,
      accessKeyId: `AKIA${r.name}`,
    },
    requestParameters: {
      name: r.name,
      roleName: r.name,
      userName: r.name,
      functionName: `trustwatch${r.name}`,
      status: 'Active',
      roleArn: r.roleArn,
      policyDocument: JSON.stringify(r.policy),
    },
    responseElements: { accessKey: { accessKeyId: r.name, userName: r.name } },
    resources: r.junk,
  }));

/** Terminal output may break lines, nothing else may act: no control or bidi character but its own newlines. */
function assertInert(output: string, what: string): void {
  expect(
    hasHiddenCharacters(output.replace(/\n/g, '')),
    `${what}: ${JSON.stringify(output.slice(0, 400))}`,
  ).toBe(false);
}

/** Every path under `dir`, relative to it. */
function listTree(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [name, ...listTree(path).map((p) => join(name, p))] : [name];
  });
}

const RUNS = { numRuns: 40, seed: 20261207 } as const;

describe('fuzz: hostile policies and records', () => {
  it('lint, compare and explain never crash on them, and every format keeps them inert', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustwatch-fuzz-lint-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(policy, { minLength: 1, maxLength: 3 }),
          hostile,
          async (policies, name) => {
            const paths = policies.map((p, i) => {
              const path = join(dir, `${i}${name.replace(/[/\\]/g, '_').replaceAll('\u0000', '_')}.json`);
              writeFileSync(path, JSON.stringify(p));
              return path;
            });
            const results = await allResults(lintFiles(paths, { allowedOwners: [name] }));
            assertInert(renderLint('table', results), 'lint table');
            assertInert(renderLint('json', results), 'lint json');
            assertInert(renderLint('markdown', results), 'lint markdown');
            assertInert(renderLint('sarif', results), 'lint sarif');
            expect(renderLint('markdown', results)).not.toMatch(/(?<!\\)<(script|img)/);
            // compare and explain on the policies that are readable, with a hostile subject.
            const readable = paths.flatMap((path) => {
              try {
                return [readOnePolicy(path).parsed.document];
              } catch (error) {
                if (error instanceof InputError) return [];
                throw error;
              }
            });
            const [older, newer = older] = readable;
            if (older && newer) {
              const comparison = compare(older, newer);
              assertInert(compareTable(comparison, { color: false }), 'compare table');
              assertInert(compareMarkdown(comparison, name, name), 'compare markdown');
              assertInert(toJson(comparison), 'compare json');
              const explanation = explain(older, {
                provider: GITHUB_PROVIDER,
                claims: { sub: name, aud: name },
              });
              assertInert(explainTable(explanation, { color: false }), 'explain table');
              assertInert(toJson(explanation), 'explain json');
            }
          },
        ),
        RUNS,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replay never crashes on them, its output and the report stay inert, and nothing is written outside --out', async () => {
    const root = mkdtempSync(join(tmpdir(), 'trustwatch-fuzz-replay-'));
    let run = 0;
    const seen = { findings: 0, reports: 0, refused: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 4 }), async (records) => {
          const dir = join(root, String(run++));
          mkdirSync(dir);
          const state = join(dir, 'state.json');
          const store = new FileStore(state);
          const parsed = parseRecords(Buffer.from(JSON.stringify({ Records: records })));
          const findings = [];
          for (const r of parsed.records) {
            const account = r.account ?? '000000000000';
            findings.push(
              ...(await processRecord(r, {
                account,
                config: DEFAULT_CONFIG,
                reader: eventCopyReader(r, account),
                store,
                monitorPrefix: 'trustwatch',
              })),
            );
          }
          // Hand the state file over as a finished replay does (its lock released, its journal folded in).
          await store.close();
          seen.findings += findings.length;
          const activity = { records: parsed.records.length, rejected: parsed.rejected, findings };
          assertInert(activityOutput(activity, 'table'), 'replay table');
          assertInert(activityOutput(activity, 'json'), 'replay json');
          const audit = auditResult(findings.map((f) => f.finding));
          assertInert(auditTable(audit, false), 'audit table');
          assertInert(auditMarkdown(audit), 'audit markdown');
          assertInert(auditJson(audit), 'audit json');
          assertInert(auditSarif(audit, '0.0.0', undefined), 'audit sarif');
          assertInert(asffOutput(audit.findings, audit.account, 'us-east-1').text, 'asff');

          const out = join(dir, 'out');
          try {
            const written = await writeReport({ month: '2026-10', out, state });
            for (const file of [written.markdown, written.html, written.json]) {
              expect(relative(out, file).startsWith('..'), file).toBe(false);
            }
            assertInert(readFileSync(written.markdown, 'utf8'), 'report markdown');
            assertInert(readFileSync(written.html, 'utf8'), 'report html');
            seen.reports++;
          } catch (error) {
            // A state the report cannot use (no finding, an account that is not an id) is bad input, said so.
            if (!(error instanceof UsageError)) throw error;
            seen.refused++;
          }
          // The only things in the run's directory: the state file and what the report wrote under --out.
          const outside = listTree(dir).filter((p) => p !== 'state.json' && !p.startsWith('out'));
          expect(outside).toEqual([]);
        }),
        { ...RUNS, numRuns: 25 },
      );
      // Not vacuous: hostile records did make findings, reports were written, and hostile accounts refused.
      expect(seen.findings).toBeGreaterThan(10);
      expect(seen.reports).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function auditResult(findings: Finding[]) {
  return {
    account: findings[0]?.account ?? '123456789012',
    findings,
    stats: {
      roles: 0,
      githubTrustedRoles: 0,
      users: 0,
      ciUsers: 0,
      activeKeys: 0,
      open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      suppressed: 0,
      baseline: false,
    },
    gaps: [],
  };
}
