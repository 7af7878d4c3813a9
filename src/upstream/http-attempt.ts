// One HTTP attempt against 17TRACK: POST, read, interpret, audit. Retries, the breaker and the limiter
// wrap this from the outside (resilience.ts); nothing in here waits or loops.

import { type AuditSink, type OperationStatus, recordSafely } from "./audit.js";
import { interpretResponse, type PageInfo } from "./envelope.js";
import { Track17ProtocolError, Track17UnavailableError } from "./errors.js";
import type { UpstreamLogger } from "./logger.js";

export interface OkAnswer {
  body: Record<string, unknown>;
  data: unknown;
  page: PageInfo | null;
}

export interface Digest<T> {
  value: T;
  operationStatus: OperationStatus;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface AttemptInput<T> {
  endpoint: string;
  url: string;
  apiKey: string;
  payload: unknown;
  trackingNumbers: string[];
  signal: AbortSignal;
  fetchImpl: typeof fetch;
  audit: AuditSink | undefined;
  logger: UpstreamLogger;
  /** Turns a successful envelope into the caller's value and says how the audit should rate it. */
  digest(ok: OkAnswer): Digest<T>;
}

/** Connection-level failures where the request never reached 17TRACK, so a replay cannot double-apply it. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH"]);
const MAX_AUDIT_TEXT = 64 * 1024;

function errorCodeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
}

function auditBody(body: unknown): unknown {
  return typeof body === "string" && body.length > MAX_AUDIT_TEXT ? `${body.slice(0, MAX_AUDIT_TEXT)}…` : body;
}

export async function httpAttempt<T>(input: AttemptInput<T>): Promise<T> {
  const { endpoint, url, signal, logger } = input;
  const auditName = `17track:${endpoint}`;
  const started = performance.now();
  const audit = (
    status: number | null,
    body: unknown,
    operationStatus: OperationStatus,
    errorCode: string | null,
    errorMessage: string | null,
  ) =>
    recordSafely(
      input.audit,
      {
        endpoint: auditName,
        apiEndpoint: url,
        requestPayload: input.payload,
        responseStatusCode: status,
        responseBody: auditBody(body),
        responseTimeMs: Math.round(performance.now() - started),
        operationStatus,
        errorCode,
        errorMessage,
        trackingNumbers: input.trackingNumbers,
      },
      logger,
    );

  let status: number;
  let text: string;
  try {
    const res = await input.fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "17token": input.apiKey },
      body: JSON.stringify(input.payload),
      signal,
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const timedOut = signal.aborted;
    const sysCode = errorCodeOf(err);
    const error = new Track17UnavailableError({
      endpoint,
      httpStatus: null,
      code: null,
      message: timedOut
        ? `17TRACK did not answer ${endpoint} in time`
        : `network error calling 17TRACK ${endpoint}${sysCode ? ` (${sysCode})` : ""}`,
      reason: timedOut ? "timeout" : "network",
      notProcessed: !timedOut && sysCode !== undefined && NOT_SENT_CODES.has(sysCode),
      cause: err,
    });
    audit(null, null, "FAILURE", timedOut ? "TIMEOUT" : `NETWORK${sysCode ? `_${sysCode}` : ""}`, error.message);
    throw error;
  }

  const answer = interpretResponse({ endpoint, httpStatus: status, bodyText: text });
  if (!answer.ok) {
    const e = answer.error;
    const code =
      e.code !== null ? String(e.code) : e instanceof Track17ProtocolError ? "MALFORMED_RESPONSE" : `HTTP_${status}`;
    audit(status, answer.body, "FAILURE", code, e.message);
    throw e;
  }
  const digested = input.digest(answer);
  audit(status, answer.body, digested.operationStatus, digested.errorCode, digested.errorMessage);
  return digested.value;
}
