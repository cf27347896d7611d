import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FileFormatError, readWithSchema } from '../schema-file.js';
import * as z from '../zod.js';
import { FileLock, type LockHolder } from './file-lock.js';
import type { Finding } from './finding.js';
import { FindingSchema } from './finding-schema.js';
import {
  type AssumptionCount,
  type FindingStore,
  type SaveOutcome,
  type StoredFinding,
  storable,
} from './store.js';

export const STATE_SCHEMA_VERSION = 1;

const StoredFindingSchema = z.extend(FindingSchema, {
  alertedAt: z.optional(z.string()),
  resolvedAt: z.optional(z.string()),
}) satisfies z.ZodMiniType<StoredFinding>;

const AssumptionSchema = z.object({
  roleArn: z.string(),
  subject: z.string(),
  day: z.string(),
  succeeded: z.number(),
  denied: z.number(),
});

const StateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  /** The journal that continues this state: its first line names the same generation. */
  generation: z.optional(z.string()),
  /** By finding id. */
  findings: z.record(z.string(), StoredFindingSchema),
  /**
   * Claimed CloudTrail event id → when the claim expires (as files before `claims` kept them). Checked
   * by `readClaims`, not here: a schema would first copy a million of them.
   */
  events: z.optional(z.unknown()),
  /** When claims expire → the event ids claimed until then: a million ids parse fast as lists. */
  claims: z.optional(z.unknown()),
  /** Region → the time LookupEvents was read up to. */
  checkpoints: z.record(z.string(), z.string()),
  assumptions: z.array(AssumptionSchema),
  /** Role ARN → subjects that assumed it successfully. */
  subjects: z.record(z.string(), z.array(z.string())),
});

/** One change, as a line of the journal. */
const ChangeSchema = z.union([
  z.object({ finding: StoredFindingSchema }),
  z.object({ event: z.string(), until: z.string() }),
  z.object({ region: z.string(), checkpoint: z.string() }),
  z.object({ assumption: AssumptionSchema }),
]);
type Change = z.infer<typeof ChangeSchema>;

const JournalHeaderSchema = z.object({ generation: z.string() });

/** The state in memory, indexed for what the operations ask. */
interface State {
  findings: Map<string, StoredFinding>;
  /** Event id → when its claim expires, in ms. */
  events: Map<string, number>;
  checkpoints: Map<string, string>;
  /** By `roleArn \0 subject \0 day`. */
  assumptions: Map<string, AssumptionCount>;
  subjects: Map<string, Set<string>>;
}

