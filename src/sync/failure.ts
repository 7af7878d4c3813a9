// What a failed 17TRACK call means for the shipments in its batch (PRD §3.4.3): a 429, an open circuit or an
// unusable limiter says nothing about the shipments, so their batch is only delayed; anything else is a failed
// attempt that goes through the rule's retry curve.
import { isTrack17ClientError, Track17RateLimitedError, Track17UnavailableError } from "../upstream/errors.js";

export type BatchFailure =
  | { kind: "delay"; delayMs: number; code: string; message: string }
  | { kind: "fail"; code: string; message: string; details: Record<string, unknown> };

export interface DelayPolicy {
  rateLimitedMs: number;
  circuitOpenMs: number;
  limiterMs: number;
}

export const DEFAULT_DELAYS: DelayPolicy = { rateLimitedMs: 30_000, circuitOpenMs: 30_000, limiterMs: 10_000 };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function classifyBatchError(err: unknown, delays: DelayPolicy = DEFAULT_DELAYS): BatchFailure {
  if (err instanceof Track17RateLimitedError) {
    return { kind: "delay", delayMs: delays.rateLimitedMs, code: "RATE_LIMITED", message: messageOf(err) };
  }
  if (err instanceof Track17UnavailableError && err.circuitOpen) {
    return { kind: "delay", delayMs: delays.circuitOpenMs, code: "CIRCUIT_OPEN", message: messageOf(err) };
  }
  if (err instanceof Track17UnavailableError && err.reason === "limiter") {
    return { kind: "delay", delayMs: delays.limiterMs, code: "LIMITER_UNAVAILABLE", message: messageOf(err) };
  }
  if (err instanceof Track17UnavailableError) {
    return {
      kind: "fail",
      code: "UPSTREAM_UNAVAILABLE",
      message: messageOf(err),
      details: { reason: err.reason, httpStatus: err.httpStatus, upstreamCode: err.code },
    };
  }
  if (isTrack17ClientError(err)) {
    return {
      kind: "fail",
      code: err.code !== null ? String(err.code) : err.name,
      message: messageOf(err),
      details: { error: err.name, httpStatus: err.httpStatus },
    };
  }
  return { kind: "fail", code: "INTERNAL", message: messageOf(err), details: {} };
}
