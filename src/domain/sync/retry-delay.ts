// How long to wait before retrying a failed sync (PRD §2.1.8 retry_strategy, §3.4.3 exponential backoff). Pure.

export const RETRY_STRATEGIES = ["EXPONENTIAL", "FIXED", "LINEAR"] as const;
export type RetryStrategy = (typeof RETRY_STRATEGIES)[number];

export interface RetryDelayInput {
  strategy: RetryStrategy;
  initialDelayMs: number;
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** Upper bound; default 24 h so a long curve never parks a shipment for days. */
  maxDelayMs?: number;
  /** Spread as a fraction of the delay (0.1 = ±10 %), so records that failed together do not retry together. */
  jitter?: number;
  /** Source of randomness in [0, 1); injected so tests are exact. */
  random?: () => number;
}

export const DEFAULT_MAX_RETRY_DELAY_MS = 24 * 60 * 60 * 1000;

export function isRetryStrategy(value: unknown): value is RetryStrategy {
  return typeof value === "string" && (RETRY_STRATEGIES as readonly string[]).includes(value);
}

/** EXPONENTIAL: initial × 2^(attempt-1); FIXED: initial; LINEAR: initial × attempt (the proto documents the same). */
export function retryDelayMs(input: RetryDelayInput): number {
  const attempt = Math.max(1, Math.floor(input.attempt));
  const initial = Math.max(0, input.initialDelayMs);
  const cap = input.maxDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  let delay: number;
  switch (input.strategy) {
    case "FIXED":
      delay = initial;
      break;
    case "LINEAR":
      delay = initial * attempt;
      break;
    default:
      // 2^(attempt-1) overflows to Infinity long after the cap, so Math.min keeps it finite.
      delay = initial * 2 ** (attempt - 1);
  }
  delay = Math.min(delay, cap);
  const jitter = Math.min(Math.max(input.jitter ?? 0, 0), 1);
  if (jitter > 0) {
    const r = (input.random ?? Math.random)();
    delay = delay * (1 - jitter + 2 * jitter * r);
  }
  return Math.round(Math.min(delay, cap));
}
