// The logic of the GitHub Action (action.yml): runs `trustwatch lint` or `trustwatch diff` on the paths
// given, writes the SARIF file for code scanning and a Markdown summary for the job, and reports the
// CLI's exit status as the `exit-code` output (the action's last step fails with it, after the upload).
// Inputs come as INPUT_* environment variables, as action.yml passes them.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI =
  process.env.TRUSTWATCH_CLI ?? join(dirname(fileURLToPath(import.meta.url)), '../dist/cli/trustwatch.js');
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

function input(name, fallback = '') {
  const value = process.env[`INPUT_${name.replace(/-/g, '_').toUpperCase()}`]?.trim();
  return value ? value : fallback;
}

function fail(message) {
  process.stderr.write(`trustwatch action: ${message}\n`);
  process.exit(2);
}

/** Appends `name=value` to the step's outputs, as GitHub Actions reads them. */
function output(name, value) {
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${value}\n`);
}

function summary(markdown) {
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  process.stdout.write(markdown);
}

function trustwatch(args) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) fail(`cannot run ${CLI}: ${run.error.message}`);
  process.stderr.write(run.stderr);
  return { status: run.status ?? 2, stdout: run.stdout };
}

function git(args) {
  return spawnSync('git', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

const paths = input('paths', '.').split(/\s+/).filter(Boolean);
const mode = input('mode', 'lint');
const failOn = input('fail-on', 'high');
const sarif = input('sarif', 'true') === 'true';
const config = input('config');
const configArgs = config ? ['--config', config] : [];
if (!SEVERITIES.includes(failOn)) fail(`fail-on must be one of ${SEVERITIES.join(', ')}, got "${failOn}"`);

const scratch = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'trustwatch-'));
let exitCode;
if (mode === 'lint') {
  exitCode = lint(paths);
} else if (mode === 'diff') {
  exitCode = diff(paths);
} else {
  fail(`mode must be lint or diff, got "${mode}"`);
}
output('exit-code', String(exitCode));

function lint(targets) {
  const markdown = trustwatch([
    'lint',
    ...targets,
    '--format',
    'markdown',
    '--fail-on',
    failOn,
    ...configArgs,
  ]);
  summary(markdown.stdout);
  if (sarif) {
    const file = join(scratch, 'trustwatch.sarif');
    writeFileSync(file, trustwatch(['lint', ...targets, '--format', 'sarif', ...configArgs]).stdout);
    output('sarif-file', file);
  }
  return markdown.status;
}

/**
 * Each path against its version at the base ref: a Terraform plan alone (its own before and after), a
 * path the base did not have is linted as new code.
 */
function diff(targets) {
  const baseRef = input('base-ref', process.env.GITHUB_BASE_REF ?? '');
  if (!baseRef) fail('diff needs base-ref (on pull_request events it defaults to the base branch)');
  const base = baseCommit(baseRef);
  let worst = 0;
  for (const path of targets) {
    let status;
    if (isTerraformPlan(path)) {
      status = showDiff([path]);
    } else if (git(['cat-file', '-e', `${base}:${inRepository(path)}`]).status !== 0) {
      process.stderr.write(`trustwatch action: ${path} is new since ${baseRef}: linted instead\n`);
      status = lint([path]);
    } else {
      const old = join(scratch, 'base');
      const archive = git(['archive', '--format=tar', '-o', join(scratch, 'base.tar'), base, '--', path]);
      if (archive.status !== 0) fail(`cannot read ${path} at ${baseRef}: ${archive.stderr.trim()}`);
      mkdirSync(old, { recursive: true });
      const untar = spawnSync('tar', ['-xf', join(scratch, 'base.tar'), '-C', old], { encoding: 'utf8' });
      if (untar.status !== 0) fail(`cannot unpack ${path} at ${baseRef}: ${untar.stderr.trim()}`);
      status = showDiff([join(old, path), path]);
    }
    worst = Math.max(worst, status);
  }
  return worst;
}

function showDiff(args) {
  const run = trustwatch(['diff', ...args, '--format', 'markdown', ...configArgs]);
  summary(run.stdout);
  return run.status;
}

/** The base ref's commit, fetched when the checkout does not have it (actions/checkout fetches one commit). */
function baseCommit(ref) {
  for (const candidate of [ref, `origin/${ref}`]) {
    const found = git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`]);
    if (found.status === 0) return found.stdout.trim();
  }
  const fetched = git(['fetch', '--no-tags', '--depth=1', 'origin', ref]);
  if (fetched.status !== 0) fail(`cannot fetch ${ref}: ${fetched.stderr.trim()}`);
  return git(['rev-parse', 'FETCH_HEAD']).stdout.trim();
}

/** The path as git names it in a tree: `infra/` for `./infra/`, empty for the root. */
function inRepository(path) {
  const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/\/$/, '');
  return normal === '.' ? '' : normal;
}

/** A plan names its format and Terraform's version at its start (`terraform show -json`). */
function isTerraformPlan(path) {
  if (!path.endsWith('.json') || !existsSync(path)) return false;
  const head = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  const length = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const text = head.toString('utf8', 0, length);
  return text.includes('"format_version"') && text.includes('"terraform_version"');
}
