// How long a shipment's status may stay in Redis (PRD §2.2 "TTL: 1-24 hours based on status", §3.3.1 strategies).
// Pure: the current time and the shipment's change history are passed in. Staleness is bounded by invalidation on
// ingest, not by the TTL; the TTL bounds memory and the damage of a missed invalidation.
import type { Status } from "../tracking/status.js";

export const CACHE_STRATEGIES = ["FIXED", "DYNAMIC", "ADAPTIVE"] as const;
export type CacheStrategy = (typeof CACHE_STRATEGIES)[number];

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** ADAPTIVE never goes below or above these (issue #6: "clamped to 15 min…24 h"). */
export const ADAPTIVE_MIN_TTL_SECONDS = 15 * MINUTE;
export const ADAPTIVE_MAX_TTL_SECONDS = 24 * HOUR;
/** ADAPTIVE needs this many distinct change times (two intervals) before it trusts the history. */
export const ADAPTIVE_MIN_CHANGES = 3;
/** Only the most recent changes count: a parcel's pace early in its journey says little about the last mile. */
export const ADAPTIVE_RECENT_CHANGES = 10;

/**
 * DYNAMIC TTL per status. The issue fixes four (in transit 1 h, out for delivery 15 min, delivered 24 h, exception
 * 30 min); the rest follow the same reasoning: the likelier a change soon, the shorter the TTL.
 */
export const DYNAMIC_TTL_SECONDS: Readonly<Record<Status, number>> = {
  IN_TRANSIT: 1 * HOUR,
  // The next change (delivered or failed) is hours away at most and is what the recipient waits for.
  OUT_FOR_DELIVERY: 15 * MINUTE,
  // Terminal: nothing more will happen.
  DELIVERED: 24 * HOUR,
  EXPIRED: 24 * HOUR,
  // Someone is acting on it (carrier, sender, recipient); resolutions come quickly.
  EXCEPTION: 30 * MINUTE,
  DELIVERY_FAILURE: 30 * MINUTE,
  // Waiting for the recipient or the first scan: changes come, but not within minutes.
  AVAILABLE_FOR_PICKUP: 2 * HOUR,
  INFO_RECEIVED: 2 * HOUR,
  // 17TRACK has not found it yet; the first sync result should show up soon.
  NOT_FOUND: 30 * MINUTE,
};

/** DYNAMIC's answer for a status string it does not know (a newer 17TRACK status, bad data): the in-transit TTL. */
export const DYNAMIC_DEFAULT_TTL_SECONDS = 1 * HOUR;

/** How often the shipment changed: the times of its recent changes, or a count over a window. */
export type ChangeHistory =
  | { readonly changeTimes: readonly Date[] }
  | { readonly observedChanges: number; readonly windowSeconds: number };

export interface ChooseTtlInput {
  readonly strategy: CacheStrategy;
  /** Enum name without prefix (IN_TRANSIT ...); unknown strings get DYNAMIC_DEFAULT_TTL_SECONDS. */
  readonly status: string;
  /** Required for FIXED: the configured TTL, a positive number of seconds. */
  readonly fixedTtlSeconds?: number;
  /** For ADAPTIVE; without enough of it ADAPTIVE falls back to DYNAMIC. */
  readonly changeHistory?: ChangeHistory;
  readonly now: Date;
}

export interface TtlChoice {
  /** Whole seconds, at least 1 (Redis EX). */
  readonly ttlSeconds: number;
  /** Why, for logs and the status_cache row (e.g. "DYNAMIC: IN_TRANSIT"). */
  readonly reason: string;
}

export function chooseTtl(input: ChooseTtlInput): TtlChoice {
  switch (input.strategy) {
    case "FIXED":
      return fixed(input.fixedTtlSeconds);
    case "DYNAMIC":
      return dynamic(input.status);
    case "ADAPTIVE":
      return adaptive(input);
  }
}

function fixed(ttl: number | undefined): TtlChoice {
  if (ttl === undefined || !Number.isFinite(ttl) || ttl < 1) {
    // A config bug, not a runtime condition: config validation should have refused it.
    throw new RangeError(`FIXED cache strategy needs fixedTtlSeconds >= 1, got ${String(ttl)}`);
  }
  return { ttlSeconds: Math.floor(ttl), reason: `FIXED: configured ${Math.floor(ttl)} s` };
}

function dynamic(status: string): TtlChoice {
  const known = (DYNAMIC_TTL_SECONDS as Record<string, number | undefined>)[status];
  if (known === undefined) {
    return { ttlSeconds: DYNAMIC_DEFAULT_TTL_SECONDS, reason: `DYNAMIC: unknown status ${status || "(empty)"}` };
  }
  return { ttlSeconds: known, reason: `DYNAMIC: ${status}` };
}

function adaptive(input: ChooseTtlInput): TtlChoice {
  const fallback = (why: string): TtlChoice => {
    const d = dynamic(input.status);
    return { ttlSeconds: d.ttlSeconds, reason: `ADAPTIVE→${d.reason} (${why})` };
  };
  // A delivered or expired parcel does not change however busy its history was.
  if (input.status === "DELIVERED" || input.status === "EXPIRED") return fallback("terminal status");
  const interval = meanChangeIntervalSeconds(input.changeHistory, input.now);
  if (interval === undefined) return fallback("too little history");
  // Half the mean interval: on average an entry is refreshed at least once between two changes.
  const half = Math.round(interval / 2);
  const ttlSeconds = Math.min(ADAPTIVE_MAX_TTL_SECONDS, Math.max(ADAPTIVE_MIN_TTL_SECONDS, half));
  const clamp = ttlSeconds === half ? "" : ttlSeconds > half ? ", raised to the minimum" : ", cut to the maximum";
  return { ttlSeconds, reason: `ADAPTIVE: half the mean change interval of ${Math.round(interval)} s${clamp}` };
}

/** Mean seconds between changes, or undefined when the history cannot support an estimate. */
export function meanChangeIntervalSeconds(history: ChangeHistory | undefined, now: Date): number | undefined {
  if (history === undefined) return undefined;
  if ("changeTimes" in history) {
    const nowMs = now.getTime();
    // Future times are clock skew, duplicates are one change reported twice; neither says anything about the pace.
    const times = [...new Set(history.changeTimes.map((t) => t.getTime()))]
      .filter((t) => Number.isFinite(t) && t <= nowMs)
      .sort((a, b) => a - b)
      .slice(-ADAPTIVE_RECENT_CHANGES);
    if (times.length < ADAPTIVE_MIN_CHANGES) return undefined;
    const first = times[0] as number;
    const last = times[times.length - 1] as number;
    return (last - first) / 1000 / (times.length - 1);
  }
  const { observedChanges, windowSeconds } = history;
  if (!Number.isFinite(observedChanges) || !Number.isFinite(windowSeconds) || windowSeconds <= 0) return undefined;
  // n changes in a window give n intervals when the window starts at a change; fewer than two is not a pace.
  if (observedChanges < ADAPTIVE_MIN_CHANGES - 1) return undefined;
  return windowSeconds / observedChanges;
}
