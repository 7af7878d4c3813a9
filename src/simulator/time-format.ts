// Time strings as 17TRACK prints them (§4.5): `time_iso` is carrier-local with its offset, `time_utc` the
// same instant with `Z`, `time_raw` the carrier's date/time/zone pieces; no milliseconds anywhere.
import type { TimeRaw } from "../upstream/wire.js";

/** "+05:30" → 330, "-07:00" → -420. */
export function offsetMinutes(tz: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(tz);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -minutes : minutes;
}

/** "2022-04-04T23:35:22Z" */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** "2022-04-04T16:35:22-07:00" */
export function formatLocal(ms: number, tz: string): string {
  const shifted = new Date(ms + offsetMinutes(tz) * 60_000).toISOString().slice(0, 19);
  return `${shifted}${tz}`;
}

export function timeRaw(ms: number, tz: string): TimeRaw {
  const local = formatLocal(ms, tz);
  return { date: local.slice(0, 10), time: local.slice(11, 19), timezone: tz };
}

export const NULL_TIME_RAW: TimeRaw = { date: null, time: null, timezone: null };

/**
 * Parses the date strings clients send (`order_time` "2021/12/1" per the doc example, ISO dates and
 * datetimes, gettracklist's "Y-m-d" filters, §2.1/§2.7). Date-only values are UTC midnight.
 * Returns null when the string is not a date.
 */
export function parseLooseDate(value: string): number | null {
  const slash = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value.trim());
  if (slash) {
    const [y, m, d] = [Number(slash[1]), Number(slash[2]), Number(slash[3])];
    const ms = Date.UTC(y, m - 1, d);
    const back = new Date(ms);
    // Date.UTC rolls 2021/13/45 over into 2022; a date that does not round-trip is not a date.
    return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value.trim())) return null;
  const ms = Date.parse(value.trim().replace(" ", "T"));
  return Number.isNaN(ms) ? null : ms;
}

/** True when the string carries only a date, so a "to" bound should include that whole day. */
export function isDateOnly(value: string): boolean {
  return /^\d{4}[/-]\d{1,2}[/-]\d{1,2}$/.test(value.trim());
}
