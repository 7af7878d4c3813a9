// Retry, circuit breaker and timeout around every 17TRACK attempt (cockatiel), with the limiter inside:
//
//   retry ─▶ breaker ─▶ limiter.schedule ─▶ timeout ─▶ HTTP attempt
//
// - Every attempt, retries included, takes a limiter slot: the budget can never be bypassed.
// - The breaker sits outside the limiter so an open circuit fails at once without spending budget.
// - The timeout sits inside the limiter so time spent queueing for a slot is not counted against the call.

import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TimeoutStrategy,
  timeout,
} from "cockatiel";
import {
  isTrack17ClientError,
  Track17ProtocolError,
  Track17RateLimitedError,
  Track17UnavailableError,
} from "./errors.js";
import type { Track17Limiter } from "./limiter.js";
import type { UpstreamLogger } from "./logger.js";

export interface RetryOptions {
  /** Total attempts including the first one. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerOptions {
  /** Consecutive upstream failures (5xx, network, timeout, malformed answer) that open the circuit. */
  consecutiveFailures: number;
  /** How long the circuit stays open before one probe call is let through (half-open). */
  halfOpenAfterMs: number;
}

export interface ResilienceOptions {
  limiter: Track17Limiter;
  timeoutMs: number;
  retry: RetryOptions;
  breaker: BreakerOptions;
  logger: UpstreamLogger;
}

export type CircuitStateName = "closed" | "open" | "half_open" | "isolated";

export interface Resilience {
  /**
   * `replaySafe`: whether repeating a request that 17TRACK may already have applied is harmless. When it is
   * not (retrack works once, carrier changes are counted), only failures where the request was certainly
   * not processed (429, 503, connection refused, limiter) are retried.
   */
  run<T>(endpoint: string, replaySafe: boolean, attempt: (signal: AbortSignal) => Promise<T>): Promise<T>;
  circuitState(): CircuitStateName;
}

/** Only transient upstream trouble is retried (429, 5xx, network, timeout); auth and request errors fail fast. */
export function isRetryable(err: unknown, replaySafe: boolean): boolean {
  if (err instanceof Track17RateLimitedError) return true;
  if (err instanceof Track17UnavailableError && !err.circuitOpen) return replaySafe || err.notProcessed;
  return false;
}

/** What says "17TRACK is unwell": not 429 (it proves the service is up), not our own limiter failing. */
export function countsAgainstBreaker(err: unknown): boolean {
  if (err instanceof Track17ProtocolError) return true;
  return err instanceof Track17UnavailableError && err.reason !== "limiter" && err.reason !== "circuit_open";
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half_open",
  [CircuitState.Isolated]: "isolated",
};

export function createResilience(opts: ResilienceOptions): Resilience {
  const { limiter, logger } = opts;
  if (!(opts.retry.maxAttempts >= 1)) throw new RangeError("retry.maxAttempts must be >= 1");

  const breaker = circuitBreaker(handleWhen(countsAgainstBreaker), {
    halfOpenAfter: opts.breaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(opts.breaker.consecutiveFailures),
  });
  breaker.onBreak(() => logger.warn({ halfOpenAfterMs: opts.breaker.halfOpenAfterMs }, "17track circuit opened"));
  breaker.onHalfOpen(() => logger.info("17track circuit half-open: probing"));
  breaker.onReset(() => logger.info("17track circuit closed"));

  const backoff = new ExponentialBackoff({ initialDelay: opts.retry.initialDelayMs, maxDelay: opts.retry.maxDelayMs });
  // cockatiel's maxAttempts counts retries after the first call.
  const makeRetry = (replaySafe: boolean) => {
    const policy = retry(
      handleWhen((e) => isRetryable(e, replaySafe)),
      { maxAttempts: opts.retry.maxAttempts - 1, backoff },
    );
    policy.onRetry((r) => {
      const err = "error" in r ? r.error : undefined;
      logger.warn({ err, attempt: r.attempt, delayMs: r.delay }, "17track call failed, retrying");
    });
    return policy;
  };
  const retrySafe = makeRetry(true);
  const retryUnsafe = makeRetry(false);
  const timeoutPolicy = timeout(opts.timeoutMs, TimeoutStrategy.Cooperative);

  const scheduled = <T>(endpoint: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    limiter
      .schedule(() => timeoutPolicy.execute(({ signal }) => attempt(signal)))
      .catch((err: unknown) => {
        if (isTrack17ClientError(err)) throw err;
        // Anything else comes from the limiter itself (Redis unreachable, limiter stopped): the request
        // was never sent.
        throw new Track17UnavailableError({
          endpoint,
          httpStatus: null,
          code: null,
          message: `17TRACK rate limiter unavailable: ${err instanceof Error ? err.message : String(err)}`,
          reason: "limiter",
          notProcessed: true,
          cause: err,
        });
      });

  return {
    async run(endpoint, replaySafe, attempt) {
      const policy = replaySafe ? retrySafe : retryUnsafe;
      try {
        return await policy.execute(() => breaker.execute(() => scheduled(endpoint, attempt)));
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          throw new Track17UnavailableError({
            endpoint,
            httpStatus: null,
            code: null,
            message: "17TRACK circuit is open after repeated failures; not calling upstream",
            reason: "circuit_open",
            notProcessed: true,
            cause: err,
          });
        }
        throw err;
      }
    },
    circuitState: () => STATE_NAMES[breaker.state],
  };
}
