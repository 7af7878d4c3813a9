// The free-form registration fields shared by `register` and `changeinfo` (§2.1, §2.3).
import { Track17Error } from "../../upstream/error-codes.js";
import type { ItemError } from "../../upstream/wire.js";
import { parseLooseDate } from "../time-format.js";

export interface InfoFields {
  tag?: string | null;
  param?: string | null;
  orderNo?: string | null;
  orderTime?: number | null;
  lang?: string | null;
  email?: string | null;
  remark?: string | null;
}

/** Length caps reported by a v2.4 schema (tag 100, remark 1000, §2.1); the rest are generous guesses. */
const FIELDS: readonly { wire: string; key: keyof InfoFields; max: number }[] = [
  { wire: "tag", key: "tag", max: 100 },
  { wire: "param", key: "param", max: 100 },
  { wire: "order_no", key: "orderNo", max: 100 },
  { wire: "lang", key: "lang", max: 10 },
  { wire: "email", key: "email", max: 200 },
  { wire: "remark", key: "remark", max: 1000 },
];

function invalid(field: string, value: unknown): { error: ItemError } {
  return {
    error: {
      code: Track17Error.FieldValueInvalid,
      message: `The value '${String(value)}' of the field '${field}' is invalid.`,
    },
  };
}

/**
 * Reads the known fields present in `source`; a field set to null clears it. Returns the fields
 * and how many were present, or a -18010015 error for the first bad value.
 */
export function checkInfoFields(
  source: Record<string, unknown>,
): { value: InfoFields; present: number } | { error: ItemError } {
  const value: InfoFields = {};
  let present = 0;
  for (const f of FIELDS) {
    const v = source[f.wire];
    if (v === undefined) continue;
    if (v !== null && (typeof v !== "string" || v.length > f.max)) return invalid(f.wire, v);
    (value as Record<string, unknown>)[f.key] = v === "" ? null : v;
    present++;
  }
  const orderTime = source.order_time;
  if (orderTime !== undefined) {
    if (orderTime === null || orderTime === "") value.orderTime = null;
    else {
      const ms = typeof orderTime === "string" ? parseLooseDate(orderTime) : null;
      if (ms === null) return invalid("order_time", orderTime);
      value.orderTime = ms;
    }
    present++;
  }
  if (typeof value.email === "string" && !/^[^@\s]+@[^@\s]+$/.test(value.email)) return invalid("email", value.email);
  return { value, present };
}
