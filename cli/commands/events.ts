import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { snapshotReader } from '../../shared/activity/account-reader.js';
import { eventCopyReader } from '../../shared/activity/event-copy-reader.js';
import { parseRecords } from '../../shared/activity/parse.js';
import { type ProcessedFinding, processRecord } from '../../shared/activity/process.js';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { FileStore } from '../../shared/findings/file-store.js';
import { SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { UsageError } from '../exit.js';
import { readJsonFile } from '../files.js';
import { type ActivityRun, activityOutput } from '../format/activity.js';
import { formatOption } from '../options.js';
import { loadConfig } from './audit.js';

interface ReplayOptions {
  snapshot?: string;
  baseline?: string;
  config?: string;
  state?: string;
  account?: string;
  prefix: string;
  format: 'table' | 'json';
}

/** A state file of the caller's, or a fresh one that lives only as long as the command. */
export function withStore<T>(path: string | undefined, use: (store: FileStore) => Promise<T>): Promise<T> {
  if (path) return use(new FileStore(path));
  const dir = mkdtempSync(join(tmpdir(), 'trustwatch-state-'));
  return use(new FileStore(join(dir, 'state.json'))).finally(() =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

export function registerEvents(program: Command): void {
  const events = program.command('events').description('CloudTrail events');
  events
    .command('replay')
    .description(
      'feed recorded CloudTrail events (log files, LookupEvents output, EventBridge events) through the watches offline',
    )
    .argument('<file...>', 'files of CloudTrail records; gzipped log files too')
    .option('--snapshot <file>', 'the account state to re-evaluate changed roles and users against')
    .option('--baseline <file>', 'the reviewed baseline')
    .option('--config <file>', 'trustwatch.config.json')
    .option('--state <file>', 'a state file to keep between replays (seen subjects, findings)')
    .option('--account <id>', 'the account id, when the records do not carry it')
    .option(
      '--prefix <name>',
      "name prefix of the monitor's own resources, for the tamper watch",
      'trustwatch',
    )
    .addOption(formatOption(['table', 'json']))
    .action(async (files: string[], options: ReplayOptions) => {
      const config = loadConfig(options.config);
      const baseline = options.baseline ? readJsonFile(BaselineSchema, options.baseline) : undefined;
      const snapshot = options.snapshot ? readJsonFile(SnapshotSchema, options.snapshot) : undefined;
      const run: ActivityRun = { records: 0, rejected: [], findings: [] };
      await withStore(options.state, async (store) => {
        for (const file of files) {
          let content: Buffer;
          try {
            content = readFileSync(file);
          } catch (error) {
            throw new UsageError(
              `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
            );
          }
          const parsed = parseRecords(content);
          run.records += parsed.records.length;
          run.rejected.push(...parsed.rejected.map((r) => ({ file, ...r })));
          for (const record of parsed.records) {
            const account = options.account ?? record.account ?? snapshot?.account ?? '000000000000';
            const processed: ProcessedFinding[] = await processRecord(record, {
              account,
              config,
              ...(baseline ? { baseline } : {}),
              reader: snapshot ? snapshotReader(snapshot) : eventCopyReader(record, account),
              store,
              monitorPrefix: options.prefix,
            });
            run.findings.push(...processed);
          }
        }
      });
      process.stdout.write(activityOutput(run, options.format));
      process.exitCode = run.findings.some(
        (f) => f.outcome !== 'updated' && ['critical', 'high'].includes(f.finding.severity),
      )
        ? 1
        : 0;
    });
}
