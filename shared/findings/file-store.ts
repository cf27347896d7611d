import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FileFormatError, readWithSchema } from '../schema-file.js';
import * as z from '../zod.js';
import type { Finding } from './finding.js';
import { FindingSchema } from './finding-schema.js';
import {
  type AlertClaim,
  type AssumptionCount,
  type FindingStore,
  type SaveOutcome,
  type StoredFinding,
  storable,
} from './store.js';

export const STATE_SCHEMA_VERSION = 1;

const StoredFindingSchema = z.extend(FindingSchema, {
  alertedAt: z.optional(z.string()),
  alertClaim: z.optional(z.object({ at: z.string(), until: z.string() })),
  resolvedAt: z.optional(z.string()),
}) satisfies z.ZodMiniType<StoredFinding>;

const StateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  /** By finding id. */
  findings: z.record(z.string(), StoredFindingSchema),
  /** Claimed CloudTrail event id → when the claim expires. */
  events: z.record(z.string(), z.string()),
  /** Region → the time LookupEvents was read up to. */
  checkpoints: z.record(z.string(), z.string()),
  /** CloudTrail event id → failed attempts at handling it (absent from files written before it). */
  failures: z.optional(z.record(z.string(), z.object({ attempts: z.number(), expires: z.string() }))),
  assumptions: z.array(
    z.object({
      roleArn: z.string(),
      subject: z.string(),
      day: z.string(),
      succeeded: z.number(),
      denied: z.number(),
    }),
  ),
  /** Role ARN → subjects that assumed it successfully. */
  subjects: z.record(z.string(), z.array(z.string())),
});

type State = z.infer<typeof StateSchema>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The CLI's state in one JSON file, with the semantics of the DynamoDB store (an event is claimed
 * once, a finding opened once). The CLI is one process: operations run one after another in it,
 * and each change is written to a temporary file that then replaces the state file, so that a
 * crash leaves the previous state or the new one, never half of either.
 */
