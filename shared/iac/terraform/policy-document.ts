import { IacParseError } from '../model.js';
import { isObject, type TfObject, type TfValue, Unresolved, unresolvedKey } from './value.js';

/**
 * The JSON that Terraform's AWS provider renders for a `data "aws_iam_policy_document"` from its
 * arguments (`version`, `policy_id`, `statement` blocks, `source_policy_documents`,
 * `override_policy_documents`), as the provider's policy document data source and policy model do:
 * `Version` defaults to 2012-10-17 and `Effect` to Allow; a set of one string becomes that string and
 * a larger set is sorted in reverse; principals of one type are merged, and a lone `type = "*"` with
 * identifiers `["*"]` becomes `"*"`; condition values of the same test and variable are appended in
 * order, one value becoming a string; `&{` becomes `${` in resources, identifiers and condition values.
 * A block list may hold unknown blocks (dynamic blocks): they stay unknown in the document.
 */
export function renderPolicyDocument(args: TfObject, where: string): TfValue {
  const sources = documentList(args.source_policy_documents, `${where}: source_policy_documents`);
  const overrides = documentList(args.override_policy_documents, `${where}: override_policy_documents`);
  if (sources instanceof Unresolved) return sources;
  if (overrides instanceof Unresolved) return overrides;

  const own: TfObject = { Version: args.version ?? '2012-10-17' };
  if (args.policy_id instanceof Unresolved || (typeof args.policy_id === 'string' && args.policy_id !== '')) {
    own.Id = args.policy_id;
  }
  const statements = args.statement;
  if (statements instanceof Unresolved) own.Statement = statements;
  else if (Array.isArray(statements) && statements.length > 0) {
    own.Statement = statements.map((s, i) => renderStatement(s, `${where}: statement[${i}]`));
  }

  let merged: TfObject = {};
  for (const document of [...sources, own, ...overrides]) merged = mergeDocuments(merged, document);
  return merged;
}

function renderStatement(block: TfValue, where: string): TfValue {
  if (block instanceof Unresolved) return block;
  if (!isObject(block)) throw new IacParseError(`${where}: a statement block must be an object`);
  const out: TfObject = {};
  if (block.sid instanceof Unresolved || (typeof block.sid === 'string' && block.sid !== ''))
    out.Sid = block.sid;
  out.Effect = block.effect ?? 'Allow';
  const fields: [string, string, boolean][] = [
    ['actions', 'Action', false],
    ['not_actions', 'NotAction', false],
    ['resources', 'Resource', true],
    ['not_resources', 'NotResource', true],
  ];
  for (const [argument, key, policyVariables] of fields) {
    const value = stringSet(block[argument], `${where}.${argument}`, policyVariables);
    if (value !== undefined) out[key] = value;
  }
  const principal = renderPrincipals(block.principals, `${where}.principals`);
  if (principal !== undefined) out.Principal = principal;
  const notPrincipal = renderPrincipals(block.not_principals, `${where}.not_principals`);
  if (notPrincipal !== undefined) out.NotPrincipal = notPrincipal;
  const condition = renderConditions(block.condition, `${where}.condition`);
  if (condition !== undefined) out.Condition = condition;
  return out;
}

/** A set of strings: one element alone, more sorted in reverse (known ones; unknown ones after them). */
function stringSet(value: TfValue | undefined, where: string, policyVariables: boolean): TfValue | undefined {
  const items = stringList(value, where, policyVariables);
  if (items === undefined || items instanceof Unresolved) return items;
  const all = setOrder(items);
  if (all.length === 0) return undefined;
  return all.length === 1 ? all[0] : all;
}

/** A set's elements as the provider writes them: known strings once each, sorted in reverse; unknown ones after. */
function setOrder(items: (string | Unresolved)[]): TfValue[] {
  const known = [...new Set(items.filter((i) => typeof i === 'string'))].sort().reverse();
  return [...known, ...items.filter((i) => i instanceof Unresolved)];
}

function stringList(
  value: TfValue | undefined,
  where: string,
  policyVariables: boolean,
): (string | Unresolved)[] | Unresolved | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Unresolved) return value;
  if (!Array.isArray(value)) throw new IacParseError(`${where}: must be a list of strings`);
  return value.map((item, i) => {
    if (item instanceof Unresolved) return item;
    if (typeof item === 'string') return policyVariables ? item.replaceAll('&{', '${') : item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new IacParseError(`${where}[${i}]: must be a string`);
  });
}

function blocks(value: TfValue | undefined, where: string): TfValue[] | Unresolved | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Unresolved) return value;
  if (!Array.isArray(value)) throw new IacParseError(`${where}: must be a list of blocks`);
  return value.length === 0 ? undefined : value;
}

