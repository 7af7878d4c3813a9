// Turns one HTTP answer of 17TRACK into either the envelope's `data` or a typed error. Pure: no I/O.
// Rules: HTTP status first (§1.2), then the §1.3 client rule "failed if code != 0 OR data.errors present".

import { Track17Error, track17Message } from "./error-codes.js";
import {
  Track17AuthError,
  type Track17ClientError,
  Track17ProtocolError,
  Track17RateLimitedError,
  Track17RequestError,
  Track17UnavailableError,
} from "./errors.js";

export interface PageInfo {
  data_total: number;
  page_total: number;
  page_no: number;
  page_size: number;
}

export type Interpreted =
  | { ok: true; body: Record<string, unknown>; data: unknown; page: PageInfo | null }
  | { ok: false; body: unknown; error: Track17ClientError };

export interface HttpAnswer {
  endpoint: string;
  httpStatus: number;
  bodyText: string;
}

/** §3: key / IP / account problems. They may arrive as HTTP 401 or as HTTP 200 with the code (§1.2 caveat). */
const AUTH_CODES: ReadonlySet<number> = new Set([
  Track17Error.IpNotWhitelisted,
  Track17Error.InvalidKey,
  Track17Error.AccountDisabled,
  Track17Error.Unauthorized,
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toNum(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The first request-level error: `data.errors[0]`, else a non-zero top-level `code`. */
export function requestLevelError(body: unknown): { code: number; message: string } | null {
  if (!isRecord(body)) return null;
  const data = isRecord(body.data) ? body.data : null;
  const errors = data && Array.isArray(data.errors) ? data.errors : null;
  const topCode = toNum(body.code);
  if (errors) {
    const first = isRecord(errors[0]) ? errors[0] : {};
    // Sources disagree whether `code` is 0 or the error code in this shape (§1.3): prefer the specific one.
    const code = toNum(first.code) ?? (topCode !== null && topCode !== 0 ? topCode : Track17Error.SubmittedDataInvalid);
    const message = typeof first.message === "string" ? first.message : track17Message(code);
    return { code, message };
  }
  if (topCode !== null && topCode !== 0) {
    const message = typeof body.message === "string" ? body.message : track17Message(topCode);
    return { code: topCode, message };
  }
  return null;
}

function toPage(v: unknown): PageInfo | null {
  if (!isRecord(v)) return null;
  return {
    data_total: toNum(v.data_total) ?? 0,
    page_total: toNum(v.page_total) ?? 0,
    page_no: toNum(v.page_no) ?? 0,
    page_size: toNum(v.page_size) ?? 0,
  };
}

export function interpretResponse({ endpoint, httpStatus, bodyText }: HttpAnswer): Interpreted {
  const parsed = parseJson(bodyText);
  const body: unknown = parsed.ok ? parsed.value : bodyText;
  const reqErr = parsed.ok ? requestLevelError(parsed.value) : null;
  const base = { endpoint, httpStatus };

  if (httpStatus === 401 || httpStatus === 403) {
    const code = reqErr && AUTH_CODES.has(reqErr.code) ? reqErr.code : null;
    const message = reqErr?.message ?? `17TRACK refused the API key or this IP (HTTP ${httpStatus})`;
    return { ok: false, body, error: new Track17AuthError({ ...base, code, message }) };
  }
  if (httpStatus === 429) {
    const message = "17TRACK rate limit exceeded (HTTP 429, limit 3 req/s)";
    return { ok: false, body, error: new Track17RateLimitedError({ ...base, code: reqErr?.code ?? null, message }) };
  }
  if (httpStatus >= 500) {
    const error = new Track17UnavailableError({
      ...base,
      code: reqErr?.code ?? null,
      message: `17TRACK is unavailable (HTTP ${httpStatus})`,
      reason: "http",
      // 503 means the service did not take the request in; a 500 may have happened half-way.
      notProcessed: httpStatus === 503,
    });
    return { ok: false, body, error };
  }
  if (httpStatus < 200 || httpStatus >= 300) {
    const message = reqErr?.message ?? `17TRACK answered HTTP ${httpStatus}`;
    return { ok: false, body, error: new Track17RequestError({ ...base, code: reqErr?.code ?? null, message }) };
  }
  if (!parsed.ok || !isRecord(parsed.value)) {
    const message = `17TRACK answered HTTP ${httpStatus} with a body that is not a JSON envelope`;
    return { ok: false, body, error: new Track17ProtocolError({ ...base, code: null, message }) };
  }
  const envelope = parsed.value;
  if (toNum(envelope.code) === null) {
    const message = "17TRACK envelope has no numeric `code`";
    return { ok: false, body, error: new Track17ProtocolError({ ...base, code: null, message }) };
  }
  if (reqErr) {
    const init = { ...base, code: reqErr.code, message: reqErr.message };
    if (AUTH_CODES.has(reqErr.code)) return { ok: false, body, error: new Track17AuthError(init) };
    if (reqErr.code === Track17Error.InternalError) {
      // §3: "Internal service error, please try again later" is a transient upstream fault.
      return { ok: false, body, error: new Track17UnavailableError({ ...init, reason: "upstream_internal" }) };
    }
    return { ok: false, body, error: new Track17RequestError(init) };
  }
  return { ok: true, body: envelope, data: envelope.data ?? null, page: toPage(envelope.page) };
}
