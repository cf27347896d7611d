import { type Command, Option } from 'commander';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { UsageError } from '../exit.js';
import { readJsonFile } from '../files.js';
import { type ActivityRun, activityOutput } from '../format/activity.js';
import { formatOption } from '../options.js';
import { loadConfig } from './audit.js';
import { withStore } from './events.js';

interface ActivityOptions {
  since: string;
  region: string[];
  baseline?: string;
  config?: string;
  state?: string;
  profile?: string;
  prefix: string;
  format: 'table' | 'json';
}

/** `24h`, `7d`, `90m` as hours. */
export function parseSince(text: string): number {
  const m = /^(\d+)([mhd])$/.exec(text);
  if (!m) throw new UsageError(`--since ${text}: give a duration such as 90m, 24h or 7d`);
  const hours = Number(m[1]) * (m[2] === 'm' ? 1 / 60 : m[2] === 'd' ? 24 : 1);
  if (hours > 90 * 24) throw new UsageError('--since: CloudTrail event history keeps 90 days');
  return hours;
}

export function registerActivity(program: Command): void {
  program
    .command('activity')
    .description(
      'read recent AssumeRoleWithWebIdentity calls from CloudTrail (novel subjects, refusals with their reason)',
    )
    .addOption(new Option('--since <duration>', 'how far back, e.g. 24h or 7d').default('24h'))
    .option(
      '--region <region>',
      'a region to read (repeat for several)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--baseline <file>', 'the reviewed baseline (observed subjects)')
    .option('--config <file>', 'trustwatch.config.json')
    .option('--state <file>', 'a state file to keep between runs (seen subjects, findings)')
    .option('--profile <name>', 'AWS profile')
    .option('--prefix <name>', "name prefix of the monitor's own resources", 'trustwatch')
    .addOption(formatOption(['table', 'json']))
    .action(async (options: ActivityOptions) => {
      const hours = parseSince(options.since);
      const config = loadConfig(options.config);
      const baseline = options.baseline ? readJsonFile(BaselineSchema, options.baseline) : undefined;
      const regions = options.region.length > 0 ? options.region : [process.env.AWS_REGION ?? 'us-east-1'];
      // The AWS SDK is loaded only by commands that read a live account.
      const { scanActivity } = await import('./activity-live.js');
      const run: ActivityRun = await withStore(options.state, (store) =>
        scanActivity({
          regions,
          hours,
          config,
          ...(baseline ? { baseline } : {}),
          store,
          prefix: options.prefix,
          ...(options.profile ? { profile: options.profile } : {}),
        }),
      );
      process.stdout.write(activityOutput(run, options.format));
      process.exitCode = run.findings.some(
        (f) => f.outcome !== 'updated' && ['critical', 'high'].includes(f.finding.severity),
      )
        ? 1
        : 0;
    });
}
