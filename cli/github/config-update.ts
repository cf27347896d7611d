import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { applyEdits, modify } from 'jsonc-parser';
import { ConfigSchema } from '../../shared/config/config.js';
import { FileFormatError, readWithSchema } from '../../shared/schema-file.js';
import { UsageError } from '../exit.js';
import { checkedValue, parseJsonText } from '../files.js';
import { fsReason } from '../input.js';

/** The part of `github` a command maintains. */
export type GitHubSection = 'subjectTemplates' | 'ids';

/** One entry of the section as the command found it; `value: undefined` means it should have none. */
export interface Wanted {
  key: string;
  value: unknown;
}

export interface Change {
  kind: 'added' | 'changed' | 'removed' | 'unchanged';
  key: string;
  /** The key as the file spelt it, when that differs in letter case. */
  was?: string;
  before?: unknown;
  after?: unknown;
}

export interface ConfigUpdate {
  path: string;
  created: boolean;
  changes: Change[];
  /** The file's new text; equal to the old one when nothing changed. */
  text: string;
  changed: boolean;
}

/**
 * The config file with the section's entries set or removed, everything else in it (other keys,
 * their order, its layout) untouched. Keys match case-insensitively, as GitHub's names do. The result
 * is checked against the config schema before anyone writes it.
 */
export function planConfigUpdate(path: string, section: GitHubSection, wanted: Wanted[]): ConfigUpdate {
  const { text, created } = readConfigText(path);
  const current = sectionOf(parseConfig(text, path), section);
  let next = text;
  const changes: Change[] = [];
  for (const { key, value } of wanted) {
    const existing = Object.keys(current).find((k) => k.toLowerCase() === key.toLowerCase());
    const before = existing === undefined ? undefined : current[existing];
    if (value === undefined) {
      if (existing === undefined) continue;
      next = edit(next, section, existing, undefined);
      changes.push({ kind: 'removed', key: existing, before });
    } else if (existing === key && isDeepStrictEqual(before, value)) {
      changes.push({ kind: 'unchanged', key, before });
    } else {
      // A name spelt otherwise is written as given: ids are keyed as GitHub spells the names.
      if (existing !== undefined && existing !== key) next = edit(next, section, existing, undefined);
      next = edit(next, section, key, value);
      changes.push({
        kind: existing === undefined ? 'added' : 'changed',
        key,
        ...(existing === undefined ? {} : { before }),
        ...(existing !== undefined && existing !== key ? { was: existing } : {}),
        after: value,
      });
    }
  }
  try {
    readWithSchema(ConfigSchema, JSON.parse(next), path);
  } catch (error) {
    if (error instanceof FileFormatError)
      throw new UsageError(`${error.message} (after the update; nothing written)`);
    throw error;
  }
  return { path, created, changes, text: next, changed: next !== text };
}

/** Writes the new text whole or not at all: a rename replaces the file in one step. */
export function writeConfigUpdate(update: ConfigUpdate): void {
  const temporary = `${update.path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, update.text.endsWith('\n') ? update.text : `${update.text}\n`);
    renameSync(temporary, update.path);
  } catch (error) {
    throw new UsageError(`${update.path}: cannot write (${fsReason(error)})`);
  }
}

function readConfigText(path: string): { text: string; created: boolean } {
  try {
    return { text: readFileSync(path, 'utf8'), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '{}\n', created: true };
    throw new UsageError(`${path}: cannot read (${fsReason(error)})`);
  }
}

/** The file as written (not with defaults filled in), after checking that it is a valid configuration. */
function parseConfig(text: string, path: string): Record<string, unknown> {
  const value = parseJsonText(text, path);
  checkedValue(ConfigSchema, value, path);
  return value as Record<string, unknown>;
}

function sectionOf(config: Record<string, unknown>, section: GitHubSection): Record<string, unknown> {
  const github = (config.github ?? {}) as Record<string, unknown>;
  return (github[section] ?? {}) as Record<string, unknown>;
}

function edit(text: string, section: GitHubSection, key: string, value: unknown): string {
  const edits = modify(text, ['github', section, key], value, {
    formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
  });
  return applyEdits(text, edits);
}
