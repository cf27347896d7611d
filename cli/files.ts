import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { FileFormatError, readWithSchema } from '../shared/schema-file.js';
import type * as z from '../shared/zod.js';
import { UsageError } from './exit.js';

/** A JSON file validated by its schema; any problem is bad input (exit 2) naming the file and field. */
export function readJsonFile<T extends z.ZodMiniType>(schema: T, path: string): z.infer<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return checkedValue(schema, parseJsonText(text, path), path);
}

/** The value of a file's JSON text; text that is not JSON is bad input naming the file. */
export function parseJsonText(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** A file's value checked against its schema; a mismatch is bad input naming the file and field. */
export function checkedValue<T extends z.ZodMiniType>(schema: T, value: unknown, path: string): z.infer<T> {
  try {
    return readWithSchema(schema, value, path);
  } catch (error) {
    if (error instanceof FileFormatError) throw new UsageError(error.message);
    throw error;
  }
}

export function writeTextFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new UsageError(
      `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/**
 * The files the arguments name, each once, in order: a file as given (`-` is standard input), a
 * directory as every file under it (recursively, sorted, so log files come in time order), and a
 * pattern (`'logs/*.json.gz'` quoted, or where the shell does not expand it) as the files it matches, sorted.
 * An argument that names nothing is bad usage: a typo must not pass for "no findings".
 */
export function expandPaths(args: string[]): string[] {
  const files = new Set<string>();
  for (const arg of args) {
    if (arg === '-') {
      files.add(arg);
      continue;
    }
    const stat = statSync(arg, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      const found = globSync('**/*', { cwd: arg, onlyFiles: true, dot: true }).sort();
      if (found.length === 0) throw new UsageError(`${arg}: a directory with no files in it`);
      for (const name of found) files.add(join(arg, name));
    } else if (stat) files.add(arg);
    else if (isDynamicPattern(arg)) {
      const found = globSync(arg, { onlyFiles: true, dot: true, expandDirectories: false }).sort();
      if (found.length === 0) throw new UsageError(`${arg}: matches no file`);
      for (const name of found) files.add(name);
    } else throw new UsageError(`${arg}: cannot read (no such file)`);
  }
  return [...files];
}
