import type { Command } from 'commander';
import { DEFAULT_AUDIENCE, GITHUB_PROVIDER } from '../../shared/github/claims.js';
import { explain } from '../../shared/policy/explain.js';
import type { Token } from '../../shared/policy/model.js';
import { UsageError } from '../exit.js';
import { toJson } from '../format/json.js';
import { explainTable } from '../format/table.js';
import { readOnePolicy } from '../input.js';
import { collect, configOption, formatOption, useColor } from '../options.js';
import { loadConfig } from './audit.js';

const FORMATS = ['table', 'json'] as const;

interface ExplainOptions {
  policy?: string;
  role?: string;
  sub: string;
  aud: string;
  claim: string[];
  provider: string;
  format: (typeof FORMATS)[number];
  config?: string;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('say why a trust policy would admit or refuse a GitHub token, condition by condition')
    .option('--policy <file>', 'trust policy file (policy JSON or aws iam get-role output)')
    .option('--role <name>', 'IAM role to read the trust policy from (not available yet)')
    .requiredOption('--sub <subject>', 'the token subject, e.g. repo:my-org/app:ref:refs/heads/main')
    .option('--aud <audience>', 'the token audience', DEFAULT_AUDIENCE)
    .option(
      '--claim <key=value>',
      'another token claim such as environment=production (repeatable)',
      collect,
      [],
    )
    .option('--provider <host>', 'the OIDC provider as in the condition keys', GITHUB_PROVIDER)
    .addOption(formatOption(FORMATS))
    .addOption(configOption())
    // Refused is an answer, not a finding: exit 0 either way, 2 only for bad usage.
    .action((options: ExplainOptions) => {
      if (options.role !== undefined) throw new UsageError('--role is not available yet: use --policy FILE');
      if (options.policy === undefined) throw new UsageError('explain needs --policy FILE');
      const { github } = loadConfig(options.config);
      const policy = readOnePolicy(options.policy);
      const explanation = explain(policy.parsed.document, tokenFrom(options), { github });
      process.stdout.write(
        options.format === 'json' ? toJson(explanation) : explainTable(explanation, { color: useColor() }),
      );
    });
}

function tokenFrom(options: ExplainOptions): Token {
  const claims: Record<string, string> = {};
  for (const pair of options.claim) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--claim "${pair}" must look like key=value`);
    const key = pair.slice(0, at);
    if (key === 'sub' || key === 'aud') throw new UsageError(`set ${key} with --${key}, not --claim`);
    claims[key] = pair.slice(at + 1);
  }
  return { provider: options.provider, claims: { sub: options.sub, aud: options.aud, ...claims } };
}
