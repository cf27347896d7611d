import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  ACCOUNT_CONFIG,
  accountKey,
  LocationError,
  parseS3Location,
  REVIEWED_BASELINE,
  type S3Location,
} from '../../shared/account-files/location.js';
import { runAudit } from '../../shared/audit/audit.js';
import { type Baseline, BaselineSchema } from '../../shared/baseline/baseline.js';
import { captureBaseline, formatBaseline } from '../../shared/baseline/capture.js';
import { ConfigSchema } from '../../shared/config/config.js';
import { UsageError } from '../exit.js';
import { readJsonFile, writeTextFile } from '../files.js';
import { formatOption } from '../options.js';
import {
  type AccountOptions,
  AUDIT_FORMATS,
  accountOptions,
  auditExitCode,
  loadConfig,
  loadSnapshot,
  renderAudit,
} from './audit.js';

export function registerBaseline(program: Command, version: string): void {
  const baseline = program
    .command('baseline')
    .description('capture the reviewed state of an account, or compare with it');
  accountOptions(baseline.command('capture'))
    .description(
      'write a baseline (GitHub-trusted roles and their trust, OIDC providers, CI users) to review and commit',
    )
    .requiredOption('--out <file>', 'where to write the baseline')
    .option('--previous <file>', 'an earlier baseline whose suppressions and observed subjects are kept')
    .action(async (options: AccountOptions & { out: string; previous?: string }) => {
      const config = loadConfig(options.config);
      const previous = options.previous ? readJsonFile(BaselineSchema, options.previous) : undefined;
      const snapshot = await loadSnapshot(options, config, previous);
      const captured = captureBaseline(snapshot, config, previous);
      writeTextFile(options.out, formatBaseline(captured));
      process.stderr.write(
        `wrote ${options.out}: ${captured.ciRoles.length} GitHub-trusted roles, ${captured.oidcProviders.length} OIDC providers, ${captured.ciUsers.length} CI users — review it, then commit it\n`,
      );
    });
  accountOptions(baseline.command('diff'))
    .description('what changed since the baseline: widened or narrowed trust, new CI roles, provider changes')
    .requiredOption('--baseline <file>', 'the reviewed baseline')
    .addOption(formatOption(AUDIT_FORMATS))
    .action(
      async (options: AccountOptions & { baseline: string; format: (typeof AUDIT_FORMATS)[number] }) => {
        const config = loadConfig(options.config);
        const reviewed = readJsonFile(BaselineSchema, options.baseline);
        const snapshot = await loadSnapshot(options, config, reviewed);
        const result = runAudit(snapshot, { config, baseline: reviewed });
        const drift = { ...result, findings: result.findings.filter((f) => f.ruleId.startsWith('drift.')) };
        process.stdout.write(renderAudit(drift, options.format, version, options.baseline, options.region));
        process.exitCode = auditExitCode(drift, 'high');
      },
    );
  baseline
    .command('publish')
    .description(
      "publish a reviewed baseline where the deployed monitors read it: s3://BUCKET/PREFIX/ACCOUNT/baseline.json, and optionally the account's config beside it",
    )
    .argument('<file>', 'the reviewed baseline')
    .requiredOption(
      '--to <location>',
      's3://BUCKET/PREFIX, as the monitors are deployed with (baselineLocation)',
    )
    .option('--account <id>', "the account it is for; must agree with the baseline's own account field")
    .option('--config <file>', "the account's trustwatch.config.json, published beside the baseline")
    .option('--profile <name>', 'AWS profile that may write to the bucket')
    .option('--region <region>', "AWS region to start from (the bucket's own is followed)")
    .action(
      async (
        file: string,
        options: { to: string; account?: string; config?: string; profile?: string; region?: string },
      ) => {
        const location = locationOption(options.to);
        const reviewed = readJsonFile(BaselineSchema, file);
        const account = publishedAccount(reviewed, file, options.account);
        // Checked before anything is written: a bad config must not leave a new baseline with an old config.
        const config = options.config ? readJsonFile(ConfigSchema, options.config) : undefined;
        const { publishObjects } = await import('./baseline-publish.js');
        // The files as given, not re-serialized: what was reviewed is what is published.
        await publishObjects(
          location.bucket,
          [
            { key: accountKey(location, account, REVIEWED_BASELINE), text: readFileSync(file, 'utf8') },
            ...(options.config
              ? [
                  {
                    key: accountKey(location, account, ACCOUNT_CONFIG),
                    text: readFileSync(options.config, 'utf8'),
                  },
                ]
              : []),
          ],
          options,
        );
        process.stderr.write(
          `published the baseline of ${account}: ${reviewed.ciRoles.length} GitHub-trusted roles, ${reviewed.oidcProviders.length} OIDC providers, ${reviewed.ciUsers.length} CI users${config ? ', and its config' : ''}; the monitor reads it at its next invocation\n`,
        );
      },
    );
}

function locationOption(text: string): S3Location {
  try {
    return parseS3Location(text);
  } catch (error) {
    if (error instanceof LocationError) throw new UsageError(`--to ${error.message}`);
    throw error;
  }
}

/** The account a baseline is published for: its own, which `--account`, when given, must repeat. */
function publishedAccount(baseline: Baseline, file: string, option: string | undefined): string {
  if (option !== undefined && !/^\d{12}$/.test(option))
    throw new UsageError(`--account ${JSON.stringify(option)}: expected a 12-digit AWS account id`);
  if (option !== undefined && option !== baseline.account)
    throw new UsageError(
      `${file}: account: ${baseline.account} is not the account given with --account (${option}); the monitor of ${option} would refuse it`,
    );
  return baseline.account;
}
