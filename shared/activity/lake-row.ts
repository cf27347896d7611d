import { describeValue, isJsonObject } from './json-value.js';

/**
 * One row of CloudTrail Lake `get-query-results` output as a raw record. A row is a list of
 * one-member objects, one per selected column, every value a string. Columns that are structures
 * (`userIdentity`, `requestParameters`…) come as JSON text or in Lake's own `{key=value, …}` notation,
 * which writes the names of `userIdentity`'s fields in lower case.
 */
export function lakeRow(row: unknown): { value: Record<string, unknown> } | { reason: string } {
  if (!Array.isArray(row))
    return { reason: `a CloudTrail Lake result row is ${describeValue(row)}, not a list of columns` };
  const value: Record<string, unknown> = {};
  for (const cell of row) {
    if (!isJsonObject(cell))
      return { reason: `a CloudTrail Lake column is ${describeValue(cell)}, not an object` };
    for (const [column, text] of Object.entries(cell)) value[column] = columnValue(column, text);
  }
  return { value };
}

function columnValue(column: string, text: unknown): unknown {
  if (typeof text !== 'string') return text;
  if (text === 'null') return null;
  if (column === 'readOnly' && (text === 'true' || text === 'false')) return text === 'true';
  if (!text.startsWith('{')) return text;
  try {
    return JSON.parse(text);
  } catch {
    const fields = lakeMap(text);
    return column === 'userIdentity' ? renameIdentityFields(fields) : fields;
  }
}

/** `{a=b, c={d=e}, f=null}`; a value holding `, ` at the top of its map is cut there (Lake does not escape it). */
function lakeMap(text: string): Record<string, unknown> {
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const map: Record<string, unknown> = {};
  let depth = 0;
  let start = 0;
  const add = (part: string) => {
    const eq = part.indexOf('=');
    if (eq <= 0) return;
    const raw = part.slice(eq + 1).trim();
    map[part.slice(0, eq).trim()] = raw === 'null' ? null : raw.startsWith('{') ? lakeMap(raw) : raw;
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0 && body[i + 1] === ' ') {
      add(body.slice(start, i));
      start = i + 2;
    }
  }
  add(body.slice(start));
  return map;
}

const IDENTITY_FIELDS = [
  'type',
  'principalId',
  'arn',
  'accountId',
  'accessKeyId',
  'userName',
  'invokedBy',
  'identityProvider',
  'sessionContext',
  'credentialId',
  'onBehalfOf',
];
const IDENTITY_NAMES = new Map(IDENTITY_FIELDS.map((name) => [name.toLowerCase(), name]));

function renameIdentityFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [IDENTITY_NAMES.get(k) ?? k, v]));
}
