import type { TokenPrincipal } from '../policy/model.js';

// Readers of evidence values: each returns undefined when the value does not have the expected shape,
// so that a value a reader cannot read is shown as it is rather than misread.

export function text(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export function texts(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.map(text);
  return out.every((t) => t !== undefined) ? out : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export interface TokenLike {
  provider?: string;
  principal?: TokenPrincipal;
  claims: Record<string, string>;
}

export function token(value: unknown): TokenLike | undefined {
  const claims = record(record(value)?.claims);
  if (!claims) return undefined;
  const principal = record(record(value)?.principal) as TokenPrincipal | undefined;
  return {
    provider: text(record(value)?.provider),
    ...(principal ? { principal } : {}),
    claims: claims as Record<string, string>,
  };
}

export function tokens(value: unknown): TokenLike[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.map(token);
  return out.every((t) => t !== undefined) ? (out as TokenLike[]) : undefined;
}

export interface KeyRef {
  name: string;
  created?: string;
}

/** Keys as `{keyId?, slot?, created?}`: named by id, or by slot when the credential report gave no id. */
export function keyList(value: unknown): KeyRef[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const keys = value.map(record);
  if (!keys.every((k) => k !== undefined)) return undefined;
  return keys.map((k) => ({
    name: text(k?.keyId) ?? `key ${text(k?.slot) ?? '?'}`,
    ...(text(k?.created) ? { created: text(k?.created) } : {}),
  }));
}

export interface LastUse {
  date: string;
  service?: string;
  region?: string;
}

/** A last use (`{date, service, region}` from the credential report). */
export function lastUse(value: unknown): LastUse | undefined {
  const use = record(value);
  const date = text(use?.date);
  if (!use || !date) return undefined;
  const service = text(use.service);
  const region = text(use.region);
  return { date, ...(service ? { service } : {}), ...(region ? { region } : {}) };
}

export interface SuppressionRef {
  ruleId: string;
  resource?: string;
  expires?: string;
  reason?: string;
}

export function suppression(value: unknown): SuppressionRef | undefined {
  const s = record(value);
  const ruleId = text(s?.ruleId);
  if (!s || !ruleId) return undefined;
  const resource = text(s.resource);
  const expires = text(s.expires);
  const reason = text(s.reason);
  return {
    ruleId,
    ...(resource ? { resource } : {}),
    ...(expires ? { expires } : {}),
    ...(reason ? { reason } : {}),
  };
}

export interface EventRef {
  eventId?: string;
  eventName?: string;
  eventTime?: string;
  who?: string;
  sourceIp?: string;
  userAgent?: string;
  region?: string;
  /** The event's CloudTrail console page: only an https URL is kept. */
  console?: string;
}

export function event(value: unknown): EventRef | undefined {
  const e = record(value);
  if (!e) return undefined;
  const link = text(e.console);
  const fields = {
    eventId: text(e.eventId),
    eventName: text(e.eventName),
    eventTime: text(e.eventTime),
    who: text(e.who),
    sourceIp: text(e.sourceIp),
    userAgent: text(e.userAgent),
    region: text(e.region),
    // Records can come from files anyone wrote: only a console link is offered as one.
    console: link?.startsWith('https://') ? link : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as EventRef;
}
