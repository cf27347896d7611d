import { IacParseError } from '../model.js';
import { splitTemplate } from './template.js';
import { afterPlan, isObject, type TfObject, type TfValue, Unresolved, unresolvedKey } from './value.js';

// Stand-ins for interpolations while the JSON is parsed: private-use characters no policy holds.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const STAND_IN = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

/**
 * A policy written as JSON text in a heredoc or a quoted string, possibly interpolating values
 * (`"repo:${var.org}/app:*"`): parsed as JSON, and each string holding an interpolation is unknown.
 * A directive (`%{ for … }`) can write any JSON at all, so a policy holding one is unknown whole.
 */
export function fromJsonTemplate(text: string, where: string): TfValue {
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
  return restore(value, expressions);
}

function endsInsideString(text: string, inString: boolean): boolean {
  let inside = inString;
  for (let i = 0; i < text.length; i++) {
    if (inside && text[i] === '\\') i += 1;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}

function restore(value: unknown, expressions: string[]): TfValue {
  if (typeof value === 'string') return restoreString(value, expressions);
  if (Array.isArray(value)) return value.map((item) => restore(item, expressions));
  if (isObject(value as TfValue)) {
    const out: TfObject = {};
    for (const [key, item] of Object.entries(value as TfObject)) {
      const known = restoreString(key, expressions);
      out[typeof known === 'string' ? known : unresolvedKey(known.description)] = restore(item, expressions);
    }
    return out;
  }
  return value as TfValue;
}

function restoreString(text: string, expressions: string[]): string | Unresolved {
  if (!text.includes(OPEN)) return text;
  const sole = new RegExp(`^${OPEN}(\\d+)${CLOSE}$`).exec(text);
  const written = text.replace(STAND_IN, (_, n: string) => `\${${expressions[Number(n)]}}`);
  if (sole) return new Unresolved(afterPlan(expressions[Number(sole[1])] as string), [`"${written}"`]);
  return new Unresolved(afterPlan(`"${written}"`), [`"${written}"`]);
}
