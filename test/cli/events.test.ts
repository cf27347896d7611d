import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../shared/findings/file-store.js';
import { CLI, ensureBuilt, ROOT, type Run, SAMPLE, SAMPLE_FILES, tempFiles, trustwatch } from './run.js';

beforeAll(ensureBuilt);

interface Replay {
  records: number;
  rejected: { reason: string }[];
  findings: { ruleId: string; outcome: string; evidence: { event?: { who?: string; console?: string } } }[];
}

describe('trustwatch events replay', () => {
  it('runs recorded events through the watches, with who did what from where', () => {
    const run = trustwatch([
      'events',
      'replay',
      `${SAMPLE}/events.json`,
      ...SAMPLE_FILES,
      '--format',
      'json',
    ]);
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout) as Replay;
    expect(out.records).toBe(5);
    const rules = out.findings.map((f) => f.ruleId);
    expect(rules).toEqual(
      expect.arrayContaining([
        'drift.trust-wider',
        'activity.novel-subject',
        'activity.assume-denied',
        'keys.created',
        'monitor.tampered',
      ]),
    );
    const wider = out.findings.find((f) => f.ruleId === 'drift.trust-wider');
    expect(wider?.evidence.event?.who).toBe('arn:aws:iam::111122223333:user/alice');
    expect(wider?.evidence.event?.console).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudtrail\//,
    );
  });

  it('keeps state between replays: the same events again open nothing new', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const file = join(dir, 'state.json');
      const first = JSON.parse(
        trustwatch([
          'events',
          'replay',
          `${SAMPLE}/events.json`,
          ...SAMPLE_FILES,
          '--state',
          file,
          '--format',
          'json',
        ]).stdout,
      ) as Replay;
      expect(first.findings.some((f) => f.outcome === 'opened')).toBe(true);
      const again = trustwatch([
        'events',
        'replay',
        `${SAMPLE}/events.json`,
        ...SAMPLE_FILES,
        '--state',
        file,
        '--format',
        'json',
      ]);
      const second = JSON.parse(again.stdout) as Replay;
      expect(second.findings.every((f) => f.outcome === 'updated')).toBe(true);
      expect(second.findings.map((f) => f.ruleId)).not.toContain('activity.novel-subject');
      expect(again.status).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('reads gzipped log files and reports unusable records instead of stopping', () => {
    const events = JSON.parse(readFileSync(`${SAMPLE}/events.json`, 'utf8')) as { detail: object }[];
    const { dir, cleanup } = tempFiles({});
    try {
      const log = join(dir, 'log.json.gz');
      writeFileSync(
        log,
        gzipSync(JSON.stringify({ Records: [...events.map((e) => e.detail), { eventName: 'Broken' }] })),
      );
      writeFileSync(join(dir, 'truncated.json'), '{"Records": [{"eventID": "1"');
      const run = trustwatch([
        'events',
        'replay',
        log,
        join(dir, 'truncated.json'),
        ...SAMPLE_FILES,
        '--format',
        'json',
      ]);
      const out = JSON.parse(run.stdout) as Replay;
      expect(out.records).toBe(5);
      expect(out.rejected.map((r) => r.reason)).toEqual([
        expect.stringMatching(/eventID/),
        expect.stringMatching(/not valid JSON/),
      ]);
    } finally {
      cleanup();
    }
  });

  it('reads directories recursively and quoted patterns, and names digest files and unknown wrappers', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const logs = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '11', '02');
      const digests = join(dir, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'us-east-1');
      mkdirSync(logs, { recursive: true });
      mkdirSync(digests, { recursive: true });
      const [a, b, ...rest] = sampleRecords();
      writeFileSync(join(logs, 'one.json.gz'), gzipSync(JSON.stringify({ Records: [a, b] })));
      writeFileSync(join(logs, 'two.json'), rest.map((r) => JSON.stringify(r)).join('\n'));
      writeFileSync(
        join(digests, 'digest.json.gz'),
        gzipSync(JSON.stringify({ digestStartTime: '2026-11-02T08:00:00Z', logFiles: [] })),
      );
      writeFileSync(join(dir, 'export.json'), JSON.stringify({ took: 3, hits: { hits: [] } }));

      const all = replayJson([dir]);
      expect(all.records).toBe(5);
      expect(all.rejected.map((r) => r.reason)).toEqual([
        expect.stringMatching(/^a CloudTrail digest file/),
        'not a CloudTrail record or a known wrapper of records: an object with members "took", "hits"',
      ]);
      expect(replayJson([`${dir}/AWSLogs/**/CloudTrail/**/*.json*`]).records).toBe(5);
    } finally {
      cleanup();
    }
  });

  it('reads newline-delimited records from standard input', () => {
    const input = sampleRecords()
      .map((r) => JSON.stringify(r))
      .join('\n');
    const run = trustwatch(['events', 'replay', '-', '--format', 'json'], { input });
    expect(JSON.parse(run.stdout).records).toBe(5);
  });

  it('exits 2 and says so when nothing usable was read, still listing why', () => {
    const { dir, cleanup } = tempFiles({
      'a.json': '{"Records": []}',
      'b.txt': 'hello',
      'c.json': '{"eventName": "x"}',
    });
    try {
      const run = trustwatch(['events', 'replay', dir, '--format', 'json']);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /no usable CloudTrail record in 3 files \(2 unusable items\): nothing was checked/,
      );
      expect(JSON.parse(run.stdout).rejected).toHaveLength(2);
    } finally {
      cleanup();
    }
  });

  it('exits 2 for a path that names nothing and a pattern that matches nothing', () => {
    const missing = trustwatch(['events', 'replay', 'no/such/file.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('trustwatch: no/such/file.json: cannot read (no such file)\n');
    const pattern = trustwatch(['events', 'replay', 'no/such/*.json.gz']);
    expect(pattern.status).toBe(2);
    expect(pattern.stderr).toBe('trustwatch: no/such/*.json.gz: matches no file\n');
  });

  it('counts each assumption once when the same events are replayed twice into one state', async () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const state = join(dir, 'state.json');
      const events = `${SAMPLE}/events.json`;
      const copy = join(dir, 'copy.json');
      writeFileSync(copy, readFileSync(join(ROOT, events)));
      replayJson([events, '--state', state]);
      const again = trustwatch(['events', 'replay', events, copy, '--state', state, '--format', 'json']);
      expect(again.status).toBe(0);
      expect(again.stderr).toMatch(/10 of the 10 records were replayed before/);
      expect(await assumptionCounts(state)).toEqual([
        { subject: 'repo:acme-corp/marketing-site:ref:refs/heads/feature-x', succeeded: 1, denied: 0 },
        { subject: 'repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main', succeeded: 0, denied: 1 },
      ]);
    } finally {
      cleanup();
    }
  });

  it('loses no update when two replays write one state at the same time', async () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const state = join(dir, 'state.json');
      const records = sampleRecords();
      const assumptions = records.filter((r) => r.eventName === 'AssumeRoleWithWebIdentity');
      // Two batches of distinct events of the same roles and subjects: every count must add up.
      const batch = (tag: string) =>
        Array.from({ length: 200 }, (_, i) =>
          assumptions.map((r) => ({ ...r, eventID: `${tag}-${i}-${String(r.eventID)}` })),
        ).flat();
      writeFileSync(join(dir, 'a.json'), JSON.stringify({ Records: batch('a') }));
      writeFileSync(join(dir, 'b.json'), JSON.stringify({ Records: batch('b') }));
      const runs = await Promise.all(
        ['a.json', 'b.json'].map((f) =>
          spawnCli(['events', 'replay', join(dir, f), '--state', state, '--format', 'json']),
        ),
      );
      // The new subject is news to exactly one of them, whichever got the state first.
      const opened = runs
        .flatMap((r) => (JSON.parse(r.stdout) as Replay).findings)
        .filter((f) => f.ruleId === 'activity.novel-subject' && f.outcome === 'opened');
      expect(opened).toHaveLength(1);
      // A refusal repeated 200 times in a run is one finding in its output, not 200 rows.
      for (const run of runs) {
        const rules = (JSON.parse(run.stdout) as Replay).findings.map((f) => f.ruleId);
        expect(rules.filter((r) => r === 'activity.assume-denied')).toHaveLength(1);
      }
      expect(runs.map((r) => r.status).sort()).toEqual([0, 1]);
      expect(await assumptionCounts(state)).toEqual([
        { subject: 'repo:acme-corp/marketing-site:ref:refs/heads/feature-x', succeeded: 400, denied: 0 },
        {
          subject: 'repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main',
          succeeded: 0,
          denied: 400,
        },
      ]);
    } finally {
      cleanup();
    }
  });

  it('refuses a corrupt state file with exit 2, naming it, without a stack trace', () => {
    const { dir, cleanup } = tempFiles({ 'state.json': '{"schemaVersion": 1, "findings": ' });
    try {
      const run = trustwatch([
        'events',
        'replay',
        `${SAMPLE}/events.json`,
        '--state',
        join(dir, 'state.json'),
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^trustwatch: state file .*state\.json: not valid JSON/);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      const inFile = trustwatch([
        'events',
        'replay',
        `${SAMPLE}/events.json`,
        '--state',
        join(dir, 'state.json', 'x'),
      ]);
      expect(inFile.status).toBe(2);
      expect(inFile.stderr).toMatch(/^trustwatch: state file .*state\.json\/x: cannot use it \(ENOTDIR/);
    } finally {
      cleanup();
    }
  });
});

function sampleRecords(): Record<string, unknown>[] {
  const events = JSON.parse(readFileSync(join(ROOT, SAMPLE, 'events.json'), 'utf8')) as {
    detail: Record<string, unknown>;
  }[];
  return events.map((e) => e.detail);
}

function replayJson(args: string[]): Replay {
  const run = trustwatch(['events', 'replay', ...args, '--format', 'json']);
  expect(run.stderr).not.toMatch(/internal error/);
  return JSON.parse(run.stdout) as Replay;
}

async function assumptionCounts(state: string) {
  const counts = await new FileStore(state).assumptions('2026-11-01', '2026-11-30');
  return counts
    .map(({ subject, succeeded, denied }) => ({ subject, succeeded, denied }))
    .sort((a, b) => (a.subject < b.subject ? -1 : 1));
}

function spawnCli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