function renderPrincipals(value: TfValue | undefined, where: string): TfValue | undefined {
  const list = blocks(value, where);
  if (list === undefined || list instanceof Unresolved) return list;
  const merged: Record<string, { items: TfValue[]; single: boolean }> = {};
  const out: TfObject = {};
  list.forEach((block, i) => {
    if (block instanceof Unresolved) {
      out[unresolvedKey(block.description)] = block;
      return;
    }
    if (!isObject(block)) throw new IacParseError(`${where}[${i}]: must be a block`);
    const type = writtenName(block.type, `${where}[${i}].type`);
    const identifiers = stringList(block.identifiers, `${where}[${i}].identifiers`, true) ?? [];
    const items = identifiers instanceof Unresolved ? [identifiers] : setOrder(identifiers);
    const entry = merged[type];
    if (entry) {
      entry.items.push(...items);
      entry.single = false;
    } else merged[type] = { items, single: items.length === 1 };
  });
  const types = Object.keys(merged);
  const only = types.length === 1 && list.length === 1 ? merged[types[0] as string] : undefined;
  if (types[0] === '*' && only?.items.length === 1 && only.items[0] === '*') return '*';
  for (const type of types.sort()) {
    const { items, single } = merged[type] as { items: TfValue[]; single: boolean };
    out[type] = single ? (items[0] as TfValue) : items;
  }
  return out;
}

/** A principal type, condition test or variable: a string, or the placeholder key of an unknown one. */
function writtenName(value: TfValue | undefined, where: string): string {
  if (value instanceof Unresolved) return unresolvedKey(value.description);
  if (typeof value !== 'string') throw new IacParseError(`${where}: must be a string`);
  return value;
}

function renderConditions(value: TfValue | undefined, where: string): TfValue | undefined {
  const list = blocks(value, where);
  if (list === undefined || list instanceof Unresolved) return list;
  const tests: Record<string, Record<string, TfValue[]>> = {};
  const out: TfObject = {};
  list.forEach((block, i) => {
    if (block instanceof Unresolved) {
      out[unresolvedKey(block.description)] = block;
      return;
    }
    if (!isObject(block)) throw new IacParseError(`${where}[${i}]: must be a block`);
    const test = writtenName(block.test, `${where}[${i}].test`);
    const variable = writtenName(block.variable, `${where}[${i}].variable`);
    const values = stringList(block.values, `${where}[${i}].values`, true) ?? [];
    tests[test] ??= {};
    const variables = tests[test];
    variables[variable] ??= [];
    (variables[variable] as TfValue[]).push(...(values instanceof Unresolved ? [values] : values));
  });
  for (const test of Object.keys(tests).sort()) {
    const variables = tests[test] as Record<string, TfValue[]>;
    const rendered: TfObject = {};
    for (const variable of Object.keys(variables).sort()) {
      const values = variables[variable] as TfValue[];
      rendered[variable] = values.length === 1 ? (values[0] as TfValue) : values;
    }
    out[test] = rendered;
  }
  return out;
}

/** Policy documents given as JSON text (or already read), merged in as the provider does. */
function documentList(value: TfValue | undefined, where: string): TfObject[] | Unresolved {
  if (value === undefined || value === null) return [];
  if (value instanceof Unresolved) return value;
  if (!Array.isArray(value)) throw new IacParseError(`${where}: must be a list of policy documents`);
  const documents: TfObject[] = [];
  for (const [i, item] of value.entries()) {
    if (item instanceof Unresolved) return item;
    if (item === null) continue;
    const document = typeof item === 'string' ? parseDocument(item, `${where}[${i}]`) : item;
    if (!isObject(document)) throw new IacParseError(`${where}[${i}]: must be a policy document`);
    documents.push(document);
  }
  return documents;
}

function parseDocument(text: string, where: string): TfValue {
  try {
    return JSON.parse(text) as TfValue;
  } catch (error) {
    throw new IacParseError(`${where}: invalid JSON: ${(error as Error).message}`);
  }
}

/** The provider's merge: a later document's Id and higher Version win; a statement with a Sid replaces the one with the same Sid. */
function mergeDocuments(base: TfObject, next: TfObject): TfObject {
  const out: TfObject = { ...base };
  if (next.Id !== undefined && next.Id !== '') out.Id = next.Id;
  const version = next.Version;
  if (version instanceof Unresolved) out.Version = version;
  else if (
    typeof version === 'string' &&
    !(out.Version instanceof Unresolved) &&
    version > String(out.Version ?? '')
  ) {
    out.Version = version;
  }
  const nextStatements = next.Statement;
  if (nextStatements === undefined) return out;
  if (nextStatements instanceof Unresolved || out.Statement instanceof Unresolved) {
    out.Statement = nextStatements instanceof Unresolved ? nextStatements : (out.Statement as Unresolved);
    return out;
  }
  const statements = Array.isArray(out.Statement) ? [...out.Statement] : [];
  for (const statement of Array.isArray(nextStatements) ? nextStatements : [nextStatements]) {
    const sid = isObject(statement) && typeof statement.Sid === 'string' ? statement.Sid : '';
    const at = sid === '' ? -1 : statements.findIndex((s) => isObject(s) && s.Sid === sid);
    if (at >= 0) statements[at] = statement;
    else statements.push(statement);
  }
  out.Statement = statements;
  return out;
}
