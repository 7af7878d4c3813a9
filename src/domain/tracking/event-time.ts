// Event times (reference §4.5): sort and compare on time_utc; keep the carrier-local offset; never invent a zone.
import type { TimeRaw } from "../../upstream/wire.js";

export interface EventTime {
  /** The instant in UTC. */
  utc: Date;
  /** Carrier-local UTC offset like "-07:00", or null when the carrier gave no zone. */
  offset: string | null;
}

const OFFSET = /([+-]\d{2}:?\d{2}|Z)$/;

function normaliseOffset(raw: unknown): string | null {
  if (typeof raw !== "string" || !raw) return null;
  if (raw === "Z") return "+00:00";
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(raw.trim());
  return m ? `${m[1]}${m[2]}:${m[3]}` : null;
}

function valid(d: Date): Date | undefined {
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Resolves an event's instant from time_utc, else time_iso, else time_raw. A raw time without a zone is read as UTC
 * (the offset stays null, so nobody mistakes it for a known zone). No time at all gives undefined.
 */
export function resolveEventTime(e: {
  time_utc?: string | null;
  time_iso?: string | null;
  time_raw?: TimeRaw;
}): EventTime | undefined {
  const isoOffset = e.time_iso ? normaliseOffset(OFFSET.exec(e.time_iso)?.[1]) : null;
  const rawOffset = normaliseOffset(e.time_raw?.timezone);
  const offset = isoOffset ?? rawOffset;
  if (e.time_utc) {
    const d = valid(new Date(e.time_utc));
    if (d) return { utc: d, offset };
  }
  if (e.time_iso && OFFSET.test(e.time_iso)) {
    const d = valid(new Date(e.time_iso));
    if (d) return { utc: d, offset };
  }
  const date = e.time_raw?.date;
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) {
    const time = e.time_raw?.time && /^\d{2}:\d{2}(:\d{2})?$/.test(e.time_raw.time) ? e.time_raw.time : "00:00:00";
    const d = valid(new Date(`${date}T${time.length === 5 ? `${time}:00` : time}${rawOffset ?? "Z"}`));
    if (d) return { utc: d, offset: rawOffset };
  }
  return undefined;
}
