import type * as z from './zod.js';

export class FileFormatError extends Error {}

/**
 * Validates a parsed JSON file against its schema, naming the file and the first fields that are
 * wrong, so that a person can fix it without reading the schema.
 */
export function readWithSchema<T extends z.ZodMiniType>(schema: T, value: unknown, file: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ');
  throw new FileFormatError(`${file}: ${problems}`);
}
