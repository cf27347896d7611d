import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, SAMPLE, SAMPLE_FILES, tempFiles, trustwatch } from './run.js';

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
});
