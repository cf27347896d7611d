import { IacParseError } from '../model.js';
import { type ResolveReference, templateValue } from './oidc-providers.js';
import { soleExpression, splitTemplate } from './template.js';
import { afterPlan, type TfObject, type TfValue, Unresolved, unresolvedKey } from './value.js';

/**
 * A value as the HCL parser renders it, read without evaluating anything: literals stay, and every
 * string that interpolates something (a variable, a local, another resource's attribute, a function
 * call, a `for` expression: the parser renders them all as `${…}`) is unknown until Terraform plans,
 * except what `templateValue` reads anyway: what `resolve` tells (an IAM OIDC provider's ARN), the
 * partition's attributes, and the account of a provider ARN.
 */
export function fromHcl(value: unknown, where: string, resolve?: ResolveReference): TfValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') return fromTemplate(value, resolve);
  if (Array.isArray(value)) return value.map((item, i) => fromHcl(item, `${where}[${i}]`, resolve));
  if (typeof value === 'object') {
    const out: TfObject = {};
    for (const [key, item] of Object.entries(value)) {
      const known = templateValue(splitTemplate(key), resolve);
      out[known ?? unresolvedKey(templateDescription(key))] = fromHcl(item, `${where}.${key}`, resolve);
    }
    return out;
  }
  throw new IacParseError(`${where}: unexpected value`);
}

function fromTemplate(text: string, resolve: ResolveReference | undefined): TfValue {
  const known = templateValue(splitTemplate(text), resolve);
  if (known !== undefined) return known;
  const sole = soleExpression(text);
  return new Unresolved(templateDescription(text), sole ? [sole, `"${text}"`] : [`"${text}"`]);
}

/** "`var.repo` (known after plan)" for a sole interpolation, "`"repo:${var.org}/app"` (known after plan)" for a template. */
function templateDescription(text: string): string {
  return afterPlan(soleExpression(text) ?? `"${text}"`);
}