export class FileStore implements FindingStore {
  #state: State | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  async save(input: Finding): Promise<SaveOutcome> {
    const finding = storable(input);
    return this.#change((state) => {
      const stored = state.findings[finding.id];
      if (!stored) {
        state.findings[finding.id] = finding;
        return 'opened';
      }
      const kept = { ...finding, firstSeen: stored.firstSeen };
      // A new opening: the alert of the previous one must not stand for this one.
      if (stored.status === 'resolved') {
        state.findings[finding.id] = kept;
        return 'reopened';
      }
      // A repeat keeps the evidence only an earlier sighting had (who made the change, from the event).
      const repeat = { ...kept, evidence: { ...stored.evidence, ...finding.evidence } };
      const { alertedAt, alertClaim } = stored;
      state.findings[finding.id] = {
        ...repeat,
        ...(alertedAt ? { alertedAt } : {}),
        ...(alertClaim ? { alertClaim } : {}),
      };
      return 'updated';
    });
  }

  resolve(id: string, at: string): Promise<boolean> {
    return this.#change((state) => {
      const stored = state.findings[id];
      if (!stored || stored.status === 'resolved') return false;
      state.findings[id] = { ...stored, status: 'resolved', resolvedAt: at };
      return true;
    });
  }

  claimAlert(id: string, claim: AlertClaim): Promise<boolean> {
    const lease = {
      at: new Date(time(claim.at)).toISOString(),
      until: new Date(time(claim.until)).toISOString(),
    };
    return this.#change((state) => {
      const stored = state.findings[id];
      if (!stored) throw new Error(`no finding ${id} to claim the alert of`);
      if (stored.alertedAt || (stored.alertClaim && stored.alertClaim.until >= lease.at)) return false;
      stored.alertClaim = lease;
      return true;
    });
  }

  confirmAlert(id: string, at: string): Promise<void> {
    return this.#change((state) => {
      const stored = state.findings[id];
      if (!stored) throw new Error(`no finding ${id} to confirm the alert of`);
      stored.alertedAt = new Date(time(at)).toISOString();
      delete stored.alertClaim;
    });
  }

  releaseAlert(id: string, at: string): Promise<void> {
    return this.#change((state) => {
      const stored = state.findings[id];
      if (stored?.alertClaim && Date.parse(stored.alertClaim.at) === time(at)) delete stored.alertClaim;
    });
  }

  get(id: string): Promise<StoredFinding | undefined> {
    return this.#read((state) => structuredClone(state.findings[id]));
  }

  list(status?: Finding['status']): Promise<StoredFinding[]> {
    return this.#read((state) =>
      Object.values(state.findings)
        .filter((f) => !status || f.status === status)
        .map((f) => structuredClone(f)),
    );
  }

  async claimEvent(eventId: string, expiresAt: string): Promise<boolean> {
    const expires = time(expiresAt);
    return this.#change((state) => {
      const now = Date.now();
      // Expired claims are free, as in DynamoDB; dropping them keeps the file from growing forever.
      for (const [id, until] of Object.entries(state.events))
        if (Date.parse(until) < now) delete state.events[id];
      if (state.events[eventId]) return false;
      state.events[eventId] = new Date(expires).toISOString();
      return true;
    });
  }

  eventClaimed(eventId: string): Promise<boolean> {
    return this.#read((state) => {
      const until = state.events[eventId];
      return until !== undefined && Date.parse(until) >= Date.now();
    });
  }

  countFailure(eventId: string, expiresAt: string): Promise<number> {
    const expires = new Date(time(expiresAt)).toISOString();
    return this.#change((state) => {
      const failures = state.failures ?? {};
      const attempts = (failures[eventId]?.attempts ?? 0) + 1;
      state.failures = { ...failures, [eventId]: { attempts, expires } };
      return attempts;
    });
  }

  checkpoint(region: string): Promise<string | undefined> {
    return this.#read((state) => state.checkpoints[region]);
  }

  setCheckpoint(region: string, time: string): Promise<void> {
    return this.#change((state) => {
      state.checkpoints[region] = time;
    });
  }

  async addAssumption(count: AssumptionCount): Promise<void> {
    checkDay(count.day);
    return this.#change((state) => {
      const { roleArn, subject, day } = count;
      const entry = state.assumptions.find(
        (a) => a.roleArn === roleArn && a.subject === subject && a.day === day,
      );
      if (entry) {
        entry.succeeded += count.succeeded;
        entry.denied += count.denied;
      } else {
        state.assumptions.push({ roleArn, subject, day, succeeded: count.succeeded, denied: count.denied });
      }
      // Only a successful assumption makes a subject known: one refused first must still be novel
      // when it gets in.
      if (count.succeeded === 0) return;
      const seen = state.subjects[roleArn] ?? [];
      if (!seen.includes(subject)) state.subjects[roleArn] = [...seen, subject];
    });
  }

  async assumptions(fromDay: string, toDay: string): Promise<AssumptionCount[]> {
    checkDay(fromDay);
    checkDay(toDay);
    return this.#read((state) =>
      state.assumptions.filter((a) => a.day >= fromDay && a.day <= toDay).map((a) => ({ ...a })),
    );
  }

  subjectsSeen(roleArn: string): Promise<string[]> {
    return this.#read((state) => [...(state.subjects[roleArn] ?? [])]);
  }

  #read<T>(look: (state: State) => T): Promise<T> {
    return this.#serially(async () => look(await this.#load()));
  }

  /** Applies a change and writes the file before the caller hears the outcome. */
  #change<T>(apply: (state: State) => T): Promise<T> {
    return this.#serially(async () => {
      const state = await this.#load();
      const result = apply(state);
      try {
        await this.#write(state);
      } catch (error) {
        // The file holds what it held before: read it again rather than trust the change in memory.
        this.#state = undefined;
        throw error;
      }
      return result;
    });
  }

  /** Each operation starts when the previous one ended, so no two interleave between read and write. */
  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #load(): Promise<State> {
    if (this.#state) return this.#state;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#state = emptyState();
      return this.#state;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new FileFormatError(`${this.path}: not valid JSON (${(error as Error).message})`);
    }
    this.#state = readWithSchema(StateSchema, value, this.path);
    return this.#state;
  }

  async #write(state: State): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      // Compact: a state file is read by the program, and a replay rewrites it once per event.
      await writeFile(temporary, JSON.stringify(state));
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

function emptyState(): State {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    findings: {},
    events: {},
    checkpoints: {},
    assumptions: [],
    subjects: {},
  };
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
