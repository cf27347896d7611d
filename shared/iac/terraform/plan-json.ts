import { IacParseError } from '../model.js';

/** Shape checks for `terraform show -json` output: each names the file and the field that is wrong. */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text as an editor shows it: without the byte order mark some Windows tools write first. */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parsePlanText(file: string, text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new IacParseError(
      `${file}: invalid JSON: ${(error as Error).message}`,
      jsonErrorPosition(text, error),
    );
  }
  const plan = objectAt(value, file, '(top level)');
  const version = stringAt(plan.format_version, file, 'format_version');
  // A new major version is not backward compatible and must be refused (0.x: Terraform before 1.1).
  if (!/^[01]\./.test(version)) {
    throw new IacParseError(
      `${file}: format_version ${version} is not supported (this reads Terraform plan JSON 0.x and 1.x)`,
    );
  }
  return plan;
}

export function objectAt(value: unknown, file: string, field: string): JsonObject {
  if (!isJsonObject(value)) throw new IacParseError(`${file}: ${field}: expected an object`);
  return value;
}

export function optionalObjectAt(value: unknown, file: string, field: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : objectAt(value, file, field);
}

export function arrayAt(value: unknown, file: string, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new IacParseError(`${file}: ${field}: expected a list`);
  return value;
}

export function stringAt(value: unknown, file: string, field: string): string {
  if (typeof value !== 'string') throw new IacParseError(`${file}: ${field}: expected a string`);
  return value;
}

export function indexAt(value: unknown, file: string, field: string): string | number | undefined {
  if (value === undefined || typeof value === 'string' || typeof value === 'number') return value;
  throw new IacParseError(`${file}: ${field}: expected a string or a number`);
}

function jsonErrorPosition(text: string, error: unknown): { line: number; column: number } | undefined {
  const offset = /position (\d+)/.exec((error as Error).message)?.[1];
  if (offset === undefined) return undefined;
  const before = text.slice(0, Number(offset)).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
