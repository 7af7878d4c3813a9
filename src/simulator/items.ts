// Request-body validation shared by the per-number endpoints (§1.1: a JSON array of 1–40 objects).
import { Track17Error } from "../upstream/error-codes.js";
import { MAX_ITEMS_PER_CALL } from "../upstream/wire.js";
import type { Registration, RegistrationStore } from "./store.js";

export type RawItem = Record<string, unknown>;

/** Either the items or the request-level error code (-18010013 shape, -18010014 count). */
export function parseItemArray(body: unknown): { items: RawItem[] } | { error: number } {
  if (!Array.isArray(body) || body.length === 0) return { error: Track17Error.SubmittedDataInvalid };
  if (body.length > MAX_ITEMS_PER_CALL) return { error: Track17Error.TooManyNumbers };
  if (!body.every((x) => typeof x === "object" && x !== null && !Array.isArray(x))) {
    return { error: Track17Error.SubmittedDataInvalid };
  }
  return { items: body as RawItem[] };
}

/** §2.1: 5–50 letters/digits; some sources allow hyphens, so they are accepted too. */
const NUMBER_FORMAT = /^(?=.*[A-Za-z0-9])[A-Za-z0-9-]{5,50}$/;

export function echoNumber(item: RawItem): string {
  const n = item.number;
  return typeof n === "string" ? n : n === undefined || n === null ? "" : String(n);
}

/** null when valid, else the item error code and its message argument. */
export function checkNumber(item: RawItem): { code: number; arg: string } | null {
  const n = item.number;
  if (n === undefined || n === null || n === "") return { code: Track17Error.DataMissing, arg: "number" };
  if (typeof n !== "string" || !NUMBER_FORMAT.test(n)) return { code: Track17Error.FormatInvalid, arg: String(n) };
  return null;
}

/** Carrier keys arrive as ints; numeric strings are tolerated. undefined = not given; NaN = not a key. */
export function carrierOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "" || value === 0) return undefined;
  if (typeof value === "number") return Number.isInteger(value) ? value : Number.NaN;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return Number.NaN;
}

/**
 * Finds the registrations an item targets: every registration of the number, narrowed by `carrier`
 * when given. Empty → -18019902 for the caller to report.
 */
export function targetsOf(store: RegistrationStore, item: RawItem): Registration[] {
  const number = item.number as string;
  const carrier = carrierOf(item.carrier);
  const regs = store.find(number);
  return carrier === undefined ? regs : regs.filter((r) => r.carrier === carrier);
}
