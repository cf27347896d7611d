import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LockTimeoutError } from '../../shared/findings/file-lock.js';
import { FileStore, STATE_SCHEMA_VERSION } from '../../shared/findings/file-store.js';
import { FileFormatError } from '../../shared/schema-file.js';
import { storeContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'trustwatch-file-store-'));
/** Every store a test opens: closed before their directory goes, or their exit hook writes into nothing. */
const opened: FileStore[] = [];
function openStore(...args: ConstructorParameters<typeof FileStore>): FileStore {
  const store = new FileStore(...args);
  opened.push(store);
  return store;
}
afterAll(async () => {
  for (const store of opened) await store.close();
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
const freshPath = () => join(dir, `state-${++files}`, 'state.json');

/** The event ids a state file holds claimed, as written: grouped by when their claims expire. */
function claimedIn(path: string): string[] {
  const { claims } = JSON.parse(readFileSync(path, 'utf8')) as { claims: Record<string, string[]> };
  return Object.values(claims).flat();
}

/** One counter of assumptions, for the tests that add to it. */
const count = {
  roleArn: 'arn:aws:iam::123456789012:role/ci',
  subject: 'repo:o/r:pull_request',
  day: '2026-03-01',
};

/** A state file large enough that a run of a few changes leaves them in the journal. */
async function largeState(path: string): Promise<void> {
  const store = openStore(path);
  for (let i = 0; i < 200; i++) await store.claimEvent(`big-${i}`, '2099-01-01T00:00:00Z');
  await store.close();
}

describe('FileStore', () => {
  storeContract(() => openStore(freshPath()));

  it('keeps its state in the file for the next run', async () => {
    const path = freshPath();
    const before = openStore(path);
    await before.setCheckpoint('eu-west-1', '2026-03-01T00:00:00.000Z');
    await before.claimEvent('event-1', '2099-01-01T00:00:00.000Z');
    await before.close();

    const after = openStore(path);
    expect(await after.checkpoint('eu-west-1')).toBe('2026-03-01T00:00:00.000Z');
    expect(await after.claimEvent('event-1', '2099-01-01T00:00:00.000Z')).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8')).schemaVersion).toBe(STATE_SCHEMA_VERSION);
  });

  it('folds its journal into the file on close and leaves no temporary, journal or lock file behind', async () => {
    const path = freshPath();
    const store = openStore(path);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.claimEvent(`event-${i}`, '2099-01-01T00:00:00Z')),
    );
    await store.close();
    expect(readdirSync(join(path, '..'))).toEqual(['state.json']);
    expect(claimedIn(path)).toHaveLength(10);
  });

  it('drops expired claims when it writes the file', async () => {
    const path = freshPath();
    const store = openStore(path);
    await store.claimEvent('old', '2020-01-01T00:00:00Z');
    await store.claimEvent('new', '2099-01-01T00:00:00Z');
    await store.close();
    expect(claimedIn(path)).toEqual(['new']);
  });

  it('names the file and the field when the file is not a state it understands', async () => {
    const path = freshPath();
    const first = openStore(path);
    await first.setCheckpoint('us-east-1', '2026-03-01T00:00:00.000Z');
    await first.close();
    const state = JSON.parse(readFileSync(path, 'utf8'));

    writeFileSync(path, JSON.stringify({ ...state, checkpoints: { 'us-east-1': 7 } }));
    await expect(openStore(path).checkpoint('us-east-1')).rejects.toThrow(
      new FileFormatError(`${path}: checkpoints.us-east-1: Invalid input: expected string, received number`),
    );

    writeFileSync(path, JSON.stringify({ ...state, claims: { '2099-01-01T00:00:00.000Z': ['a', 7] } }));
    await expect(openStore(path).list()).rejects.toThrow(
      new FileFormatError(
        `${path}: claims.2099-01-01T00:00:00.000Z: Invalid input: expected strings, received number`,
      ),
    );
    writeFileSync(path, JSON.stringify({ ...state, events: { a: null } }));
    await expect(openStore(path).list()).rejects.toThrow(`${path}: events.a: Invalid input: expected string`);

    writeFileSync(path, JSON.stringify({ ...state, schemaVersion: 99 }));
    await expect(openStore(path).list()).rejects.toThrow(`${path}: schemaVersion:`);

    writeFileSync(path, '{"schemaVersion": 1,');
    await expect(openStore(path).list()).rejects.toThrow(`${path}: not valid JSON`);
  });

  it('costs a run what it changes: a small run on a large state appends to the journal, the file stays', async () => {
    const path = freshPath();
    const big = openStore(path);
    for (let i = 0; i < 5000; i++) await big.claimEvent(`event-${i}`, '2099-01-01T00:00:00Z');
    await big.close();
    const before = statSync(path);
    const text = readFileSync(path, 'utf8');

    const small = openStore(path);
    expect(await small.claimEvent('event-new', '2099-01-01T00:00:00Z')).toBe(true);
    await small.close();
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(statSync(path).ino).toBe(before.ino);
    const journal = readFileSync(`${path}.journal`, 'utf8').trim().split('\n');
    expect(journal).toHaveLength(2);
    expect(JSON.parse(journal[1] as string)).toEqual({
      event: 'event-new',
      until: '2099-01-01T00:00:00.000Z',
    });

    const later = openStore(path);
    expect(await later.eventClaimed('event-new')).toBe(true);
    expect(await later.eventClaimed('event-4999')).toBe(true);
  });

  it.each([20_000, 25_001])(
    'writes a state of %i claimed events, in pieces, as one valid file',
    async (events) => {
      const path = freshPath();
      const store = openStore(path);
      for (let i = 0; i < events; i++) await store.claimEvent(`event-${i}`, '2099-01-01T00:00:00Z');
      await store.close();
      expect(new Set(claimedIn(path)).size).toBe(events);
    },
  );

  it('folds the journal into the file once it has outgrown it, and loses nothing doing so', async () => {
    const path = freshPath();
    const role = 'arn:aws:iam::123456789012:role/ci';
    const day = '2026-03-01';
    for (let run = 0; run < 6; run++) {
      const store = openStore(path);
      for (let i = 0; i < 50; i++) {
        await store.addAssumption({
          roleArn: role,
          subject: `repo:o/r${i}:pull_request`,
          day,
          succeeded: 1,
          denied: 0,
        });
      }
      await store.close();
    }
    const counts = await openStore(path).assumptions(day, day);
    expect(counts).toHaveLength(50);
    expect(counts.every((c) => c.succeeded === 6)).toBe(true);
    const journal = statSync(`${path}.journal`, { throwIfNoEntry: false })?.size ?? 0;
    expect(journal).toBeLessThanOrEqual(statSync(path).size);
  });

  it("lets two stores on one file take turns: the second waits, then sees the first one's changes", async () => {
    const path = freshPath();
    const [a, b] = [openStore(path), openStore(path)];
    await b.list();
    await a.addAssumption({ ...count, succeeded: 1, denied: 0 });
    const waits: number[] = [];
    const second = openStore(path, { onWait: (holder) => waits.push(holder.pid) });
    const pending = second.addAssumption({ ...count, succeeded: 0, denied: 1 });
    const late = b.addAssumption({ ...count, succeeded: 1, denied: 0 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(waits).toEqual([process.pid]);
    await a.addAssumption({ ...count, succeeded: 1, denied: 0 });
    await a.close();
    // Whichever waiter gets the file first, each lets it go once its change is made.
    await Promise.all([pending.then(() => second.close()), late.then(() => b.close())]);
    expect(await openStore(path).assumptions('2026-03-01', '2026-03-01')).toEqual([
      { ...count, succeeded: 3, denied: 1 },
    ]);
  });

  it('takes over a lock whose process is gone, and gives up on a live one after its timeout', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: gone, host: hostname(), since: '2026-01-01T00:00:00Z' }),
    );
    const store = openStore(path);
    await store.setCheckpoint('us-east-1', '2026-03-01T00:00:00.000Z');
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
    await store.close();

    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00Z' }),
    );
    const blocked = openStore(path, { lockTimeoutMs: 200 });
    await expect(blocked.setCheckpoint('us-east-1', '2026-03-02T00:00:00.000Z')).rejects.toThrow(
      LockTimeoutError,
    );
    await expect(blocked.setCheckpoint('us-east-1', '2026-03-02T00:00:00.000Z')).rejects.toThrow(
      new RegExp(`held by process ${process.ppid} on `),
    );
    rmSync(`${path}.lock`);
    expect(await openStore(path).checkpoint('us-east-1')).toBe('2026-03-01T00:00:00.000Z');
  });

  it('reads a journal whose last line a crash cut short, and writes on after the last whole line', async () => {
    const path = freshPath();
    await largeState(path);
    const second = openStore(path);
    await second.claimEvent('a', '2099-01-01T00:00:00Z');
    await second.close();
    appendFileSync(`${path}.journal`, '{"event":"b","until":"2099-01');
    const third = openStore(path);
    expect(await third.eventClaimed('a')).toBe(true);
    expect(await third.eventClaimed('b')).toBe(false);
    await third.claimEvent('c', '2099-01-01T00:00:00Z');
    await third.close();
    const fourth = openStore(path);
    expect([await fourth.eventClaimed('a'), await fourth.eventClaimed('c')]).toEqual([true, true]);
  });

  it('names the journal and the line when a line in its middle is not a change it understands', async () => {
    const path = freshPath();
    await largeState(path);
    const second = openStore(path);
    await second.claimEvent('a', '2099-01-01T00:00:00Z');
    await second.claimEvent('b', '2099-01-01T00:00:00Z');
    await second.close();
    const lines = readFileSync(`${path}.journal`, 'utf8').split('\n');
    writeFileSync(`${path}.journal`, [lines[0], '{"event": 7}', ...lines.slice(2)].join('\n'));
    await expect(openStore(path).list()).rejects.toThrow(FileFormatError);
    await expect(openStore(path).list()).rejects.toThrow(`${path}.journal: line 2: `);
    writeFileSync(`${path}.journal`, [lines[0], 'garbage', ...lines.slice(2)].join('\n'));
    await expect(openStore(path).list()).rejects.toThrow(`${path}.journal: line 2: not valid JSON`);
  });

  it('ignores a journal of an earlier generation that a crash left after folding it in', async () => {
    const path = freshPath();
    const store = openStore(path);
    await store.addAssumption({ ...count, succeeded: 1, denied: 0 });
    await store.close();
    // What the journal held is in the file now; a crash kept the journal.
    writeFileSync(
      `${path}.journal`,
      `{"generation":"earlier"}\n${JSON.stringify({ assumption: { ...count, succeeded: 1, denied: 0 } })}\n`,
    );
    expect(await openStore(path).assumptions('2026-03-01', '2026-03-01')).toEqual([
      { ...count, succeeded: 1, denied: 0 },
    ]);
  });

  it('continues a state file written before journals existed', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(
      path,
      JSON.stringify({
        schemaVersion: 1,
        findings: {},
        events: { old: '2099-01-01T00:00:00.000Z' },
        checkpoints: {},
        assumptions: [{ ...count, succeeded: 2, denied: 0 }],
        subjects: { [count.roleArn]: [count.subject] },
      }),
    );
    const store = openStore(path);
    expect(await store.claimEvent('old', '2099-01-01T00:00:00Z')).toBe(false);
    await store.addAssumption({ ...count, succeeded: 1, denied: 0 });
    await store.close();
    const later = openStore(path);
    expect(await later.assumptions('2026-03-01', '2026-03-01')).toEqual([
      { ...count, succeeded: 3, denied: 0 },
    ]);
    expect(await later.subjectsSeen(count.roleArn)).toEqual([count.subject]);
  });
});
