// When a shipment is synced next (PRD §3.4.4): skip delivered packages after 7 days, reduce the frequency of stale
// numbers, stop where 17TRACK stopped (expired / stopped) and past the rule's max age, and keep to the rule's active
// time windows. Pure: `now` is passed in.
import type { Status } from "../tracking/status.js";
import type { ScheduleRule } from "./schedule-rule.js";
import { nextAllowedTime } from "./time-windows.js";

export interface SyncState {
  status: Status;
  isDelivered: boolean;
  isException: boolean;
  isExpired: boolean;
  /** 17TRACK stopped tracking the number (TRACKING_STOPPED push or its 30-day / expiry auto-stop). */
  trackingStopped: boolean;
  createdAt: Date;
  /** When it was delivered; falls back to the latest event when the carrier gave no delivery time. */
  deliveredAt: Date | null;
  /** The newest event we hold: what "no change" is measured from. */
  latestEventAt: Date | null;
  lastSyncedAt: Date | null;
}

export type StopReason = "STOPPED_UPSTREAM" | "EXPIRED" | "MAX_AGE" | "DELIVERED" | "EXCEPTION";

export type SyncPlan =
  | { nextSyncAt: Date; intervalMinutes: number; stop: null }
  | { nextSyncAt: null; intervalMinutes: null; stop: StopReason };

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

/** PRD §3.4.4 "skip delivered packages after 7 days". */
export const DELIVERED_GRACE_DAYS = 7;

/**
 * PRD §3.4.4 "reduce frequency for stale tracking numbers": the interval doubles at 3, 7 and 14 days without a new
 * event (×2, ×4, ×8), but never beyond a day unless the rule itself asks for more.
 */
export function stalenessMultiplier(daysWithoutChange: number): number {
  if (daysWithoutChange >= 14) return 8;
  if (daysWithoutChange >= 7) return 4;
  if (daysWithoutChange >= 3) return 2;
  return 1;
}

export function effectiveIntervalMinutes(rule: ScheduleRule, state: SyncState, now: Date): number {
  const since = state.latestEventAt ?? state.createdAt;
  const days = Math.max(0, (now.getTime() - since.getTime()) / DAY_MS);
  const stretched = rule.syncIntervalMinutes * stalenessMultiplier(days);
  return Math.max(rule.syncIntervalMinutes, Math.min(stretched, 24 * 60));
}

const stop = (reason: StopReason): SyncPlan => ({ nextSyncAt: null, intervalMinutes: null, stop: reason });

/** The next sync after one finished (or after a rule change): `lastSyncedAt + interval`, never before `now`. */
export function planNextSync(rule: ScheduleRule, state: SyncState, now: Date): SyncPlan {
  if (state.trackingStopped) return stop("STOPPED_UPSTREAM");
  if (state.isExpired || state.status === "EXPIRED") return stop("EXPIRED");
  const maxAgeEnd = rule.maxAgeDays === null ? null : state.createdAt.getTime() + rule.maxAgeDays * DAY_MS;
  if (maxAgeEnd !== null && now.getTime() >= maxAgeEnd) return stop("MAX_AGE");
  if (state.isException && rule.stopOnException) return stop("EXCEPTION");

  const intervalMinutes = effectiveIntervalMinutes(rule, state, now);
  const base = state.lastSyncedAt ?? now;
  let next = Math.max(base.getTime() + intervalMinutes * MINUTE_MS, now.getTime());
  next = nextAllowedTime(rule.activeTimeWindows, new Date(next)).getTime();

  const delivered = state.isDelivered || state.status === "DELIVERED";
  if (delivered && rule.stopOnDelivered) {
    const deliveredAt = state.deliveredAt ?? state.latestEventAt ?? state.lastSyncedAt ?? now;
    // Late events (returns, corrections) still arrive within the grace window; past it nothing more is expected.
    if (next >= deliveredAt.getTime() + DELIVERED_GRACE_DAYS * DAY_MS) return stop("DELIVERED");
  }
  if (maxAgeEnd !== null && next >= maxAgeEnd) return stop("MAX_AGE");
  return { nextSyncAt: new Date(next), intervalMinutes, stop: null };
}

/** When a failed sync is retried: after the backoff delay, kept inside the rule's windows. */
export function planRetry(rule: ScheduleRule, delayMs: number, now: Date): Date {
  return nextAllowedTime(rule.activeTimeWindows, new Date(now.getTime() + delayMs));
}
