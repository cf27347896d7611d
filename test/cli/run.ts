import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { githubTrust } from '../support/github-trust.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/cli/trustwatch.js');

/** The bundled sample account, relative to ROOT (where the CLI runs). */
export const SAMPLE = 'examples/sample-account';
/** The options that point a command at the sample account's snapshot, baseline and config. */
export const SAMPLE_FILES = [
  '--snapshot',
  `${SAMPLE}/snapshot.json`,
  '--baseline',
  `${SAMPLE}/baseline.json`,
  '--config',
  `${SAMPLE}/trustwatch.config.json`,
];

function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestSource(join(path, name))));
}

/** The tests run the bundle users get; (re)build it when it is missing or older than its sources. */
export function ensureBuilt(): void {
  const sources = ['cli', 'shared', 'scripts/build.mjs', 'package.json'].map((p) =>
    newestSource(join(ROOT, p)),
  );
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= Math.max(...sources)) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function trustwatch(
  args: string[],
  options: { cwd?: string; input?: string; env?: Record<string, string> } = {},
): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  return { status, stdout, stderr };
}

/** A fresh directory holding the given files; the caller removes it with `cleanup`. */
export function tempFiles(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'trustwatch-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A GitHub trust policy document pinning aud (and `equals` claims) and restricting sub with the given operator. */
export const trustPolicy = (
  sub: string | string[],
  operator = 'StringEquals',
  equals: Record<string, string> = {},
) => githubTrust(sub, { operator, equals });

export const json = (value: unknown) => JSON.stringify(value, null, 2);

/** Subjects in the immutable OWNER@ID/REPO@ID form draw no finding at all, which makes exact assertions possible. */
export const CLEAN_SUB = 'repo:my-org@1234567/app@7654321:environment:production';
