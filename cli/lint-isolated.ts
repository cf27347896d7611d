import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { parsePolicy } from '../shared/policy/parse.js';
import { type LintOptions, lintPolicy } from '../shared/rules/lint.js';
import { lintFile } from './commands/lint.js';
import { LintCache } from './lint-cache.js';
import type { LintResult } from './model.js';

/**
 * How long (by default), and in how much memory, one file may be analysed without progress. The engine
 * is exact, and a policy within IAM's size limit can still hold patterns whose automata grow past any
 * budget: such a file gets an answer saying so, and the other files theirs, instead of the run hanging
 * or the process dying.
 */
export const LINT_FILE_SECONDS = 20;
export const LINT_FILE_MEMORY_MB = 1024;

/** A worker sends a file's results in batches of at most this many, or whatever it has after this long. */
const BATCH_RESULTS = 500;
const BATCH_MS = 100;

interface Request {
  path: string;
  options: LintOptions;
}

/** A batch of a file's results; `done` on the file's last one. */
interface Batch {
  results: LintResult[];
  done: boolean;
}

type Outcome = { done: true } | { error: string };

/**
 * Lints the files in up to `workers` worker threads running `entry` (the CLI's own bundle), each file
 * to the next free worker, with the memory above, handing each result to `take` in the order of
 * `paths` whatever order the files finish in. A file whose reading or one of whose policies takes longer
 * than `seconds`, or that runs its worker out of memory, gets an error result; its worker is ended and
 * its next file gets a fresh one, while the other workers go on with theirs.
 */
export async function lintIsolated(
  entry: URL,
  paths: string[],
  options: LintOptions,
  take: (result: LintResult) => void,
  seconds = LINT_FILE_SECONDS,
  workers = 1,
): Promise<void> {
  const order = new InFileOrder(take);
  let next = 0;
  let failed = false;
  const serve = async () => {
    let worker: Worker | undefined;
    try {
      while (!failed && next < paths.length) {
        const index = next++;
        const path = paths[index] as string;
        worker ??= await startWorker(entry);
        let received = 0;
        const outcome = await lintOne(worker, { path, options }, seconds, (results) => {
          received += results.length;
          for (const result of results) order.add(index, result);
        });
        if ('error' in outcome) {
          order.add(index, { file: path, path, error: afterSome(received, outcome.error) });
          await worker.terminate();
          worker = undefined;
        }
        // A worker whose file is held takes no other until it is written: that bounds what is held.
        await order.end(index);
      }
    } catch (error) {
      failed = true;
      order.release();
      throw error;
    } finally {
      await worker?.terminate();
    }
  };
  const served = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(workers, paths.length)) }, serve),
  );
  for (const outcome of served) if (outcome.status === 'rejected') throw outcome.reason;
}

/**
 * Results of files linted side by side, passed on in the order of the files: the first file not yet
 * written streams straight through, a later file's results are held until every earlier file is
 * written. Its worker waits for that before taking another file, so at most one file per other worker
 * is held: at most `workers - 1` files' results, each file bounded by the size of file lint reads.
 */
class InFileOrder {
  /** The index of the first file not yet wholly written. */
  #writing = 0;
  readonly #held = new Map<number, { results: LintResult[]; ended: boolean }>();
  readonly #waiting = new Map<number, () => void>();

  constructor(private readonly take: (result: LintResult) => void) {}

  add(file: number, result: LintResult): void {
    if (file === this.#writing) this.take(result);
    else this.#hold(file).results.push(result);
  }

  /** The file's last result was added: resolves once the file is written. */
  end(file: number): Promise<void> {
    if (file === this.#writing) {
      this.#advance();
      return Promise.resolve();
    }
    this.#hold(file).ended = true;
    return new Promise((resolve) => this.#waiting.set(file, resolve));
  }

  /** Stops every wait, when the run stops on an unexpected error. */
  release(): void {
    for (const resolve of this.#waiting.values()) resolve();
    this.#waiting.clear();
  }

  #hold(file: number) {
    const held = this.#held.get(file) ?? { results: [], ended: false };
    this.#held.set(file, held);
    return held;
  }

  /** Moves past the written file, writing what the following files hold, up to one still running. */
  #advance(): void {
    for (;;) {
      this.#writing++;
      const held = this.#held.get(this.#writing);
      if (!held) return;
      this.#held.delete(this.#writing);
      for (const result of held.results) this.take(result);
      if (!held.ended) return;
      this.#waiting.get(this.#writing)?.();
      this.#waiting.delete(this.#writing);
    }
  }
}

/** The error, saying which of the file's policies it concerns when some had their answer. */
function afterSome(received: number, error: string): string {
  if (received === 0) return error;
  return `after ${received} of its policies: ${error}; the rest of the file was not analysed`;
}

/** A worker once it has loaded the bundle and listens: loading is not the file's analysis time. */
async function startWorker(entry: URL): Promise<Worker> {
  const worker = new Worker(entry, {
    resourceLimits: { maxOldGenerationSizeMb: LINT_FILE_MEMORY_MB },
    stdout: true,
    stderr: true,
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve()).once('error', reject);
  });
  return worker;
}

function lintOne(
  worker: Worker,
  request: Request,
  seconds: number,
  onResults: (results: LintResult[]) => void,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = ({ results, done }: Batch) => {
      onResults(results);
      if (done) finish({ done });
      else timer.refresh();
    };
    const onError = (error: Error & { code?: string }) =>
      finish({
        error:
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `needed more than ${LINT_FILE_MEMORY_MB} MB to analyse: too complex to decide; nothing was concluded about it`
            : `could not be analysed: ${error.message}`,
      });
    const onExit = (code: number) =>
      finish({ error: `could not be analysed: the analysis stopped (exit ${code})` });
    const timer = setTimeout(
      () =>
        finish({
          error: `not decided within ${seconds} s: too complex to analyse; nothing was concluded about it`,
        }),
      seconds * 1000,
    );
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(request);
  });
}

/**
 * Lints one GitHub trust policy, so that what the engine builds once per process (the claim grammars'
 * automata) is built while the worker starts, not charged to the first file's time.
 */
function warmUp(): void {
  const provider = 'token.actions.githubusercontent.com';
  lintPolicy(
    parsePolicy({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${provider}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${provider}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${provider}:sub`]: 'repo:acme/*' },
        },
      },
    }),
  );
}

/** In a worker started by lintIsolated: answer each file's request with its results. Returns whether it is one. */
export function serveLintRequests(): boolean {
  if (isMainThread || !parentPort) return false;
  const port = parentPort;
  // One cache for the worker's life: the files of a run often repeat each other's policies.
  const cache = new LintCache();
  port.on('message', async ({ path, options }: Request) => {
    let results: LintResult[] = [];
    let since = performance.now();
    for await (const result of lintFile(path, options, cache)) {
      results.push(result);
      if (results.length >= BATCH_RESULTS || performance.now() - since >= BATCH_MS) {
        port.postMessage({ results, done: false } satisfies Batch);
        results = [];
        since = performance.now();
      }
    }
    port.postMessage({ results, done: true } satisfies Batch);
  });
  warmUp();
  port.postMessage('ready');
  return true;
}
