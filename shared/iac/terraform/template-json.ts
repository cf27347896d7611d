import { IacParseError } from '../model.js';
import { type ResolveReference, templateValue } from './oidc-providers.js';
import { splitTemplate, type TemplatePart } from './template.js';
import { afterPlan, isObject, type TfObject, type TfValue, Unresolved, unresolvedKey } from './value.js';

// Stand-ins for interpolations while the JSON is parsed: private-use characters no policy holds.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const STAND_IN = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

/**
 * A policy written as JSON text in a heredoc or a quoted string, possibly interpolating values
 * (`"repo:${var.org}/app:*"`): parsed as JSON, and each string holding an interpolation is unknown.
 * A directive (`%{ for … }`) can write any JSON at all, so a policy holding one is unknown whole.
 * `resolve` tells what reading knows of a reference anyway (see `templateValue`).
 */
export function fromJsonTemplate(text: string, where: string, resolve?: ResolveReference): TfValue {
  const parts = splitTemplate(text);
  const directive = parts.find((p) => 'directive' in p);
  if (directive && 'directive' in directive) return new Unresolved(afterPlan(`%{${directive.directive}}`));
  const expressions: string[] = [];
  let json = '';
  let inString = false;
  for (const part of parts) {
    if ('literal' in part) {
      json += part.literal;
      inString = endsInsideString(part.literal, inString);
    } else if ('expression' in part) {
      const standIn = `${OPEN}${expressions.length}${CLOSE}`;
      expressions.push(part.expression);
      json += inString ? standIn : `"${standIn}"`;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new IacParseError(`${where}: invalid JSON: ${(error as Error).message}`);
  }
  return restore(value, expressions, resolve);
}

function endsInsideString(text: string, inString: boolean): boolean {
  let inside = inString;
  for (let i = 0; i < text.length; i++) {
    if (inside && text[i] === '\\') i += 1;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}

function restore(value: unknown, expressions: string[], resolve: ResolveReference | undefined): TfValue {
  if (typeof value === 'string') return restoreString(value, expressions, resolve);
  if (Array.isArray(value)) return value.map((item) => restore(item, expressions, resolve));
  if (isObject(value as TfValue)) {
    const out: TfObject = {};
    for (const [key, item] of Object.entries(value as TfObject)) {
      const known = restoreString(key, expressions, resolve);
      out[typeof known === 'string' ? known : unresolvedKey(known.description)] = restore(
        item,
        expressions,
        resolve,
      );
    }
    return out;
  }
  return value as TfValue;
}

function restoreString(
  text: string,
  expressions: string[],
  resolve: ResolveReference | undefined,
): string | Unresolved {
  if (!text.includes(OPEN)) return text;
  const known = templateValue(standInParts(text, expressions), resolve);
  if (known !== undefined) return known;
  const sole = new RegExp(`^${OPEN}(\\d+)${CLOSE}$`).exec(text);
  const written = text.replace(STAND_IN, (_, n: string) => `\${${expressions[Number(n)]}}`);
  if (sole) return new Unresolved(afterPlan(expressions[Number(sole[1])] as string), [`"${written}"`]);
  return new Unresolved(afterPlan(`"${written}"`), [`"${written}"`]);
}

/** A JSON string holding stand-ins, as the template parts it was written as. */
function standInParts(text: string, expressions: string[]): TemplatePart[] {
  return text
    .split(STAND_IN)
    .map(
      (piece, i): TemplatePart =>
        i % 2 ? { expression: expressions[Number(piece)] as string } : { literal: piece },
    )
    .filter((part) => !('literal' in part) || part.literal !== '');
}
