import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaselineSchema } from '../shared/baseline/baseline.js';
import { type Config, ConfigSchema } from '../shared/config/config.js';
import { FileFormatError, readWithSchema } from '../shared/schema-file.js';
import type * as z from '../shared/zod.js';

/** Config fields a construct prop may set over the config file; nested objects are merged one level deep. */
export type ConfigOverrides = z.input<typeof ConfigSchema>;

/** Where the functions find the files bundled with them (the Lambda task root). */
export const TASK_ROOT = '/var/task';
export const CONFIG_FILE = 'trustwatch.config.json';
export const BASELINE_FILE = 'baseline.json';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FileFormatError(`${path}: cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FileFormatError(`${path}: not JSON (${(error as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The configuration the functions run with: the config file (when given) with the construct's
 * overrides on top, checked now, so that a mistake fails `cdk synth` instead of every invocation.
 */
export function deployedConfig(configFile: string | undefined, overrides: ConfigOverrides = {}): Config {
  const fromFile = configFile === undefined ? {} : readJson(configFile);
  if (!isObject(fromFile)) throw new FileFormatError(`${configFile}: (top level): expected an object`);
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  const source = configFile
    ? `${configFile} with the construct's config overrides`
    : "the construct's config";
  return readWithSchema(ConfigSchema, merged, source);
}

/** The reviewed baseline, checked against its schema; its text is deployed as it is. */
export function checkedBaseline(baselineFile: string): string {
  readWithSchema(BaselineSchema, readJson(baselineFile), baselineFile);
  return readFileSync(baselineFile, 'utf8');
}

/**
 * Writes the files to bundle with the functions into a fresh folder and returns the shell commands
 * that copy them next to the bundle (NodejsFunction's afterBundling hook).
 */
export function stageFiles(files: Record<string, string>): (outputDir: string) => string[] {
  const dir = mkdtempSync(join(tmpdir(), 'trustwatch-files-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
  return (outputDir) =>
    Object.keys(files).map((name) => `cp ${quote(join(dir, name))} ${quote(join(outputDir, name))}`);
}
