import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { LintOptions } from '../shared/rules/lint.js';
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
 * Lints each file in a worker thread running `entry` (the CLI's own bundle), one file at a time, with
 * the memory above, handing each result to `take` as the worker sends it. A file whose reading or one
 * of whose policies takes longer than `seconds`, or that runs the worker out of memory, gets an error
 * result; its worker is ended and the next file gets a fresh one.
 */
export async function lintIsolated(
  entry: URL,
  paths: string[],
  options: LintOptions,
  take: (result: LintResult) => void,
  seconds = LINT_FILE_SECONDS,
): Promise<void> {
  let worker: Worker | undefined;
  try {
    for (const path of paths) {
      worker ??= await startWorker(entry);
      let received = 0;
      const outcome = await lintOne(worker, { path, options }, seconds, (results) => {
        received += results.length;
        for (const result of results) take(result);
      });
      if ('error' in outcome) {
        take({ file: path, path, error: afterSome(received, outcome.error) });
        await worker.terminate();
        worker = undefined;
      }
    }
  } finally {
    await worker?.terminate();
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
  port.postMessage('ready');
  return true;
}
