import { existsSync, readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { isJsonObject } from '../../shared/activity/json-value.js';
import type { AssumptionCount } from '../../shared/findings/store.js';
import { trustsGitHub } from '../../shared/inventory/github-trust.js';
import { parseJsonText } from '../../shared/policy/json-text.js';
import { decodePolicyText } from '../../shared/policy/parse.js';
import { type ObservationWindow, observationWindow } from '../../shared/tighten/observed.js';
import {
  renderProposal,
  TIGHTEN_FORMATS,
  type TightenFormat,
  tightenSummary,
} from '../../shared/tighten/render.js';
import { tighten } from '../../shared/tighten/tighten.js';
import { EXIT, UsageError } from '../exit.js';
import { InputError, readOnePolicy } from '../input.js';
import { type AccountOptions, accountOptions, loadConfig, loadSnapshot } from './audit.js';
import { withStore } from './events.js';

interface TightenOptions extends AccountOptions {
  role?: string;
  policy?: string;
  since: string;
  until?: string;
  state?: string;
  minDays?: string;
  force?: boolean;
  format: TightenFormat;
}

/** CloudTrail event history, which the live account is read from, keeps 90 days. */
const LIVE_MAX_DAYS = 90;

export function registerTighten(program: Command): void {
  accountOptions(program.command('tighten'))
    .description(
      'propose the narrowest trust policy that still admits every GitHub subject that assumed the role, with the proof',
    )
    .option(
      '--role <name>',
      'the role: its trust policy (from --snapshot or the live account) and its activity',
    )
    .option(
      '--policy <file>',
      "the current trust policy (policy JSON or aws iam get-role output) instead of the role's",
    )
    .addOption(new Option('--since <days>', 'how far back to read activity, e.g. 90d').default('90d'))
    .option('--until <YYYY-MM-DD>', 'the last day of the window (default: today, UTC)')
    .option(
      '--state <file>',
      'the state file whose assumption counters to read (default: read CloudTrail in the live account)',
    )
    .option(
      '--min-days <n>',
      "days of data needed, from the first to the last successful assumption (default: the config's tightenMinDays, 14)",
    )
    .option('--force', 'propose even with fewer days of data than --min-days (the output says so)')
    .addOption(new Option('--format <format>', 'output format').choices(TIGHTEN_FORMATS).default('policy'))
    // 0: a proposal or nothing to tighten; 2: bad input; 3: no proposal (too little activity, none admitted).
    .action(async (options: TightenOptions) => {
      if ((options.role === undefined) === (options.policy === undefined) && options.policy === undefined)
        throw new UsageError('tighten needs --role NAME or --policy FILE');
      const config = loadConfig(options.config);
      const days = sinceDays(options.since, options.state === undefined);
      const window = observationWindow(untilDay(options.until), days);
      const minDays =
        options.minDays === undefined
          ? config.tightenMinDays
          : positiveInteger(options.minDays, '--min-days');
      const { role, policy } = await currentPolicy(options, config);
      const counts = role === null ? [] : await readCounts(options, window, days);
      const result = tighten({
        role,
        policy,
        counts,
        window,
        minDays,
        ...(options.force ? { force: true } : {}),
        github: config.github,
      });
      process.stderr.write(tightenSummary(result));
      const output = renderProposal(result, options.format);
      if (output !== undefined) process.stdout.write(output);
      process.exitCode = result.verdict === 'no-proposal' ? EXIT.noProposal : EXIT.clean;
    });
}

function sinceDays(text: string, live: boolean): number {
  const m = /^(\d+)d$/.exec(text);
  if (!m) throw new UsageError(`--since ${text}: give a number of days such as 90d`);
  const days = Number(m[1]);
  if (days < 1) throw new UsageError('--since: at least 1d');
  if (live && days > LIVE_MAX_DAYS)
    throw new UsageError(
      `--since ${text}: CloudTrail event history keeps ${LIVE_MAX_DAYS} days (a --state file may hold more)`,
    );
  return days;
}

function untilDay(text: string | undefined): string {
  if (text === undefined) return new Date().toISOString().slice(0, 10);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(text) ||
    Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ||
    new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text
  )
    throw new UsageError(`--until ${text}: give a day as YYYY-MM-DD`);
  return text;
}

function positiveInteger(text: string, option: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${option} ${text}: give a whole number of days, at least 1`);
  return Number(text);
}

/** The trust policy to narrow, as IAM holds it, and the role whose activity counts. */
async function currentPolicy(
  options: TightenOptions,
  config: ReturnType<typeof loadConfig>,
): Promise<{ role: string | null; policy: Record<string, unknown> }> {
  if (options.policy !== undefined) {
    const found = readOnePolicy(options.policy);
    const role = options.role ?? (found.name || null);
    if (role === null)
      throw new UsageError(
        `${options.policy}: a bare policy names no role; give --role NAME to say whose assumptions to read`,
      );
    return { role, policy: rawPolicy(options.policy, found.name) };
  }
  const name = options.role as string;
  const snapshot = await loadSnapshot(options, config);
  const role = snapshot.roles.find((r) => r.name === name);
  const where = options.snapshot ?? 'the account';
  if (!role) throw new UsageError(`${where}: no role named "${name}"`);
  if (!trustsGitHub(role.trustPolicy))
    throw new UsageError(`${where}: role "${name}" trusts no GitHub OIDC provider: nothing to tighten`);
  const policy = typeof role.trustPolicy === 'string' ? parsedText(role.trustPolicy) : role.trustPolicy;
  if (!isJsonObject(policy))
    throw new UsageError(`${where}: role "${name}": the trust policy is not a JSON object`);
  return { role: name, policy };
}

const parsedText = (text: string) => parseJsonText(decodePolicyText(text)).value;

/** The document readOnePolicy found, as written: a bare document, or the role's in IAM API output. */
function rawPolicy(path: string, name: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  const value = text.trim().startsWith('%') ? parsedText(text) : parseJsonText(text).value;
  let document: unknown = value;
  if (isJsonObject(value) && !('Statement' in value)) {
    const roles = Array.isArray(value.Roles) ? value.Roles : [value.Role];
    const role = roles.find((r) => isJsonObject(r) && (r.RoleName ?? '') === name) ?? roles[0];
    document = isJsonObject(role) ? role.AssumeRolePolicyDocument : undefined;
  }
  if (typeof document === 'string') document = parsedText(document);
  if (!isJsonObject(document)) throw new InputError(path, 'the trust policy is not a JSON object');
  return document;
}

/** Assumption counters of the window: from the state file, or read from CloudTrail now. */
async function readCounts(
  options: TightenOptions,
  window: ObservationWindow,
  days: number,
): Promise<AssumptionCount[]> {
  if (options.state !== undefined) {
    // A typo in the path must not read as "no activity".
    if (!existsSync(options.state)) throw new UsageError(`${options.state}: cannot read (ENOENT)`);
    return withStore(options.state, (store) => store.assumptions(window.from, window.to));
  }
  const { scanActivity } = await import('./activity-live.js');
  const config = loadConfig(options.config);
  return withStore(undefined, async (store) => {
    await scanActivity({
      regions: [options.region ?? process.env.AWS_REGION ?? 'us-east-1'],
      hours: days * 24,
      config,
      store,
      prefix: 'trustwatch',
      ...(options.profile ? { profile: options.profile } : {}),
    });
    return store.assumptions(window.from, window.to);
  });
}
