// The §1.3 envelope: `code` 0 + per-item accepted/rejected, or a request-level failure in `data.errors`.
import { track17Message } from "../upstream/error-codes.js";
import type { Rejected } from "../upstream/wire.js";

export interface EndpointResult {
  status?: number;
  body: unknown;
}

export function itemsResult<A>(accepted: A[], rejected: Rejected[]): EndpointResult {
  return { body: { code: 0, data: { accepted, rejected } } };
}

/**
 * §1.3: sources disagree whether the top-level `code` of a request-level failure is the error code or 0;
 * "code" mode (default) sends the error code, "code0" sends 0. `data.errors` is present either way.
 */
export function requestErrorBody(mode: "code" | "code0", code: number, message = track17Message(code)): unknown {
  return { code: mode === "code" ? code : 0, data: { errors: [{ code, message }] } };
}

/** What the item echoed back in a rejection: the number, plus tag/carrier when the caller sent them (§1.3). */
export interface ItemEcho {
  number: string;
  tag?: unknown;
  carrier?: unknown;
}

export function rejectItem(item: ItemEcho, code: number, message: string): Rejected {
  const out: Rejected = { number: item.number, error: { code, message } };
  if (typeof item.tag === "string") out.tag = item.tag;
  if (typeof item.carrier === "number" || typeof item.carrier === "string") out.carrier = item.carrier;
  return out;
}

export function rejectCode(item: ItemEcho, code: number, arg = ""): Rejected {
  return rejectItem(item, code, track17Message(code, arg));
}
