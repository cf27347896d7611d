import { type Command, Option } from 'commander';
import { type AuditResult, runAudit } from '../../shared/audit/audit.js';
import { type Baseline, BaselineSchema } from '../../shared/baseline/baseline.js';
import { type Config, ConfigSchema, DEFAULT_CONFIG } from '../../shared/config/config.js';
import { type Snapshot, SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { SEVERITIES, type Severity } from '../../shared/rules/rule.js';
import { atOrAbove, EXIT } from '../exit.js';
import { readJsonFile } from '../files.js';
import { asffOutput } from '../format/asff.js';
import { auditJson, auditMarkdown, auditTable } from '../format/audit.js';
import { auditSarif } from '../format/sarif.js';
import { formatOption, useColor } from '../options.js';

export const AUDIT_FORMATS = ['table', 'json', 'markdown', 'sarif', 'asff'] as const;
const FORMATS = AUDIT_FORMATS;

export interface AccountOptions {
  snapshot?: string;
  config?: string;
  profile?: string;
  region?: string;
  verbose?: boolean;
}

/** The configuration file, or the defaults. */
export function loadConfig(path: string | undefined): Config {
  return path ? readJsonFile(ConfigSchema, path) : DEFAULT_CONFIG;
}

/** A snapshot file, or the live account through the standard AWS credential chain. */
export async function loadSnapshot(
  options: AccountOptions,
  config: Config,
  baseline?: Baseline,
): Promise<Snapshot> {
  if (options.snapshot) return readJsonFile(SnapshotSchema, options.snapshot);
  // Loaded on demand: the AWS SDK is most of the CLI's start-up time, and file-based commands need none of it.
  const { liveSnapshot } = await import('./live.js');
  return liveSnapshot(options, config, baseline);
}

/** Exit 1 when an open (not suppressed) finding is at or above the threshold. */
export function auditExitCode(result: AuditResult, failOn: Severity): number {
  return result.findings.some((f) => f.status === 'open' && atOrAbove(f.severity, failOn))
    ? EXIT.findings
    : EXIT.clean;
}

export function renderAudit(
  result: AuditResult,
  format: (typeof FORMATS)[number],
  version: string,
  file?: string,
  region?: string,
): string {
  switch (format) {
    case 'asff': {
      const { text, notes } = asffOutput(result.findings, result.account, region);
      for (const note of notes) process.stderr.write(`trustwatch: ${note}\n`);
      return text;
    }
    case 'json':
      return auditJson(result);
    case 'markdown':
      return auditMarkdown(result);
    case 'sarif':
      return auditSarif(result, version, file);
    default:
      return auditTable(result, useColor());
  }
}

export function accountOptions(command: Command): Command {
  return command
    .option('--snapshot <file>', 'audit a snapshot file instead of the live account')
    .option('--config <file>', 'trustwatch.config.json (thresholds, allowed owners, CI users)')
    .option('--profile <name>', 'AWS profile of the live account')
    .option(
      '--region <region>',
      'AWS region for the API endpoints (IAM is global); with --format asff, the Security Hub region',
    )
    .option('--verbose', 'print the IAM API calls made, per operation');
}

export function registerAudit(program: Command, version: string): void {
  accountOptions(program.command('audit'))
    .description('audit an account: GitHub OIDC trust, drift from the baseline, static CI keys')
    .option('--baseline <file>', 'the reviewed baseline (trustwatch baseline capture)')
    .addOption(formatOption(FORMATS))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 at or above this severity (default: config failOn)').choices(
        SEVERITIES,
      ),
    )
    .action(
      async (
        options: AccountOptions & { baseline?: string; format: (typeof FORMATS)[number]; failOn?: Severity },
      ) => {
        const config = loadConfig(options.config);
        const baseline = options.baseline ? readJsonFile(BaselineSchema, options.baseline) : undefined;
        const snapshot = await loadSnapshot(options, config, baseline);
        const result = runAudit(snapshot, { config, ...(baseline ? { baseline } : {}) });
        process.stdout.write(
          renderAudit(result, options.format, version, options.snapshot ?? options.baseline, options.region),
        );
        process.exitCode = auditExitCode(result, options.failOn ?? (config.failOn as Severity));
      },
    );
}
