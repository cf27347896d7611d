import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { snapshotReader } from '../../shared/activity/account-reader.js';
import { eventCopyReader } from '../../shared/activity/event-copy-reader.js';
import { type ProcessedFinding, processRecord } from '../../shared/activity/process.js';
import { readRecordStream } from '../../shared/activity/read-stream.js';
import type { CloudTrailRecord } from '../../shared/activity/record.js';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { LockTimeoutError } from '../../shared/findings/file-lock.js';
import { FileStore } from '../../shared/findings/file-store.js';
import { SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { FileFormatError } from '../../shared/schema-file.js';
import { EXIT, UsageError } from '../exit.js';
import { expandPaths, readJsonFile } from '../files.js';
import { type ActivityRun, activityOutput } from '../format/activity.js';
import { asffOutput } from '../format/asff.js';
import { fsReason } from '../input.js';
import { formatOption } from '../options.js';
import { loadConfig } from './audit.js';

interface ReplayOptions {
  snapshot?: string;
  baseline?: string;
  config?: string;
  state?: string;
  account?: string;
  prefix: string;
  region?: string;
  format: 'table' | 'json' | 'asff';
}

/**
 * A state file of the caller's, or a fresh one that lives only as long as the command. A state file that
 * cannot be read or is held too long by another run is bad input (exit 2), not an internal error.
 */
export async function withStore<T>(
  path: string | undefined,
  use: (store: FileStore) => Promise<T>,
): Promise<T> {
  const dir = path ? undefined : mkdtempSync(join(tmpdir(), 'trustwatch-state-'));
  const store = new FileStore(path ?? join(dir as string, 'state.json'), {
    onWait: (holder) =>
      process.stderr.write(
        `trustwatch: waiting for ${path}: another run (process ${holder.pid} on ${holder.host}, since ${holder.since}) is using it\n`,
      ),
  });
  try {
    const result = await use(store);
    await store.close();
    return result;
  } catch (error) {
    if (error instanceof FileFormatError || error instanceof LockTimeoutError) {
      throw new UsageError(`state file ${error.message}`);
    }
    // The state file, its journal, lock or temporary file, or the folder they go in.
    const failed = (error as NodeJS.ErrnoException).path;
    if (failed && (store.path.startsWith(failed) || failed.startsWith(store.path))) {
      throw new UsageError(`state file ${store.path}: cannot use it (${fsReason(error)})`);
    }
    throw error;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** A replayed event stays claimed in the state for good: its counts are in it for good too. */
const REPLAYED = '9999-12-31T23:59:59.999Z';

export function registerEvents(program: Command): void {
  const events = program.command('events').description('CloudTrail events');
  events
    .command('replay')
    .description(
      'feed recorded CloudTrail events through the watches offline: log files (gzipped too, concatenated, or an array of them), NDJSON, LookupEvents output, EventBridge events (alone or through SQS), CloudWatch Logs subscription payloads, CloudTrail Lake query results',
    )
    .argument('<path...>', 'files, directories (read recursively) or quoted patterns; - reads standard input')
    .option('--snapshot <file>', 'the account state to re-evaluate changed roles and users against')
    .option('--baseline <file>', 'the reviewed baseline')
    .option('--config <file>', 'trustwatch.config.json')
    .option(
      '--state <file>',
      'a state file to keep between replays (seen subjects, findings, replayed event ids: an event is counted once)',
    )
    .option('--account <id>', 'the account id, when the records do not carry it')
    .option(
      '--prefix <name>',
      "name prefix of the monitor's own resources, for the tamper watch",
      'trustwatch',
    )
    .option('--region <region>', 'with --format asff, the Security Hub region the findings are for')
    .addOption(formatOption(['table', 'json', 'asff']))
    .action(async (paths: string[], options: ReplayOptions) => {
      const config = loadConfig(options.config);
      const baseline = options.baseline ? readJsonFile(BaselineSchema, options.baseline) : undefined;
      const snapshot = options.snapshot ? readJsonFile(SnapshotSchema, options.snapshot) : undefined;
      const files = expandPaths(paths);
      const reader = snapshot ? snapshotReader(snapshot) : undefined;
      const run: ActivityRun = { records: 0, rejected: [], findings: [] };
      // A finding repeated by many records is reported once, as it was last seen; an opening by any of
      // them is what it reports (opened or reopened beats updated).
      const findings = new Map<string, ProcessedFinding>();
      let repeated = 0;
      await withStore(options.state, async (store) => {
        const replay = async (record: CloudTrailRecord) => {
          if (await store.eventClaimed(record.eventId)) {
            repeated++;
            return;
          }
          const account = options.account ?? record.account ?? snapshot?.account ?? '000000000000';
          const processed = await processRecord(record, {
            account,
            config,
            ...(baseline ? { baseline } : {}),
            reader: reader ?? eventCopyReader(record, account),
            store,
            monitorPrefix: options.prefix,
          });
          for (const p of processed) {
            const seen = findings.get(p.finding.id);
            const outcome = seen && seen.outcome !== 'updated' ? seen.outcome : p.outcome;
            findings.set(p.finding.id, { finding: p.finding, outcome });
          }
          // As the deployed poller does: handle, then claim, so a crash in between loses no event.
          await store.claimEvent(record.eventId, REPLAYED);
        };
        for (const file of files) {
          let index = 0;
          try {
            for await (const batch of readRecordStream(openInput(file))) {
              for (const outcome of batch) {
                index = outcome.index + 1;
                if ('reason' in outcome) {
                  run.rejected.push({ file, index: outcome.index, reason: outcome.reason });
                  continue;
                }
                run.records++;
                await replay(outcome.record);
              }
            }
          } catch (error) {
            if (!(error instanceof ReadError)) throw error;
            run.rejected.push({ file, index, reason: `cannot read: ${fsReason(error.cause)}` });
          }
        }
      });
      run.findings = [...findings.values()];
      if (options.format === 'asff') {
        // Each finding names its account; one the records did not carry has the one given or assumed.
        const account = options.account ?? snapshot?.account ?? '000000000000';
        const found = run.findings.map(({ finding }) => finding);
        const { text, notes } = asffOutput(found, account, options.region);
        for (const note of notes) process.stderr.write(`trustwatch: ${note}\n`);
        process.stdout.write(text);
      } else process.stdout.write(activityOutput(run, options.format));
      if (repeated > 0) {
        process.stderr.write(
          `trustwatch: ${repeated} of the ${run.records} records were replayed before (into this state, or twice in the input) and were not counted again\n`,
        );
      }
      if (run.records === 0) {
        process.stderr.write(
          `trustwatch: no usable CloudTrail record in ${files.length === 1 ? files[0] : `${files.length} files`} (${run.rejected.length} unusable items): nothing was checked\n`,
        );
        process.exitCode = EXIT.usage;
        return;
      }
      process.exitCode = run.findings.some(
        (f) => f.outcome !== 'updated' && ['critical', 'high'].includes(f.finding.severity),
      )
        ? EXIT.findings
        : EXIT.clean;
    });
}

/** Reading a file failed (as opposed to handling what was read). */
class ReadError extends Error {}

async function* openInput(file: string): AsyncGenerator<Uint8Array> {
  // Large chunks: fewer turns of the event loop per megabyte of log.
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    throw new ReadError(fsReason(error), { cause: error });
  }
}
