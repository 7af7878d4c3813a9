// Per-item outcomes of the per-number endpoints (reference §1.3, §2). Pure: no I/O.
// The reason is decided from `error.code` only, never from the message (§8.13).

import { Track17Error } from "./error-codes.js";
import type { RegisterAccepted, RegisterItem } from "./wire.js";

export type RejectionReason =
  | "already_registered"
  | "not_registered"
  | "carrier_undetectable"
  | "carrier_incorrect"
  | "carrier_unavailable"
  | "quota_exhausted"
  | "daily_limit"
  | "invalid_format"
  | "data_missing"
  | "invalid_value"
  | "final_carrier_postal_only"
  | "param_required"
  | "retrack_only_stopped"
  | "retrack_once"
  | "stop_only_tracking"
  | "no_tracking_info"
  | "change_multiple_carriers"
  | "change_carrier_new_invalid"
  | "change_same_carrier"
  | "change_new_missing"
  | "change_not_registered_for_old"
  | "change_stopped"
  | "change_limit"
  | "change_no_result_yet"
  | "change_would_duplicate"
  | "update_not_unique"
  | "change_nothing_valid"
  | "webhook_not_set"
  | "push_failed"
  /** Sent, but present in neither `accepted` nor `rejected` of the answer. */
  | "missing_from_response"
  | "unknown";

const E = Track17Error;
const REASONS: ReadonlyMap<number, RejectionReason> = new Map<number, RejectionReason>([
  [E.AlreadyRegistered, "already_registered"],
  [E.NotRegistered, "not_registered"],
  [E.CarrierUndetectable, "carrier_undetectable"],
  [E.CarrierCodeIncorrect, "carrier_incorrect"],
  [E.CarrierUnavailable, "carrier_unavailable"],
  [E.QuotaExhausted, "quota_exhausted"],
  [E.DailyLimitExceeded, "daily_limit"],
  [E.FormatInvalid, "invalid_format"],
  [E.DataMissing, "data_missing"],
  [E.DataValueInvalid, "invalid_value"],
  [E.FieldValueInvalid, "invalid_value"],
  [E.FinalCarrierPostalOnly, "final_carrier_postal_only"],
  [E.CountryPostalRequired, "param_required"],
  [E.PostalRequired, "param_required"],
  [E.PhoneRequired, "param_required"],
  [E.ExtraInfoRequired, "param_required"],
  [E.RetrackOnlyStopped, "retrack_only_stopped"],
  [E.RetrackOnce, "retrack_once"],
  [E.StopOnlyTracking, "stop_only_tracking"],
  [E.NoTrackingInfo, "no_tracking_info"],
  [E.ChangeMultipleCarriers, "change_multiple_carriers"],
  [E.ChangeCarrierNewInvalid, "change_carrier_new_invalid"],
  [E.ChangeSameCarrier, "change_same_carrier"],
  [E.ChangeNewMissing, "change_new_missing"],
  [E.ChangeNotRegisteredForOld, "change_not_registered_for_old"],
  [E.ChangeStopped, "change_stopped"],
  [E.ChangeLimitExceeded, "change_limit"],
  [E.ChangeNoResultYet, "change_no_result_yet"],
  [E.ChangeWouldDuplicate, "change_would_duplicate"],
  [E.UpdateNotUnique, "update_not_unique"],
  [E.ChangeNothingValid, "change_nothing_valid"],
  [E.WebhookNotSet, "webhook_not_set"],
  [E.PushFailed, "push_failed"],
]);

export function rejectionReason(code: number): RejectionReason {
  return REASONS.get(code) ?? "unknown";
}

export interface RejectedOutcome {
  number: string;
  carrier?: number;
  tag?: string;
  code: number;
  message: string;
  reason: RejectionReason;
}

/** A register result: newly accepted, or already registered (-18019901 is success, reference §8.4). */
export interface RegisterOutcome {
  number: string;
  carrier: number | null;
  origin: number | null;
  tag: string | null;
  email: string | null;
  lang: string | null;
  alreadyRegistered: boolean;
}

