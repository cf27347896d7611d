import type { Command } from 'commander';
import { runAudit } from '../../shared/audit/audit.js';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { captureBaseline, formatBaseline } from '../../shared/baseline/capture.js';
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
}
