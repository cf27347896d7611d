import { setTimeout as sleep } from 'node:timers/promises';
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { describeFailure } from './gaps.js';
import type { AccessKey } from './snapshot.js';

/** One row of the report: a user, or the account root (`<root_account>`). */
export interface CredentialReportUser {
  name: string;
  arn: string;
  created?: string;
  /** Only the slots that hold a key; the report has no key ids. */
  keys: AccessKey[];
}

export interface CredentialReport {
  users: CredentialReportUser[];
  root?: CredentialReportUser;
  /** When IAM generated it: a report is reused for up to 4 hours, so keys may be that old. */
  generatedAt?: string;
}

/** The report could not be had or read; `operation` names the call or step that failed. */
export class CredentialReportError extends Error {
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(message);
  }
}

/** Values that mean "nothing here": never used, not applicable, or not tracked back then. */
const ABSENT = new Set(['', 'N/A', 'not_supported', 'no_information']);
const REQUIRED = ['user', 'arn'];

/**
 * Parses the credential report CSV, by column name so that the older 16-column report (no
 * `*_last_used_*` columns) and columns AWS may add later read the same way. A malformed report is an
 * error naming the line, never a silently shorter list of keys.
 */
export function parseCredentialReport(csv: string): Omit<CredentialReport, 'generatedAt'> {
  let rows: string[][];
  try {
    rows = parse(csv, { relax_column_count: true, trim: true, skip_empty_lines: true });
  } catch (error) {
    throw new CredentialReportError('parse credential report', `not CSV: ${(error as Error).message}`);
  }
  const [header, ...body] = rows;
  if (!header) throw new CredentialReportError('parse credential report', 'the report is empty');
  const bad = header.find((name) => !/^[a-z0-9_]+$/.test(name));
  if (bad !== undefined) {
    throw new CredentialReportError(
      'parse credential report',
      `line 1: "${bad}" is not a column name (does the header run into the first row?)`,
    );
  }
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new CredentialReportError('parse credential report', `line 1: no ${missing.join(', ')} column`);
  }
  const report: Omit<CredentialReport, 'generatedAt'> = { users: [] };
  body.forEach((fields, index) => {
    const line = index + 2;
    if (fields.length !== header.length) {
      throw new CredentialReportError(
        'parse credential report',
        `line ${line}: ${fields.length} fields where the header has ${header.length}`,
      );
    }
    const row = new Row(header, fields, line);
    const user: CredentialReportUser = {
      name: row.text('user') ?? '',
      arn: row.text('arn') ?? '',
      keys: [1, 2].flatMap((slot) => row.key(slot as 1 | 2)),
    };
    const created = row.date('user_creation_time');
    if (created) user.created = created;
    // The root row is named `<root_account>`; its ARN is the reliable sign.
    if (user.arn.endsWith(':root')) report.root = user;
    else report.users.push(user);
  });
  return report;
}

class Row {
  constructor(
    private readonly header: string[],
    private readonly fields: string[],
    private readonly line: number,
  ) {}

  text(column: string): string | undefined {
    const i = this.header.indexOf(column);
    const value = i < 0 ? undefined : this.fields[i];
    return value === undefined || ABSENT.has(value) ? undefined : value;
  }

  date(column: string): string | undefined {
    const value = this.text(column);
    if (value === undefined) return undefined;
    const time = Date.parse(value);
    if (Number.isNaN(time)) this.fail(column, `"${value}" is not a date`);
    return new Date(time).toISOString();
  }

  flag(column: string): boolean | undefined {
    const value = this.text(column);
    if (value === undefined || value === 'true' || value === 'false') return value === 'true';
    return this.fail(column, `"${value}" is neither true nor false`);
  }

  /** A slot holds a key when it is active or has a creation date (an inactive key keeps its date). */
  key(slot: 1 | 2): AccessKey[] {
    const prefix = `access_key_${slot}`;
    if (!this.header.includes(`${prefix}_active`)) return [];
    const active = this.flag(`${prefix}_active`) ?? false;
    const created = this.date(`${prefix}_last_rotated`);
    if (!active && !created) return [];
    const key: AccessKey = { slot, active };
    if (created) key.created = created;
    const used = this.date(`${prefix}_last_used_date`);
    if (used) {
      const service = this.text(`${prefix}_last_used_service`);
      const region = this.text(`${prefix}_last_used_region`);
      key.lastUsed = { date: used, ...(service ? { service } : {}), ...(region ? { region } : {}) };
    }
    return [key];
  }

  private fail(column: string, problem: string): never {
    throw new CredentialReportError('parse credential report', `line ${this.line}, ${column}: ${problem}`);
  }
}

export interface CredentialReportOptions {
  /** How long to wait for IAM to finish the report; large accounts can take minutes. */
  timeoutMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Told each time the report is not ready yet. */
  onWait?: (state: string) => void;
}

/** GetCredentialReport's answers that mean "generate again and wait", not "fail". */
const NOT_READY = new Set([
  'CredentialReportNotReadyException',
  'CredentialReportNotPresentException',
  'CredentialReportExpiredException',
  'ReportGenerationLimitExceededException',
]);

/**
 * Asks IAM for a credential report and waits for it with exponential backoff: GenerateCredentialReport
 * answers STARTED or INPROGRESS until the report is COMPLETE (at once when one under 4 hours old exists).
 */
export async function readCredentialReport(
  iam: IAMClient,
  options: CredentialReportOptions = {},
): Promise<CredentialReport> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let delay = options.firstDelayMs ?? 500;
  for (;;) {
    let state: string;
    try {
      state = (await iam.send(new GenerateCredentialReportCommand({}))).State ?? 'unknown';
    } catch (error) {
      if (!NOT_READY.has((error as Error).name)) throw failure('iam:GenerateCredentialReport', error);
      state = (error as Error).name;
    }
    if (state === 'COMPLETE') {
      try {
        const answer = await iam.send(new GetCredentialReportCommand({}));
        if (!answer.Content) throw new Error('the answer has no Content');
        return {
          ...parseCredentialReport(new TextDecoder().decode(answer.Content)),
          ...(answer.GeneratedTime ? { generatedAt: answer.GeneratedTime.toISOString() } : {}),
        };
      } catch (error) {
        if (error instanceof CredentialReportError) throw error;
        if (!NOT_READY.has((error as Error).name)) throw failure('iam:GetCredentialReport', error);
        state = (error as Error).name;
      }
    }
    if (Date.now() + delay > deadline) {
      throw new CredentialReportError(
        'iam:GenerateCredentialReport',
        `the IAM credential report was not ready after ${timeoutMs / 1000} s (last state: ${state}); IAM may still be generating it: try again in a few minutes`,
      );
    }
    options.onWait?.(state);
    await sleep(delay);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 8000);
  }
}

function failure(action: string, error: unknown): CredentialReportError {
  return new CredentialReportError(action, describeFailure(action, 'the credential report', error));
}
