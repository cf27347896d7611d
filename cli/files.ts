import { readFileSync, writeFileSync } from 'node:fs';
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
  }
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
