import { Track17Error } from "./error-codes.js";

// Typed failures of a 17TRACK call. Callers branch on the class (and `retryable`), never on the message:
// 17TRACK's own messages differ between doc versions (reference §8.13).

import type { RejectedOutcome } from "./outcomes.js";

export interface Track17ErrorInit {
  endpoint: string;
  httpStatus: number | null;
  code: number | null;
  message: string;
  cause?: unknown;
}

/** Results of the batches that completed before a multi-batch call failed (see client.ts). */
export interface PartialBatchResult {
  accepted: unknown[];
  rejected: RejectedOutcome[];
}

export abstract class Track17ClientError extends Error {
  readonly endpoint: string;
  readonly httpStatus: number | null;
  readonly code: number | null;
  abstract readonly retryable: boolean;
  /** Set when an earlier batch of the same call already succeeded (register batches cost quota). */
  partial?: PartialBatchResult;

  constructor(init: Track17ErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.endpoint = init.endpoint;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
  }
}

/** HTTP 401, or one of -18010001/2/4/5 in the body (§1.2, §1.3: a bad key may come as HTTP 200). Never retried. */
export class Track17AuthError extends Track17ClientError {
  readonly retryable = false;
}

/** HTTP 429: over 17TRACK's 3 req/s (§1.1). The request was not processed, so it is always safe to retry. */
export class Track17RateLimitedError extends Track17ClientError {
  readonly retryable = true;
}

export type UnavailableReason = "http" | "upstream_internal" | "network" | "timeout" | "circuit_open" | "limiter";

export interface Track17UnavailableInit extends Track17ErrorInit {
  reason: UnavailableReason;
  /** True when 17TRACK certainly did not act on the request (503, connection refused, limiter): replay is safe. */
  notProcessed?: boolean;
}

/** 5xx, -18010003, network failure, timeout, open circuit or an unusable limiter: try again later. */
export class Track17UnavailableError extends Track17ClientError {
  readonly retryable = true;
  readonly reason: UnavailableReason;
  readonly circuitOpen: boolean;
  readonly notProcessed: boolean;

  constructor(init: Track17UnavailableInit) {
    super(init);
    this.reason = init.reason;
    this.circuitOpen = init.reason === "circuit_open";
    this.notProcessed = init.notProcessed ?? false;
  }
}

/** The call itself was refused (`code != 0` or `data.errors`, e.g. -18010013, -18010014, or a 4xx). Not retried. */
export class Track17RequestError extends Track17ClientError {
  readonly retryable = false;
}

/** The body was not the JSON envelope of §1.3. Not retried (a replay would most likely get the same answer). */
export class Track17ProtocolError extends Track17ClientError {
  readonly retryable = false;
}

export interface Track17QuotaExhaustedInit {
  /** null when unknown (no getquota answer yet). */
  quotaRemain: number | null;
  todayUsed: number | null;
  /** 0 means the account has no daily cap (§2.6); null when unknown. */
  dailyCap: number | null;
  requested: number;
}

const show = (n: number | null) => (n === null ? "unknown" : String(n));

/** Raised locally by the quota guard so we stop sending registrations 17TRACK would reject (§1.4, §8.5). */
export class Track17QuotaExhaustedError extends Track17ClientError {
  readonly retryable = false;
  readonly quotaRemain: number | null;
  readonly todayUsed: number | null;
  readonly dailyCap: number | null;
  readonly requested: number;

  constructor(init: Track17QuotaExhaustedInit) {
    const quotaGone = init.quotaRemain !== null && init.quotaRemain <= 0;
    const why = quotaGone
      ? "17TRACK registration quota exhausted"
      : `17TRACK daily registration cap reached (${show(init.todayUsed)} used today)`;
    const cap = init.dailyCap === 0 ? "none" : show(init.dailyCap);
    super({
      endpoint: "register",
      httpStatus: null,
      // The code 17TRACK itself would have answered with, so callers can treat both the same way.
      code: quotaGone ? Track17Error.QuotaExhausted : Track17Error.DailyLimitExceeded,
      message: `${why}: quota remaining ${show(init.quotaRemain)}, daily cap ${cap}; refused to register ${init.requested} number(s)`,
    });
    this.quotaRemain = init.quotaRemain;
    this.todayUsed = init.todayUsed;
    this.dailyCap = init.dailyCap;
    this.requested = init.requested;
  }
}

export function isTrack17ClientError(err: unknown): err is Track17ClientError {
  return err instanceof Track17ClientError;
}
