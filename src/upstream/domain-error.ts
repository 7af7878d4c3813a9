// Turns a failed 17TRACK call into the service's one error vocabulary (src/errors.ts), so an RPC that
// reached 17TRACK answers with a Connect code the caller can act on instead of a generic Internal.
// Everything else passes through untouched for the error interceptor to handle.
import { DomainError, type DomainErrorKind } from "../errors.js";
import { Track17Error } from "./error-codes.js";
import {
  isTrack17ClientError,
  Track17AuthError,
  type Track17ClientError,
  Track17ProtocolError,
  Track17QuotaExhaustedError,
  Track17RateLimitedError,
  Track17RequestError,
  Track17UnavailableError,
} from "./errors.js";

/** Request-level codes that describe the caller's own input (§3), not our integration. */
const CALLER_INPUT_CODES = new Set<number>([
  Track17Error.FormatInvalid,
  Track17Error.FieldValueInvalid,
  Track17Error.DataValueInvalid,
  Track17Error.DataMissing,
]);

function kindOf(err: Track17ClientError): DomainErrorKind {
  // Not the caller's to fix, and no retry helps until the quota is raised or the day turns (§1.4).
  if (err instanceof Track17QuotaExhaustedError) return "resource_exhausted";
  // Our API key or IP allow-list is wrong: an operator must fix the configuration; retrying will not help.
  if (err instanceof Track17AuthError) return "failed_precondition";
  // 429 / 5xx / timeouts / open circuit / garbage answers: 17TRACK may well answer later.
  if (err instanceof Track17RateLimitedError) return "unavailable";
  if (err instanceof Track17UnavailableError) return "unavailable";
  if (err instanceof Track17ProtocolError) return "unavailable";
  if (err instanceof Track17RequestError) {
    if (err.code !== null && CALLER_INPUT_CODES.has(err.code)) return "invalid_argument";
    if (err.code === Track17Error.DailyLimitExceeded || err.code === Track17Error.QuotaExhausted) {
      return "resource_exhausted";
    }
    return "failed_precondition";
  }
  return "unavailable";
}

export function track17ToDomainError(err: Track17ClientError): DomainError {
  const code = err.code === null ? "" : ` (17TRACK code ${err.code})`;
  return new DomainError(kindOf(err), `17TRACK ${err.endpoint}: ${err.message}${code}`, { cause: err });
}

/** A Track17ClientError becomes a DomainError; anything else is returned as it is. */
export function asDomainError(err: unknown): unknown {
  return isTrack17ClientError(err) ? track17ToDomainError(err) : err;
}
