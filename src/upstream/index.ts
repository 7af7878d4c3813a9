// Public API of the 17TRACK upstream: client, cluster-wide limiter, quota guard, typed errors, audit contract.

export type { AuditSink, ExternalCallAudit, OperationStatus } from "./audit.js";
export { chunk } from "./batching.js";
export {
  type BatchResult,
  createTrack17Client,
  DEFAULT_BREAKER,
  DEFAULT_RETRY,
  type QuotaResult,
  type Track17Client,
  type Track17ClientOptions,
  type TrackListResult,
} from "./client.js";
export { asDomainError, track17ToDomainError } from "./domain-error.js";
export { interpretResponse, type PageInfo } from "./envelope.js";
export * from "./error-codes.js";
export {
  isTrack17ClientError,
  type PartialBatchResult,
  Track17AuthError,
  Track17ClientError,
  Track17ProtocolError,
  Track17QuotaExhaustedError,
  Track17RateLimitedError,
  Track17RequestError,
  Track17UnavailableError,
  type UnavailableReason,
} from "./errors.js";
export {
  createTrack17Limiter,
  type LimiterUsage,
  limiterKeys,
  type Track17Limiter,
  type Track17LimiterOptions,
} from "./limiter.js";
export { type LimiterSettings, limiterSettings } from "./limiter-settings.js";
export type { UpstreamLogger } from "./logger.js";
export { createMemoryAuditSink, type MemoryAuditSink } from "./memory-audit-sink.js";
export { type RegisterOutcome, type RejectedOutcome, type RejectionReason, rejectionReason } from "./outcomes.js";
export { createQuotaGuard, type QuotaGuard, type QuotaGuardOptions, type QuotaSnapshot } from "./quota-guard.js";
export type { BreakerOptions, CircuitStateName, RetryOptions } from "./resilience.js";
export type * from "./wire.js";
export { ENDPOINTS, KEY_STAGES, MAIN_STATUSES, MAX_ITEMS_PER_CALL } from "./wire.js";
