import { readWithSchema } from '../schema-file.js';
import { REPORT_SCHEMA_VERSION, type Report, ReportSchema } from './model.js';

/** The JSON form: the report model as it is, so a later report (or any tool) can read it back. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * A report read back, or what is wrong with it: an unreadable previous report costs the comparison,
 * not the new report. `source` names the file or object in the message.
 */
export function readReport(text: string, source: string): Report | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `${source}: not valid JSON (${(error as Error).message})` };
  }
  // Named on its own: a report of another version fails every field, and the version is what to fix.
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION)
    return {
      problem: `${source}: schemaVersion: ${version === undefined ? 'missing' : JSON.stringify(version)}, not a report version this trustwatch reads (${REPORT_SCHEMA_VERSION})`,
    };
  try {
    return readWithSchema(ReportSchema, value, source);
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