/** What stores still holding a lock write when the process ends: one listener for them all. */
const atExit = new Set<() => void>();
process.on('exit', () => {
  for (const flush of atExit) flush();
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Changes wait in memory until this many bytes of them are ready, then go to the journal in one write. */
const FLUSH_BYTES = 256 * 1024;

export interface FileStoreOptions {
  /** Told once when another run holds the state file and this one waits for it. */
  onWait?: (holder: LockHolder) => void;
  /** How long to wait for another run to finish with the state file (default 10 minutes). */
  lockTimeoutMs?: number;
}

/**
 * The CLI's state in a JSON file, with the semantics of the DynamoDB store (an event is claimed once, a
 * finding opened once). A run's changes are appended to a journal beside it (`STATE.journal`, one JSON
 * line each, written in batches), so a run costs what it changes, not the size of the state; `close()`
 * folds the journal into the state file (a temporary file renamed over it) once the journal has grown
 * past the state file, so that folding costs at most what the journal cost to write. A crash leaves a
 * prefix of the changes, never half of one: a cut last line is ignored.
 *
 * Runs on one file take turns: the first change takes a lock file (`STATE.lock`, created exclusively,
 * naming its process), re-reads what earlier runs wrote, and keeps the lock until `close()` or the
 * process ends. A lock whose process is gone is taken over. Reading needs no lock.
 */
export class FileStore implements FindingStore {
  readonly #journalPath: string;
  readonly #lock: FileLock;
  #state: State | undefined;
  /** What the state in memory was read from, to tell whether another run has changed the files since. */
  #readFrom: string | undefined;
  #generation: string | undefined;
  #locked = false;
  #pending: string[] = [];
  #pendingBytes = 0;
  /** Bytes of the journal, written by this run or read. */
  #journalBytes = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #onExit = () => {
    this.#flushSync();
    this.#lock.releaseSync();
  };

  constructor(
    readonly path: string,
    options: FileStoreOptions = {},
  ) {
    this.#journalPath = `${path}.journal`;
    this.#lock = new FileLock(`${path}.lock`, options);
  }

  async save(input: Finding): Promise<SaveOutcome> {
    const finding = storable(input);
    return this.#change((state) => {
      const stored = state.findings.get(finding.id);
      if (!stored) return { result: 'opened', changes: [{ finding }] };
      const kept = { ...finding, firstSeen: stored.firstSeen };
      // A new opening: the alert of the previous one must not stand for this one.
      if (stored.status === 'resolved') return { result: 'reopened', changes: [{ finding: kept }] };
      // A repeat keeps the evidence only an earlier sighting had (who made the change, from the event).
      const repeat = { ...kept, evidence: { ...stored.evidence, ...finding.evidence } };
      const updated = stored.alertedAt ? { ...repeat, alertedAt: stored.alertedAt } : repeat;
      return { result: 'updated', changes: [{ finding: updated }] };
    });
  }

  resolve(id: string, at: string): Promise<boolean> {
    return this.#change((state) => {
      const stored = state.findings.get(id);
      if (!stored || stored.status === 'resolved') return { result: false };
      return { result: true, changes: [{ finding: { ...stored, status: 'resolved', resolvedAt: at } }] };
    });
  }

  markAlerted(id: string, at: string): Promise<boolean> {
    return this.#change((state) => {
      const stored = state.findings.get(id);
      if (!stored) throw new Error(`no finding ${id} to mark alerted`);
      if (stored.alertedAt) return { result: false };
      return { result: true, changes: [{ finding: { ...stored, alertedAt: at } }] };
    });
  }

  releaseAlert(id: string, at: string): Promise<void> {
    return this.#change((state) => {
      const stored = state.findings.get(id);
      if (stored?.alertedAt !== at) return { result: undefined };
      const { alertedAt: _released, ...finding } = stored;
      return { result: undefined, changes: [{ finding }] };
    });
  }

  get(id: string): Promise<StoredFinding | undefined> {
    return this.#read((state) => structuredClone(state.findings.get(id)));
  }

  list(status?: Finding['status']): Promise<StoredFinding[]> {
    return this.#read((state) =>
      [...state.findings.values()]
        .filter((f) => !status || f.status === status)
        .map((f) => structuredClone(f)),
    );
  }

  async claimEvent(eventId: string, expiresAt: string): Promise<boolean> {
    const until = new Date(time(expiresAt)).toISOString();
    return this.#change((state) => {
      if (claimed(state, eventId)) return { result: false };
      return { result: true, changes: [{ event: eventId, until }] };
    });
  }

  eventClaimed(eventId: string): Promise<boolean> {
    return this.#read((state) => claimed(state, eventId));
  }

  checkpoint(region: string): Promise<string | undefined> {
    return this.#read((state) => state.checkpoints.get(region));
  }

  setCheckpoint(region: string, checkpoint: string): Promise<void> {
    return this.#change(() => ({ result: undefined, changes: [{ region, checkpoint }] }));
  }

  async addAssumption(count: AssumptionCount): Promise<void> {
    checkDay(count.day);
    const { roleArn, subject, day, succeeded, denied } = count;
    return this.#change(() => ({
      result: undefined,
      changes: [{ assumption: { roleArn, subject, day, succeeded, denied } }],
    }));
  }

  async assumptions(fromDay: string, toDay: string): Promise<AssumptionCount[]> {
    checkDay(fromDay);
    checkDay(toDay);
    return this.#read((state) =>
      [...state.assumptions.values()]
        .filter((a) => a.day >= fromDay && a.day <= toDay)
        .map((a) => ({ ...a })),
    );
  }

  subjectsSeen(roleArn: string): Promise<string[]> {
    return this.#read((state) => [...(state.subjects.get(roleArn) ?? [])]);
  }

  /**
   * Writes what is pending, folds the journal into the state file when it has outgrown it, and lets
   * the next run have the file. The store can be used again after: it then takes the lock again.
   */
  close(): Promise<void> {
    return this.#serially(async () => {
      if (!this.#locked) return;
      try {
        this.#flushSync();
        if (this.#state && this.#journalBytes > 0 && this.#journalBytes >= (await sizeOf(this.path))) {
          await this.#compact(this.#state);
        }
      } finally {
        this.#locked = false;
        atExit.delete(this.#onExit);
        await this.#lock.release();
      }
    });
  }

  #read<T>(look: (state: State) => T): Promise<T> {
    return this.#serially(async () => look(await this.#load()));
  }

  /**
   * Decides under the lock, with every earlier run's changes read, then applies the changes to memory
   * and queues them for the journal before the caller hears the outcome.
   */
  #change<T>(decide: (state: State) => { result: T; changes?: Change[] }): Promise<T> {
    return this.#serially(async () => {
      if (!this.#locked) await this.#takeLock();
      const state = await this.#load();
      const { result, changes = [] } = decide(state);
      for (const change of changes) {
        apply(state, change);
        const line = `${JSON.stringify(change)}\n`;
        this.#pending.push(line);
        this.#pendingBytes += line.length;
      }
      if (this.#pendingBytes >= FLUSH_BYTES) this.#flushSync();
      return result;
    });
  }

  /** Each operation starts when the previous one ended, so no two interleave between read and write. */
  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #takeLock(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.#lock.acquire();
    this.#locked = true;
    // Pending changes must reach the file even when the caller never closes the store.
    atExit.add(this.#onExit);
    // Another run may have changed the files since they were read: read them again.
    if (this.#state && this.#readFrom !== (await this.#fingerprint())) this.#state = undefined;
    await this.#startJournal(await this.#load());
  }

  /** Makes the journal safe to append to: headed by the state file's generation, with no cut line at its end. */
  async #startJournal(state: State): Promise<void> {
    if (this.#journalBytes > 0) {
      if ((await sizeOf(this.#journalPath)) > this.#journalBytes) {
        await truncate(this.#journalPath, this.#journalBytes);
      }
      return;
    }
    // What is there is of another generation, folded in already (a crash between rename and delete).
    await rm(this.#journalPath, { force: true });
    // A new state file, or one written before journals: it must name the generation its journal continues.
    if (!this.#generation) await this.#compact(state);
    this.#pending.unshift(`${JSON.stringify({ generation: this.#generation })}\n`);
  }

  #flushSync(): void {
    if (this.#pending.length === 0 || !this.#locked) return;
    const text = this.#pending.join('');
    const fd = openSync(this.#journalPath, 'a');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    this.#journalBytes += Buffer.byteLength(text);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** The state file rewritten whole, with a new generation, and the journal gone. */
  async #compact(state: State): Promise<void> {
    this.#generation = randomUUID();
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      const handle = await open(temporary, 'w');
      try {
        for (const piece of serialize(state, this.#generation)) await handle.write(piece);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await rm(this.#journalPath, { force: true });
    this.#journalBytes = 0;
  }

  async #fingerprint(): Promise<string> {
    const [state, journal] = await Promise.all([
      stat(this.path).catch(() => undefined),
      sizeOf(this.#journalPath),
    ]);
    return state ? `${state.ino}:${state.size}:${state.mtimeMs}:${journal}` : `none:${journal}`;
  }

  async #load(): Promise<State> {
    if (this.#state) return this.#state;
    const readFrom = await this.#fingerprint();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#generation = undefined;
      this.#journalBytes = 0;
      this.#readFrom = readFrom;
      this.#state = emptyState();
      return this.#state;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new FileFormatError(`${this.path}: not valid JSON (${(error as Error).message})`);
    }
    const file = readWithSchema(StateSchema, value, this.path);
    const state = fromFile(file, readClaims(file, this.path));
    this.#generation = file.generation;
    this.#journalBytes = file.generation ? await this.#readJournal(state, file.generation) : 0;
    this.#readFrom = readFrom;
    this.#state = state;
    return state;
  }

  /** Applies the journal of this generation to the state; returns the bytes of its complete lines. */
  async #readJournal(state: State, generation: string): Promise<number> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#journalPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    // A line without its newline was cut by a crash: the change it held never happened.
    const complete = bytes.lastIndexOf(0x0a) + 1;
    const lines = bytes.toString('utf8', 0, complete).split('\n');
    lines.pop();
    const where = (n: number) => `${this.#journalPath}: line ${n + 1}`;
    const parse = (line: string, n: number) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new FileFormatError(`${where(n)}: not valid JSON (${(error as Error).message})`);
      }
    };
    const [header, ...changes] = lines;
    if (header === undefined) return 0;
    // A journal of another generation was folded into the state already (a crash after the rename).
    if (readWithSchema(JournalHeaderSchema, parse(header, 0), where(0)).generation !== generation) return 0;
    changes.forEach((line, n) => {
      apply(state, readWithSchema(ChangeSchema, parse(line, n + 1), where(n + 1)));
    });
    return complete;
  }
}

function apply(state: State, change: Change): void {
  if ('finding' in change) state.findings.set(change.finding.id, change.finding);
  else if ('event' in change) state.events.set(change.event, Date.parse(change.until));
  else if ('checkpoint' in change) state.checkpoints.set(change.region, change.checkpoint);
  else {
    const { roleArn, subject, day, succeeded, denied } = change.assumption;
    const key = `${roleArn}\0${subject}\0${day}`;
    const entry = state.assumptions.get(key);
    if (entry) {
      entry.succeeded += succeeded;
      entry.denied += denied;
    } else state.assumptions.set(key, { roleArn, subject, day, succeeded, denied });
    // Only a successful assumption makes a subject known: one refused first must still be novel
    // when it gets in.
    if (succeeded === 0) return;
    const seen = state.subjects.get(roleArn) ?? new Set<string>();
    seen.add(subject);
    state.subjects.set(roleArn, seen);
  }
}

/** Expired claims are free, as in DynamoDB, whether or not they were dropped yet. */
function claimed(state: State, eventId: string): boolean {
  const until = state.events.get(eventId);
  return until !== undefined && until >= Date.now();
}

/** The claimed events of a state file, checked in one pass into the map. */
function readClaims(file: { events?: unknown; claims?: unknown }, path: string): Map<string, number> {
  const claims = new Map<string, number>();
  const problem = (field: string, expected: string, value: unknown) =>
    new FileFormatError(
      `${path}: ${field}: Invalid input: expected ${expected}, received ${describe(value)}`,
    );
  const record = (field: string, value: unknown) => {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw problem(field, 'record', value);
    }
    return value as Record<string, unknown>;
  };
  const events = record('events', file.events);
  for (const id in events) {
    const until = events[id];
    if (typeof until !== 'string') throw problem(`events.${id}`, 'string', until);
    claims.set(id, Date.parse(until));
  }
  const byExpiry = record('claims', file.claims);
  for (const until in byExpiry) {
    const ids = byExpiry[until];
    if (!Array.isArray(ids)) throw problem(`claims.${until}`, 'array', ids);
    const ms = Date.parse(until);
    for (const id of ids) {
      if (typeof id !== 'string') throw problem(`claims.${until}`, 'strings', id);
      claims.set(id, ms);
    }
  }
  return claims;
}

const describe = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

function fromFile(file: z.infer<typeof StateSchema>, events: Map<string, number>): State {
  const state = { ...emptyState(), events };
  for (const [id, finding] of Object.entries(file.findings)) state.findings.set(id, finding);
  for (const [region, at] of Object.entries(file.checkpoints)) state.checkpoints.set(region, at);
  for (const assumption of file.assumptions) apply(state, { assumption });
  for (const [role, subjects] of Object.entries(file.subjects)) state.subjects.set(role, new Set(subjects));
  return state;
}

/**
 * The state file's text, in pieces, so that a state of a million claimed events is never one string;
 * expired claims are left out, which keeps the file from growing forever.
 */
function* serialize(state: State, generation: string): Generator<string> {
  yield `{"schemaVersion":${STATE_SCHEMA_VERSION},"generation":${JSON.stringify(generation)}`;
  yield `,"findings":${JSON.stringify(Object.fromEntries(state.findings))},"claims":{`;
  const byExpiry = new Map<number, string[]>();
  const now = Date.now();
  for (const [id, until] of state.events) {
    // Expired claims are left out (and a time that never parsed is no claim).
    if (!(until >= now)) continue;
    const ids = byExpiry.get(until);
    if (ids) ids.push(id);
    else byExpiry.set(until, [id]);
  }
  let separator = '';
  for (const [until, ids] of byExpiry) {
    yield `${separator}"${new Date(until).toISOString()}":[`;
    separator = ',';
    for (let at = 0; at < ids.length; at += 10_000) {
      yield (at > 0 ? ',' : '') +
        ids
          .slice(at, at + 10_000)
          .map((id) => JSON.stringify(id))
          .join(',');
    }
    yield ']';
  }
  yield '}';
  yield `,"checkpoints":${JSON.stringify(Object.fromEntries(state.checkpoints))}`;
  yield `,"assumptions":${JSON.stringify([...state.assumptions.values()])}`;
  const subjects = Object.fromEntries([...state.subjects].map(([role, seen]) => [role, [...seen]]));
  yield `,"subjects":${JSON.stringify(subjects)}}`;
}

function emptyState(): State {
  return {
    findings: new Map(),
    events: new Map(),
    checkpoints: new Map(),
    assumptions: new Map(),
    subjects: new Map(),
  };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function time(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`not a time: "${text}"`);
  return ms;
}

function checkDay(day: string): void {
  // Date rolls 2026-02-30 over to March: only a day that comes back unchanged exists.
  const at = new Date(`${day}T00:00:00Z`);
  const valid = DAY.test(day) && !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
  if (!valid) throw new Error(`not a day as YYYY-MM-DD: "${day}"`);
}
