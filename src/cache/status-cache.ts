// The typed Redis cache of PRD §4.3.3 (get, set with TTL, invalidate, invalidate by pattern, statistics) over the
// PRD §2.2 keys. A cache must never be the reason a read fails (issue #6): every Redis call is time-boxed, a failure or
// timeout is a miss (reads) or a `false`/`ok: false` (writes), nothing Redis does is thrown to the caller, and since
// the ioredis client keeps reconnecting on its own the cache comes back with Redis without anyone's help.
import type { Redis } from "ioredis";
import { checkInvalidationPattern, classifyKey, type KeyFamilyOrOther } from "../domain/cache/keys.js";
import type { CacheStrategy } from "../domain/cache/ttl.js";
import { invalidArgument } from "../errors.js";
import { CacheCounters, type CounterSnapshot, hitRatio } from "./cache-counters.js";
import { type CacheLogger, createRedisGuard } from "./redis-guard.js";
import { scanKeys } from "./scan.js";

export type { CacheLogger } from "./redis-guard.js";

/** Told about hits and invalidations, e.g. the status_cache ledger. Called synchronously; must not throw or block. */
export interface CacheObserver {
  hit?(key: string, at: Date): void;
  invalidated?(keys: readonly string[], reason: string, at: Date): void;
}

export interface StatusCacheOptions {
  readonly redis: Redis;
  /** The prefix the client applies; defaults to the client's own keyPrefix option. */
  readonly keyPrefix?: string;
  /** Deadline of one Redis call on the read/write path, ms. Default 50. */
  readonly timeoutMs?: number;
  /** Deadline of one call of the maintenance paths (SCAN, UNLINK of a batch, INFO), ms. Default 1,000. */
  readonly maintenanceTimeoutMs?: number;
  /** After this many timeouts in a row, calls are not sent for pauseMs (reads are misses at once). Default 3. */
  readonly pauseAfterTimeouts?: number;
  /** Default 500 ms. */
  readonly pauseMs?: number;
  /** SCAN COUNT hint and UNLINK batch size. Default 500. */
  readonly batchSize?: number;
  /** stats() stops counting keys after this many and says so. Default 1,000,000. */
  readonly keyCountLimit?: number;
  readonly observer?: CacheObserver;
  readonly logger?: CacheLogger;
  readonly now?: () => Date;
}

export interface CacheEntry<T> {
  readonly key: string;
  readonly value: T;
  readonly ttlSeconds: number;
  /** The strategy that chose the TTL (status entries); reads of the entry count under it. */
  readonly strategy?: CacheStrategy;
  /** SET ... NX: see WriteOptions. */
  readonly onlyIfAbsent?: boolean;
}

export interface WriteOptions {
  readonly strategy?: CacheStrategy;
  /**
   * Store only when the key is absent (SET ... NX). Read-through fills should use it and ingest should refresh with a
   * plain set after its commit: then a reader that loaded the row before the commit cannot overwrite the newer value
   * ingest wrote, whichever of the two writes reaches Redis first.
   */
  readonly onlyIfAbsent?: boolean;
}

export interface ReadOptions {
  /** The strategy a miss will be filled with, so misses count per strategy too (hits use the stored one). */
  readonly strategy?: CacheStrategy;
}

export interface InvalidateResult {
  readonly removed: number;
  /** False when Redis failed or timed out; the keys may still be there and the caller may retry. */
  readonly ok: boolean;
}

export interface PatternInvalidateResult extends InvalidateResult {
  /** True when maxKeys (or a Redis failure) stopped the scan before the end. */
  readonly truncated: boolean;
}

export interface FamilyStats extends CounterSnapshot {
  /** Keys currently held; undefined when Redis could not be scanned. */
  readonly keys: number | undefined;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly hitRatio: number;
  /** Redis calls that failed, timed out, or were not sent (disconnected, or paused after timeouts) since start. */
  readonly errors: number;
  readonly timeouts: number;
  readonly skipped: number;
  readonly families: readonly FamilyStats[];
  readonly strategies: readonly CounterSnapshot[];
  /** False when the count stopped early (keyCountLimit or a Redis failure): the key counts are lower bounds. */
  readonly keyCountsComplete: boolean;
  /** INFO memory used_memory; undefined when Redis did not answer. */
  readonly redisUsedMemoryBytes: number | undefined;
  readonly redisAvailable: boolean;
}

