import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { readCloudAssembly } from '../shared/iac/cloudformation/assembly.js';
import { readCloudFormation } from '../shared/iac/cloudformation/read.js';
import { looksLikeCloudFormation } from '../shared/iac/cloudformation/template.js';
import { IacParseError, type IacRole } from '../shared/iac/model.js';
import { readTerraformConfig } from '../shared/iac/terraform/config.js';
import { looksLikeTerraformPlan, readTerraformPlan } from '../shared/iac/terraform/plan.js';
import { type FilePolicy, fsReason, InputError, policiesInText, readBounded } from './input.js';

/** What one argument gives: trust policies as files hold them, or roles read from infrastructure code. */
export type Source = { policy: FilePolicy } | { role: IacRole };

export type FileKind = 'terraform-config' | 'terraform-plan' | 'cloudformation' | 'policy';

/** Directories never read: dependencies, version control, Terraform's provider cache. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform']);
const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml', '.template', '.json']);

/** What a file holds, told by its name and a first look at its text; undefined when none of these. */
export function kindOf(path: string, text: string): FileKind | undefined {
  if (extname(path) === '.tf') return 'terraform-config';
  if (looksLikeTerraformPlan(text)) return 'terraform-plan';
  if (looksLikeCloudFormation(text)) return 'cloudformation';
  return looksLikePolicyFile(text) ? 'policy' : undefined;
}

/** A trust policy or IAM API output: JSON with a Statement, a Role or Roles, or URL-encoded text. */
function looksLikePolicyFile(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith('%')) return true;
  if (!trimmed.startsWith('{')) return false;
  try {
    const value = JSON.parse(trimmed) as Record<string, unknown>;
    return value !== null && ('Statement' in value || 'Role' in value || 'Roles' in value);
  } catch {
    return false;
  }
}

/** A CDK cloud assembly (`cdk.out`): its manifest names the templates. */
export function isCloudAssembly(directory: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as unknown;
    return typeof manifest === 'object' && manifest !== null && 'artifacts' in manifest;
  } catch {
    return false;
  }
}

export interface Expansion {
  /** Files, cloud assemblies and Terraform module directories, each read as one. */
  paths: string[];
  /** Files inside a directory argument that hold nothing trustwatch reads, by the argument. */
  skipped: { directory: string; count: number }[];
}

/**
 * The arguments with each directory replaced by what it holds that trustwatch reads, recursively: a
 * cloud assembly as one, a directory of `.tf` files as one module, and every other file it recognises.
 * A `.tf` file named explicitly stands for its module (its directory's `.tf` files). Any other file named
 * explicitly is kept whatever it is (reading it says what is wrong with it), unless
 * `skipUnrecognised` (for hooks that pass every changed file): then it is skipped and counted too.
 */
export function expandInputs(args: string[], options: { skipUnrecognised?: boolean } = {}): Expansion {
  const paths: string[] = [];
  const skipped: Expansion['skipped'] = [];
  let named = 0;
  for (const arg of args) {
    const stat = arg === '-' ? undefined : statSync(arg, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      const before = paths.length;
      const count = walk(arg, paths);
      if (count > 0) skipped.push({ directory: arg, count });
      if (paths.length === before) paths.push(arg);
    } else if (stat?.isFile() && extname(arg) === '.tf') {
      // A .tf file is read with its module: the directory's files refer to each other.
      paths.push(dirname(arg));
    } else if (options.skipUnrecognised && stat?.isFile() && !recognised(arg)) named++;
    else paths.push(arg);
  }
  if (named > 0) skipped.push({ directory: 'files named', count: named });
  return { paths: [...new Set(paths)], skipped };
}

/** Adds what the directory holds to `paths`; returns how many files it skipped. */
function walk(directory: string, paths: string[]): number {
  if (isCloudAssembly(directory)) {
    paths.push(directory);
    return 0;
  }
  let skipped = 0;
  const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  if (entries.some((e) => e.isFile() && extname(e.name) === '.tf')) paths.push(directory);
  for (const e of entries) {
    const path = join(directory, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(e.name)) skipped += walk(path, paths);
    } else if (e.isFile() && extname(e.name) !== '.tf') {
      if (recognised(path)) paths.push(path);
      else skipped++;
    }
  }
  return skipped;
}

/** Whether a file inside a directory is one to read; one that cannot be read is kept, so its error shows. */
function recognised(path: string): boolean {
  if (!TEMPLATE_EXTENSIONS.has(extname(path).toLowerCase())) return false;
  let text: string;
  try {
    text = readBounded(path);
  } catch {
    return true;
  }
  return kindOf(path, text) !== undefined;
}

/** What one path of an expansion holds. */
export async function readSources(path: string): Promise<Source[]> {
  if (path !== '-' && statSync(path, { throwIfNoEntry: false })?.isDirectory()) return readDirectory(path);
  const text = readBounded(path);
  const kind = kindOf(path, text);
  try {
    if (kind === 'terraform-config') return roles(await readTerraformConfig([{ file: path, text }]));
    if (kind === 'terraform-plan') return roles(readTerraformPlan(path, text));
    if (kind === 'cloudformation') return roles(readCloudFormation(path, text));
  } catch (error) {
    throw asInputError(path, error);
  }
  if (kind === undefined && ['.yaml', '.yml'].includes(extname(path).toLowerCase()))
    throw new InputError(path, 'not recognised: YAML that is not a CloudFormation template');
  return policiesInText(path, text).map((policy) => ({ policy }));
}

/** A cloud assembly, or a Terraform module: the `.tf` files of one directory, which refer to each other. */
async function readDirectory(path: string): Promise<Source[]> {
  try {
    if (isCloudAssembly(path))
      return roles(readCloudAssembly(path, (relativePath) => readBounded(join(path, relativePath))));
    const files = readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isFile() && extname(e.name) === '.tf')
      .map((e) => join(path, e.name))
      .sort();
    if (files.length === 0) throw new InputError(path, 'a directory with no file trustwatch reads');
    return roles(await readTerraformConfig(files.map((file) => ({ file, text: readBounded(file) }))));
  } catch (error) {
    throw asInputError(path, error);
  }
}

const roles = (list: IacRole[]): Source[] => list.map((role) => ({ role }));

/** A reader's error as bad input naming the file once (readers name it themselves). */
export function asInputError(path: string, error: unknown): unknown {
  if (error instanceof IacParseError) {
    const message = error.message.startsWith(`${path}: `)
      ? error.message.slice(path.length + 2)
      : error.message;
    return new InputError(path, message);
  }
  if ((error as NodeJS.ErrnoException).code) return new InputError(path, `cannot read: ${fsReason(error)}`);
  return error;
}