export interface ItemSplit {
  accepted: unknown[];
  rejected: RejectedOutcome[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Carrier keys are ints on the wire, but some clients saw them echoed as strings (§1.3 Rejected). */
export function toCarrier(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function toStr(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Normalise one `rejected[]` entry; anything missing becomes a harmless default instead of a crash (§8.10). */
export function toRejectedOutcome(raw: unknown): RejectedOutcome {
  const r = isRecord(raw) ? raw : {};
  const err = isRecord(r.error) ? r.error : {};
  const code = typeof err.code === "number" ? err.code : Number(err.code);
  const safeCode = Number.isFinite(code) ? code : 0;
  const out: RejectedOutcome = {
    number: toStr(r.number) ?? "",
    code: safeCode,
    message: toStr(err.message) ?? "",
    reason: rejectionReason(safeCode),
  };
  const carrier = toCarrier(r.carrier);
  if (carrier !== undefined) out.carrier = carrier;
  const tag = toStr(r.tag);
  if (tag !== undefined) out.tag = tag;
  return out;
}

/** Numbers are compared loosely: 17TRACK may echo them upper-cased or without spaces. */
export function numberKey(n: string): string {
  return n.replace(/\s+/g, "").toUpperCase();
}

/**
 * Split `data.accepted` / `data.rejected` of one batch, and report every sent number that appears in
 * neither list, so a caller that iterates its own numbers never loses one silently.
 */
export function splitItems(data: unknown, sentNumbers: readonly string[]): ItemSplit {
  const d = isRecord(data) ? data : {};
  const accepted = Array.isArray(d.accepted) ? d.accepted.filter(isRecord) : [];
  const rejected = Array.isArray(d.rejected) ? d.rejected.map(toRejectedOutcome) : [];
  const seen = new Set<string>();
  for (const a of accepted) {
    const n = toStr(a.number);
    if (n !== undefined) seen.add(numberKey(n));
  }
  for (const r of rejected) seen.add(numberKey(r.number));
  for (const n of sentNumbers) {
    if (seen.has(numberKey(n))) continue;
    seen.add(numberKey(n));
    rejected.push({
      number: n,
      code: 0,
      message: "The number is missing from 17TRACK's answer.",
      reason: "missing_from_response",
    });
  }
  return { accepted, rejected };
}

/**
 * Register semantics on top of `splitItems`: -18019901 moves to `accepted` with `alreadyRegistered: true`
 * (reference §8.4; it costs no quota, §1.4). Its carrier comes from the rejected entry, else from what we sent.
 */
export function toRegisterOutcomes(
  split: ItemSplit,
  sent: readonly RegisterItem[],
): { accepted: RegisterOutcome[]; rejected: RejectedOutcome[] } {
  const sentByNumber = new Map(sent.map((i) => [numberKey(i.number), i]));
  const accepted: RegisterOutcome[] = split.accepted.map((raw) => {
    const a = raw as Partial<Record<keyof RegisterAccepted, unknown>>;
    return {
      number: toStr(a.number) ?? "",
      carrier: toCarrier(a.carrier) ?? null,
      origin: typeof a.origin === "number" ? a.origin : null,
      tag: toStr(a.tag) ?? null,
      email: toStr(a.email) ?? null,
      lang: toStr(a.lang) ?? null,
      alreadyRegistered: false,
    };
  });
  const rejected: RejectedOutcome[] = [];
  for (const r of split.rejected) {
    if (r.reason !== "already_registered") {
      rejected.push(r);
      continue;
    }
    const mine = sentByNumber.get(numberKey(r.number));
    accepted.push({
      number: r.number,
      carrier: r.carrier ?? mine?.carrier ?? null,
      origin: null,
      tag: r.tag ?? mine?.tag ?? null,
      email: mine?.email ?? null,
      lang: mine?.lang ?? null,
      alreadyRegistered: true,
    });
  }
  return { accepted, rejected };
}