export interface StatusCache {
  get<T>(key: string, opts?: ReadOptions): Promise<T | undefined>;
  /** One MGET; answers in the order of `keys`. */
  getMany<T>(keys: readonly string[], opts?: ReadOptions): Promise<(T | undefined)[]>;
  /** True when stored (false: Redis unusable, or onlyIfAbsent and the key existed). */
  set<T>(key: string, value: T, ttlSeconds: number, opts?: WriteOptions): Promise<boolean>;
  /** One pipeline of SET ... EX [NX]; returns how many were stored. */
  setMany<T>(entries: readonly CacheEntry<T>[]): Promise<number>;
  invalidate(keys: readonly string[], reason: string): Promise<InvalidateResult>;
  /** SCAN (never KEYS) + UNLINK in batches, at most maxKeys; throws DomainError invalid_argument on a bad pattern. */
  invalidatePattern(pattern: string, opts: { maxKeys: number; reason: string }): Promise<PatternInvalidateResult>;
  stats(): Promise<CacheStats>;
  /** Whether Redis is connected and the last call succeeded (health reports degraded otherwise). */
  available(): boolean;
}

/** What is stored: the value and the strategy that chose its TTL (a few bytes, for per-strategy hit figures). */
interface Envelope {
  v: unknown;
  s?: CacheStrategy;
}

