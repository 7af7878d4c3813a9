// Active time windows of a schedule rule (PRD §2.1.8 active_time_windows): daily ranges in an IANA zone during
// which syncing may run. Stored as JSON `[{ "daysOfWeek": [1..7], "start": "HH:MM", "end": "HH:MM", "timezone":
// "Europe/Berlin" }]` (the proto's TimeWindow). Pure: time is passed in; zones come from Intl, no library.

export interface TimeWindow {
  /** 1 = Monday .. 7 = Sunday; empty = every day. For a window that wraps past midnight, the day it starts. */
  daysOfWeek: number[];
  /** "HH:MM", inclusive. */
  start: string;
  /** "HH:MM", exclusive, "24:00" allowed; before `start` means the window wraps past midnight. */
  end: string;
  /** IANA zone; "" = UTC. */
  timezone: string;
}

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

function minutesOf(hhmm: string): number | undefined {
  const m = HHMM.exec(hhmm);
  if (!m) return undefined;
  const total = Number(m[1]) * 60 + Number(m[2]);
  return total > 24 * 60 ? undefined : total;
}

export function isValidTimeZone(zone: string): boolean {
  if (zone === "") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Validates the stored JSON (null / [] = always active). Returns `{ error }` naming the bad entry. */
export function parseTimeWindows(json: unknown): { value: TimeWindow[] } | { error: string } {
  if (json === null || json === undefined) return { value: [] };
  if (!Array.isArray(json)) return { error: "active_time_windows must be an array" };
  const out: TimeWindow[] = [];
  for (const [i, raw] of json.entries()) {
    const w = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const days = w.daysOfWeek ?? [];
    const start = typeof w.start === "string" ? w.start : "";
    const end = typeof w.end === "string" ? w.end : "";
    const timezone = typeof w.timezone === "string" ? w.timezone : "";
    if (!Array.isArray(days) || !days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
      return { error: `active_time_windows[${i}].daysOfWeek must hold days 1 (Monday) .. 7 (Sunday)` };
    }
    const s = minutesOf(start);
    const e = minutesOf(end);
    if (s === undefined || s >= 24 * 60) return { error: `active_time_windows[${i}].start must be HH:MM` };
    if (e === undefined) return { error: `active_time_windows[${i}].end must be HH:MM (24:00 allowed)` };
    if (s === e) return { error: `active_time_windows[${i}] is empty (start equals end)` };
    if (!isValidTimeZone(timezone)) return { error: `active_time_windows[${i}].timezone "${timezone}" is unknown` };
    out.push({ daysOfWeek: [...new Set(days as number[])].sort(), start, end, timezone });
  }
  return { value: out };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  const key = zone || "UTC";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: key,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(key, f);
  }
  return f;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minutes: number;
  seconds: number;
}

function localTime(at: Date, zone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAY[parts.weekday ?? ""] ?? 1,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
  };
}

/** The UTC instant of a local wall-clock time in `zone` (the earlier one in a DST overlap, shifted forward in a gap). */
function instantOf(zone: string, year: number, month: number, day: number, minutes: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  let guess = wall;
  // Two passes converge for every real zone: the offset at the guess, then at the corrected guess.
  for (let i = 0; i < 2; i++) {
    const l = localTime(new Date(guess), zone);
    const seen = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes, l.seconds);
    guess += wall - seen;
  }
  return guess;
}

function dayMatches(w: TimeWindow, weekday: number): boolean {
  return w.daysOfWeek.length === 0 || w.daysOfWeek.includes(weekday);
}

function inWindow(w: TimeWindow, at: Date): boolean {
  const l = localTime(at, w.timezone);
  const s = minutesOf(w.start) ?? 0;
  const e = minutesOf(w.end) ?? 0;
  if (s < e) return dayMatches(w, l.weekday) && l.minutes >= s && l.minutes < e;
  // Wrapping window: the part after midnight belongs to the previous day's window.
  if (l.minutes >= s) return dayMatches(w, l.weekday);
  return l.minutes < e && dayMatches(w, l.weekday === 1 ? 7 : l.weekday - 1);
}

/** Whether syncing may run at `at`; no windows means always. */
export function isWithinWindows(windows: readonly TimeWindow[], at: Date): boolean {
  return windows.length === 0 || windows.some((w) => inWindow(w, at));
}

/** `at` if it is inside a window, else the next moment a window opens (searched up to 8 days ahead). */
export function nextAllowedTime(windows: readonly TimeWindow[], at: Date): Date {
  if (isWithinWindows(windows, at)) return at;
  let best = Number.POSITIVE_INFINITY;
  for (const w of windows) {
    const s = minutesOf(w.start) ?? 0;
    const l = localTime(at, w.timezone);
    for (let offset = 0; offset <= 8; offset++) {
      // Calendar arithmetic on the local date; Date.UTC normalises day overflow into the next month.
      const d = new Date(Date.UTC(l.year, l.month - 1, l.day + offset));
      const weekday = ((l.weekday - 1 + offset) % 7) + 1;
      if (!dayMatches(w, weekday)) continue;
      const t = instantOf(w.timezone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), s);
      if (t > at.getTime()) {
        best = Math.min(best, t);
        break;
      }
    }
  }
  return Number.isFinite(best) ? new Date(best) : at;
}
