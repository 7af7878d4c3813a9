// One audit record per HTTP attempt to 17TRACK (PRD §2.1.7 api_audit_log). The Postgres sink lives with
// the store; this file only defines the contract and the fire-and-forget call.

import type { UpstreamLogger } from "./logger.js";

export type OperationStatus = "SUCCESS" | "FAILURE" | "PARTIAL";

export interface ExternalCallAudit {
  /** e.g. "17track:gettrackinfo" */
  endpoint: string;
  /** Full URL called. The API key is a header and never part of the record. */
  apiEndpoint: string;
  requestPayload: unknown;
  responseStatusCode: number | null;
  /** Parsed JSON when possible, else the (truncated) text. */
  responseBody: unknown;
  responseTimeMs: number;
  /** PARTIAL = some items rejected (an already-registered number is not a rejection, reference §8.4). */
  operationStatus: OperationStatus;
  errorCode: string | null;
  errorMessage: string | null;
  trackingNumbers: string[];
}

export interface AuditSink {
  record(entry: ExternalCallAudit): void | Promise<void>;
}

/** Never lets a failing sink (sync throw or rejected promise) fail or delay the call being audited. */
export function recordSafely(sink: AuditSink | undefined, entry: ExternalCallAudit, logger: UpstreamLogger): void {
  if (!sink) return;
  const onError = (err: unknown) => logger.warn({ err, endpoint: entry.endpoint }, "17track audit sink failed");
  try {
    const r = sink.record(entry);
    if (r && typeof (r as Promise<void>).then === "function") (r as Promise<void>).then(undefined, onError);
  } catch (err) {
    onError(err);
  }
}
