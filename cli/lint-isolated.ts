import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type { LintOptions } from '../shared/rules/lint.js';
import { lintFiles } from './commands/lint.js';
import type { LintResult } from './model.js';

/**
 * How long (by default), and in how much memory, one file may be analysed. The engine is exact, and a policy within
 * IAM's size limit can still hold patterns whose automata grow past any budget: such a file gets an
 * answer saying so, and the other files theirs, instead of the run hanging or the process dying.
 */
export const LINT_FILE_SECONDS = 20;
export const LINT_FILE_MEMORY_MB = 1024;

interface Request {
  path: string;
  options: LintOptions;
}

type Outcome = { results: LintResult[] } | { error: string };

/**
 * Lints each file in a worker thread running `entry` (the CLI's own bundle), one file at a time, with
 * the time and memory above. A worker that runs out of either is ended and the next file gets a fresh one.
 */
export async function lintIsolated(
  entry: URL,
  paths: string[],
  options: LintOptions,
  seconds = LINT_FILE_SECONDS,
): Promise<LintResult[]> {
  const results: LintResult[] = [];
  let worker: Worker | undefined;
  try {
    for (const path of paths) {
      worker ??= await startWorker(entry);
      const outcome = await lintOne(worker, { path, options }, seconds);
      if ('results' in outcome) {
        results.push(...outcome.results);
      } else {
        results.push({ file: path, path, error: outcome.error });
        await worker.terminate();
        worker = undefined;
      }
    }
  } finally {
    await worker?.terminate();
  }
  return results;
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

function lintOne(worker: Worker, request: Request, seconds: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = (results: LintResult[]) => finish({ results });
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
  port.on('message', async ({ path, options }: Request) =>
    port.postMessage(await lintFiles([path], options)),
  );
  port.postMessage('ready');
  return true;
}