export function createStatusCache(options: StatusCacheOptions): StatusCache {
  const { redis, observer, logger } = options;
  const prefix = options.keyPrefix ?? redis.options.keyPrefix ?? "";
  const timeoutMs = options.timeoutMs ?? 50;
  const maintenanceMs = options.maintenanceTimeoutMs ?? 1_000;
  const batch = options.batchSize ?? 500;
  const keyCountLimit = options.keyCountLimit ?? 1_000_000;
  const now = options.now ?? (() => new Date());
  const counters = new CacheCounters();
  const guard = createRedisGuard({
    redis,
    counters,
    timeoutMs,
    pauseAfterTimeouts: options.pauseAfterTimeouts ?? 3,
    pauseMs: options.pauseMs ?? 500,
    ...(logger ? { logger } : {}),
  });
  const { attempt, usable, failed } = guard;

  function decode<T>(key: string, raw: string | null, opts: ReadOptions | undefined): T | undefined {
    if (raw === null) {
      counters.miss(key, opts?.strategy);
      return undefined;
    }
    let env: Envelope | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === "object" && parsed !== null && "v" in parsed) env = parsed as Envelope;
    } catch {
      // handled below with anything else that is not one of our envelopes
    }
    if (env === undefined) {
      // Written by something else or truncated: unusable, so a miss; the next set overwrites it.
      counters.errors++;
      counters.miss(key, opts?.strategy);
      return undefined;
    }
    counters.hit(key, env.s);
    observer?.hit?.(key, now());
    return env.v as T;
  }

  function encode(value: unknown, ttlSeconds: number, strategy: CacheStrategy | undefined): string {
    if (!Number.isFinite(ttlSeconds) || ttlSeconds < 1) throw new RangeError(`cache TTL must be >= 1 s: ${ttlSeconds}`);
    if (value === undefined) throw new TypeError("cannot cache undefined");
    const env: Envelope = strategy === undefined ? { v: value } : { v: value, s: strategy };
    return JSON.stringify(env);
  }

  async function countKeys(): Promise<{ counts: Map<KeyFamilyOrOther, number> | undefined; complete: boolean }> {
    if (!usable("scan")) return { counts: undefined, complete: false };
    const counts = new Map<KeyFamilyOrOther, number>();
    let seen = 0;
    try {
      for await (const keys of scanKeys(redis, { prefix, pattern: "*", count: batch, timeoutMs: maintenanceMs })) {
        for (const k of keys) {
          const f = classifyKey(k);
          counts.set(f, (counts.get(f) ?? 0) + 1);
        }
        seen += keys.length;
        if (seen >= keyCountLimit) return { counts, complete: false };
      }
      return { counts, complete: true };
    } catch (err) {
      failed("scan", err);
      return { counts: counts.size > 0 ? counts : undefined, complete: false };
    }
  }

  return {
    async get<T>(key: string, opts?: ReadOptions) {
      const raw = await attempt("get", () => redis.get(key));
      if (raw === undefined) {
        counters.miss(key, opts?.strategy);
        return undefined;
      }
      return decode<T>(key, raw, opts);
    },

    async getMany<T>(keys: readonly string[], opts?: ReadOptions) {
      if (keys.length === 0) return [];
      const raws = await attempt("mget", () => redis.mget(...keys));
      return keys.map((key, i) => {
        if (raws === undefined) {
          counters.miss(key, opts?.strategy);
          return undefined;
        }
        return decode<T>(key, raws[i] ?? null, opts);
      });
    },

    async set(key, value, ttlSeconds, opts) {
      const payload = encode(value, ttlSeconds, opts?.strategy);
      const ttl = Math.floor(ttlSeconds);
      const ok = await attempt("set", () =>
        opts?.onlyIfAbsent ? redis.set(key, payload, "EX", ttl, "NX") : redis.set(key, payload, "EX", ttl),
      );
      return ok === "OK";
    },

    async setMany(entries) {
      if (entries.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const e of entries) {
        const payload = encode(e.value, e.ttlSeconds, e.strategy);
        const ttl = Math.floor(e.ttlSeconds);
        if (e.onlyIfAbsent) pipeline.set(e.key, payload, "EX", ttl, "NX");
        else pipeline.set(e.key, payload, "EX", ttl);
      }
      const results = await attempt("set-many", () => pipeline.exec(), Math.max(timeoutMs, maintenanceMs));
      return results?.filter(([err, reply]) => err === null && reply === "OK").length ?? 0;
    },

    async invalidate(keys, reason) {
      if (keys.length === 0) return { removed: 0, ok: true };
      const removed = await attempt("unlink", () => redis.unlink(...keys));
      if (removed === undefined) return { removed: 0, ok: false };
      // Only once Redis confirmed: the ledger must not record an invalidation that did not happen.
      observer?.invalidated?.(keys, reason, now());
      return { removed, ok: true };
    },

    async invalidatePattern(pattern, { maxKeys, reason }) {
      const checked = checkInvalidationPattern(pattern);
      if ("error" in checked) throw invalidArgument(`invalid cache pattern: ${checked.error}`);
      if (!Number.isInteger(maxKeys) || maxKeys < 1) throw invalidArgument(`maxKeys must be >= 1, got ${maxKeys}`);
      let removed = 0;
      let taken = 0;
      let pending: string[] = [];
      const flush = async (): Promise<boolean> => {
        const keys = pending;
        pending = [];
        if (keys.length === 0) return true;
        const n = await attempt("unlink", () => redis.unlink(...keys), maintenanceMs);
        if (n === undefined) return false;
        removed += n;
        observer?.invalidated?.(keys, reason, now());
        return true;
      };
      if (!usable("scan")) return { removed: 0, ok: false, truncated: true };
      try {
        for await (const keys of scanKeys(redis, { prefix, pattern, count: batch, timeoutMs: maintenanceMs })) {
          for (const k of keys) {
            if (taken === maxKeys) {
              // More matches than allowed: stop here and say so.
              const ok = await flush();
              return { removed, ok, truncated: true };
            }
            pending.push(k);
            taken++;
            if (pending.length >= batch && !(await flush())) return { removed, ok: false, truncated: true };
          }
        }
      } catch (err) {
        failed("scan", err);
        await flush();
        return { removed, ok: false, truncated: true };
      }
      const ok = await flush();
      return { removed, ok, truncated: !ok };
    },

    async stats() {
      const [{ counts, complete }, info] = await Promise.all([
        countKeys(),
        attempt("info", () => redis.info("memory"), maintenanceMs),
      ]);
      const used = info === undefined ? undefined : /^used_memory:(\d+)\r?$/m.exec(info)?.[1];
      const snap = counters.snapshot();
      const families = snap.families.map((f) => ({
        ...f,
        keys: counts === undefined ? undefined : (counts.get(f.name as KeyFamilyOrOther) ?? 0),
      }));
      return {
        hits: snap.hits,
        misses: snap.misses,
        hitRatio: hitRatio(snap.hits, snap.misses),
        errors: counters.errors,
        timeouts: counters.timeouts,
        skipped: counters.skipped,
        families,
        strategies: snap.strategies,
        keyCountsComplete: complete,
        redisUsedMemoryBytes: used === undefined ? undefined : Number(used),
        redisAvailable: guard.available(),
      };
    },

    available: guard.available,
  };
}
