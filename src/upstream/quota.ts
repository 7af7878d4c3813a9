// Quota bookkeeping (reference §1.4, §2.6, §8.5). Pure: no I/O, no clock.
// 1 quota unit per newly registered (number, carrier); rejected items and -18019901 cost nothing.

import { Track17Error } from "./error-codes.js";
import type { RegisterOutcome, RejectedOutcome } from "./outcomes.js";
import type { Quota } from "./wire.js";

function num(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

/** Lenient: every counter may be missing, null or a numeric string. */
export function parseQuota(data: unknown): Quota {
  const d = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  return {
    quota_total: num(d.quota_total),
    quota_used: num(d.quota_used),
    quota_remain: num(d.quota_remain),
    today_used: num(d.today_used),
    max_track_daily: num(d.max_track_daily),
    free_email_quota: num(d.free_email_quota),
    free_email_quotaused: num(d.free_email_quotaused),
  };
}

export interface QuotaState {
  quota: Quota | null;
  /** Set by a -18019907 answer; getquota's counters may lag behind, so this wins until the next refresh. */
  dailyLimitHit: boolean;
}

export type QuotaVerdict =
  | { ok: true }
  | { ok: false; quotaRemain: number | null; todayUsed: number | null; dailyCap: number | null };

/**
 * Refuse only when registering is certain to fail: nothing left, or the daily cap reached
 * (`max_track_daily` 0 = no cap, §2.6). With an unknown quota we let the call through: 17TRACK will
 * answer per item and we learn from that.
 */
export function quotaVerdict(state: QuotaState): QuotaVerdict {
  const q = state.quota;
  const capReached = state.dailyLimitHit || (q !== null && q.max_track_daily > 0 && q.today_used >= q.max_track_daily);
  if (capReached || (q !== null && q.quota_remain <= 0)) {
    return {
      ok: false,
      quotaRemain: q?.quota_remain ?? null,
      todayUsed: q?.today_used ?? null,
      dailyCap: q?.max_track_daily ?? null,
    };
  }
  return { ok: true };
}

/** Account for a register answer until the next getquota refresh. */
export function applyRegisterResult(
  state: QuotaState,
  result: { accepted: readonly RegisterOutcome[]; rejected: readonly RejectedOutcome[] },
): QuotaState {
  const charged = result.accepted.filter((a) => !a.alreadyRegistered).length;
  const exhausted = result.rejected.some((r) => r.code === Track17Error.QuotaExhausted);
  const dailyLimitHit = state.dailyLimitHit || result.rejected.some((r) => r.code === Track17Error.DailyLimitExceeded);
  if (!state.quota) {
    if (!exhausted) return { quota: null, dailyLimitHit };
    // We never saw getquota, but 17TRACK told us the essential figure.
    const zero = parseQuota({});
    return { quota: zero, dailyLimitHit };
  }
  const q = state.quota;
  return {
    quota: {
      ...q,
      quota_used: q.quota_used + charged,
      quota_remain: exhausted ? 0 : Math.max(0, q.quota_remain - charged),
      today_used: q.today_used + charged,
    },
    dailyLimitHit,
  };
}

/** A request-level -18019907/-18019908 (one client reports them there, §3) teaches the same lesson. */
export function applyRegisterErrorCode(state: QuotaState, code: number | null): QuotaState {
  if (code === Track17Error.QuotaExhausted) {
    return { ...state, quota: { ...(state.quota ?? parseQuota({})), quota_remain: 0 } };
  }
  if (code === Track17Error.DailyLimitExceeded) return { ...state, dailyLimitHit: true };
  return state;
}
