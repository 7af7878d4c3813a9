// The one gate every cache call to Redis goes through: it decides whether to send at all, time-boxes what it sends,
// counts failures, and tracks whether the cache is degraded. Redis trouble becomes `undefined`, never an exception.
import type { Redis } from "ioredis";
import { CacheTimeoutError, within } from "./bounded.js";
import type { CacheCounters } from "./cache-counters.js";

export interface CacheLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RedisGuardOptions {
  readonly redis: Redis;
  readonly counters: CacheCounters;
  /** Default deadline of one call, ms. */
  readonly timeoutMs: number;
  /** After this many timeouts in a row, nothing is sent for pauseMs. */
  readonly pauseAfterTimeouts: number;
  readonly pauseMs: number;
  readonly logger?: CacheLogger;
}

export interface RedisGuard {
  /** Runs a Redis call under a deadline; undefined when Redis is unusable, failed or late. */
  attempt<T>(op: string, call: () => Promise<T>, ms?: number): Promise<T | undefined>;
  /** Whether to send a command now; counts the skip when not (for multi-call paths such as SCAN loops). */
  usable(op: string): boolean;
  /** Records a failure of a call made outside attempt(). */
  failed(op: string, err: unknown): void;
  /** Connected, and the last call succeeded. */
  available(): boolean;
}

/** States in which a command may be sent: connected, or never connected yet (lazyConnect connects on the first). */
const USABLE = new Set(["ready", "wait"]);

export function createRedisGuard(opts: RedisGuardOptions): RedisGuard {
  const { redis, counters, logger } = opts;
  let failing = false;
  let consecutiveTimeouts = 0;
  let pausedUntil = 0;

  function degraded(op: string, why: string): void {
    // One line per outage, not per read.
    if (!failing) logger?.warn({ op, err: why }, "redis cache degraded; reads fall through");
    failing = true;
  }
  function failed(op: string, err: unknown): void {
    if (err instanceof CacheTimeoutError) {
      counters.timeouts++;
      // Connected but silent (frozen, overloaded): stop queueing commands on its socket for a moment, so reads
      // answer at once instead of each waiting out the deadline, and the pending queue stops growing.
      if (++consecutiveTimeouts >= opts.pauseAfterTimeouts) pausedUntil = Date.now() + opts.pauseMs;
    } else {
      counters.errors++;
    }
    degraded(op, (err as Error).message);
  }
  function succeeded(): void {
    if (failing) logger?.info({}, "redis cache recovered");
    failing = false;
    consecutiveTimeouts = 0;
  }
  function usable(op: string): boolean {
    // While ioredis is reconnecting a command would only sit in its offline queue: answer "miss" at once.
    if (!USABLE.has(redis.status)) {
      counters.skipped++;
      degraded(op, `redis ${redis.status}`);
      return false;
    }
    if (Date.now() < pausedUntil) {
      counters.skipped++;
      return false;
    }
    return true;
  }

  return {
    async attempt<T>(op: string, call: () => Promise<T>, ms = opts.timeoutMs) {
      if (!usable(op)) return undefined;
      try {
        const result = await within(call(), ms);
        succeeded();
        return result;
      } catch (err) {
        failed(op, err);
        return undefined;
      }
    },
    usable,
    failed,
    available: () => redis.status === "ready" && !failing,
  };
}
