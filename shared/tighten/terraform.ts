import { visibleText } from '../report/visible-text.js';

/**
 * A trust policy as Terraform: an `aws_iam_policy_document` data source, and the same document as a
 * `jsonencode` expression for those who keep the policy inline in `aws_iam_role`.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/**
 * An HCL quoted string: JSON's escapes less those HCL lacks, and `${` / `%{` doubled so that an IAM
 * policy variable (`${aws:username}`) stays literal instead of being read as a Terraform template.
 */
export function hclString(text: string): string {
  return (
    JSON.stringify(text)
      .replaceAll('\\b', '\\u0008')
      .replaceAll('\\f', '\\u000c')
      // A function, not a replacement string: in one `$$` would stand for a single `$`.
      .replaceAll('${', () => '$${')
      .replaceAll('%{', () => '%%{')
  );
}

/** A Terraform identifier made from a role name: letters, digits, `_` and `-`, not starting with a digit. */
export function terraformName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function hclValue(value: unknown, indent: string): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string') && value.length <= 1)
      return `[${value.map((v) => hclValue(v, inner)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${hclValue(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Json);
  if (entries.length === 0) return '{}';
  const lines = aligned(
    entries.map(([k, v]) => [hclString(k), hclValue(v, inner)]),
    inner,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/**
 * `name = value` lines as `terraform fmt` writes them: the `=` of consecutive one-line attributes
 * aligned; an attribute whose value spans lines stands alone.
 */
function aligned(pairs: [string, string][], indent: string): string[] {
  const lines: string[] = [];
  let run: [string, string][] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map(([name]) => name.length));
    for (const [name, value] of run) lines.push(`${indent}${name.padEnd(width)} = ${value}`);
    run = [];
  };
  for (const [name, value] of pairs) {
    if (value.includes('\n')) {
      flush();
      lines.push(`${indent}${name} = ${value}`);
    } else run.push([name, value]);
  }
  flush();
  return lines;
}

/** Statement fields the data source has arguments for (`Principal` and `Condition` become blocks). */
const STATEMENT_ARGUMENTS: Record<string, string> = {
  Sid: 'sid',
  Effect: 'effect',
  Action: 'actions',
  NotAction: 'not_actions',
  Resource: 'resources',
  NotResource: 'not_resources',
};

const strings = (v: unknown) =>
  `[${list(v)
    .map((s) => hclString(String(s)))
    .join(', ')}]`;

function principalBlocks(block: string, principal: unknown): string[] {
  if (principal === '*') return [`    ${block} {\n      type        = "*"\n      identifiers = ["*"]\n    }`];
  if (!isObject(principal)) return [];
  return Object.entries(principal).map(
    ([type, ids]) =>
      `    ${block} {\n      type        = ${hclString(type)}\n      identifiers = ${strings(ids)}\n    }`,
  );
}

function conditionBlocks(condition: unknown): string[] {
  if (!isObject(condition)) return [];
  return Object.entries(condition).flatMap(([test, keys]) =>
    Object.entries(isObject(keys) ? keys : {}).map(
      ([variable, values]) =>
        `    condition {\n      test     = ${hclString(test)}\n      variable = ${hclString(variable)}\n      values   = ${strings(values)}\n    }`,
    ),
  );
}

/** Why the data source cannot say what the document says, or undefined when it can. */
function dataSourceGap(document: Json): string | undefined {
  const extra = Object.keys(document).filter((k) => !['Version', 'Id', 'Statement'].includes(k));
  if (extra.length > 0)
    return `the document has fields the data source has no argument for (${extra.join(', ')})`;
  for (const s of list(document.Statement)) {
    if (!isObject(s)) return 'a statement is not an object';
    const fields = Object.keys(s).filter(
      (k) => !(k in STATEMENT_ARGUMENTS) && !['Principal', 'NotPrincipal', 'Condition'].includes(k),
    );
    if (fields.length > 0)
      return `a statement has fields the data source has no argument for (${fields.join(', ')})`;
    for (const [k, v] of Object.entries(s))
      if (
        ['Sid', 'Effect'].includes(k)
          ? typeof v !== 'string'
          : k in STATEMENT_ARGUMENTS && !list(v).every((x) => typeof x === 'string')
      )
        return `a statement's ${k} is not text`;
  }
  return undefined;
}

function dataSource(name: string, document: Json): string {
  const header: [string, string][] = [];
  if (typeof document.Version === 'string') header.push(['version', hclString(document.Version)]);
  if (typeof document.Id === 'string') header.push(['policy_id', hclString(document.Id)]);
  const statements = list(document.Statement).map((raw) => {
    const s = raw as Json;
    const lines = aligned(
      Object.entries(STATEMENT_ARGUMENTS)
        .filter(([field]) => s[field] !== undefined)
        .map(([field, argument]) => [
          argument,
          field === 'Sid' || field === 'Effect' ? hclString(String(s[field])) : strings(s[field]),
        ]),
      '    ',
    );
    const blocks = [
      ...principalBlocks('principals', s.Principal),
      ...principalBlocks('not_principals', s.NotPrincipal),
      ...conditionBlocks(s.Condition),
    ];
    return `  statement {\n${[lines.join('\n'), ...blocks].join('\n\n')}\n  }`;
  });
  return `data "aws_iam_policy_document" ${hclString(name)} {\n${[...(header.length ? [aligned(header, '  ').join('\n')] : []), ...statements].join('\n\n')}\n}\n`;
}

/**
 * Both forms, each complete: the data source (use `data.aws_iam_policy_document.NAME.json` as the
 * role's `assume_role_policy`) and the `jsonencode` local; `comments` lead the file as `#` lines.
 */
export function renderTerraform(roleName: string, document: Json, comments: string[]): string {
  const name = terraformName(`${roleName}_trust`);
  const gap = dataSourceGap(document);
  const lead = comments.map((c) => `# ${visibleText(c)}`.trimEnd()).join('\n');
  const data = gap
    ? `# No aws_iam_policy_document form: ${gap}. Use the jsonencode form below.\n`
    : `# assume_role_policy = data.aws_iam_policy_document.${name}.json\n${dataSource(name, document)}`;
  const local = `# Or inline: assume_role_policy = local.${name}\nlocals {\n  ${name} = jsonencode(${hclValue(document, '  ')})\n}\n`;
  return `${lead ? `${lead}\n\n` : ''}${data}\n${local}`;
}
