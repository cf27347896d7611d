import { visibleText } from '../report/visible-text.js';

/** A trust policy as the `AssumeRolePolicyDocument` property of an `AWS::IAM::Role`, in YAML. */

const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9]*$/;

/** Scalars double-quoted: JSON's string syntax is YAML's double-quoted style, so nothing is read as a tag or number. */
function yamlScalar(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'null';
}

const yamlKey = (key: string) => (PLAIN_KEY.test(key) ? key : JSON.stringify(key));

function yamlLines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => {
      const lines = yamlLines(item, `${indent}  `);
      const first = (lines[0] as string).slice(indent.length + 2);
      return [`${indent}- ${first}`, ...lines.slice(1)];
    });
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${indent}{}`];
    return entries.flatMap(([k, v]) => {
      if (
        typeof v === 'object' &&
        v !== null &&
        (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)
      )
        return [`${indent}${yamlKey(k)}:`, ...yamlLines(v, `${indent}  `)];
      return [
        `${indent}${yamlKey(k)}: ${typeof v === 'object' && v !== null ? (Array.isArray(v) ? '[]' : '{}') : yamlScalar(v)}`,
      ];
    });
  }
  return [`${indent}${yamlScalar(value)}`];
}

/** The property and its document, indented as under a role's `Properties:`; `comments` lead as `#` lines. */
export function renderCloudFormation(document: Record<string, unknown>, comments: string[]): string {
  const lead = comments.map((c) => `# ${visibleText(c)}`.trimEnd());
  return `${[...lead, 'AssumeRolePolicyDocument:', ...yamlLines(document, '  ')].join('\n')}\n`;
}
