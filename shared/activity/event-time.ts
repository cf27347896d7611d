// CloudTrail's own form is `2025-04-16T02:46:56Z`; pipelines rewrite it (Panther:
// `2022-09-27 17:09:18`, `2023-01-03 01:52:07.000000000`, UTC without a zone), and the AWS CLI prints
// offsets such as `2021-11-18T09:41:02-08:00`.
const EVENT_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):?([0-5]\d))?$/i;

/**
 * An event time in any of the forms above as `Date#toISOString()` (`2025-04-16T02:46:56.000Z`), so
 * that times from different sources compare as strings; undefined when it is not a real instant.
 * A time without a zone is UTC, as every CloudTrail time is.
 */
export function normalizeEventTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = EVENT_TIME.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMinutes = match[9]
    ? (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 60 + Number(match[11]))
    : 0;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC carries 2022-02-30 over into March and 24:00 into the next day: such a time was never real.
  if (
    local.getUTCFullYear() !== year ||
    local.getUTCMonth() !== month - 1 ||
    local.getUTCDate() !== day ||
    local.getUTCHours() !== hour ||
    local.getUTCMinutes() !== minute ||
    local.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return new Date(local.getTime() - offsetMinutes * 60_000).toISOString();
}
