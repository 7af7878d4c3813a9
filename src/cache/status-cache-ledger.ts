// Keeps PRD §2.1.5 `status_cache` true to what Redis holds: one row per cache key with its strategy, TTL, expiry,
// validity, invalidation reason and hit count. Reads are the hottest path, so nothing here writes per read: sets,
// invalidations and hits go into an in-memory buffer, coalesced per key, and a flush writes the lot in one
// transaction (one multi-row upsert, two multi-row updates) every flushIntervalMs or once maxPending keys wait.
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { CacheStrategy } from "../domain/cache/ttl.js";
import type { CacheLogger, CacheObserver } from "./status-cache.js";

/** What was cached under a key (the NOT NULL columns of status_cache and the useful nullable ones). */
export interface LedgerSet {
  readonly cacheKey: string;
  /** UUID of the shipment (FK to tracking_records; rows of deleted shipments are skipped). */
  readonly trackingId: string;
  readonly status: string;
  readonly location?: string | null;
  readonly eventCount?: number | null;
  /** The cached JSON (cached_response). */
  readonly response: unknown;
  readonly strategy: CacheStrategy;
  readonly ttlSeconds: number;
  readonly cachedAt: Date;
}

export interface StatusCacheLedgerOptions {
  readonly sequelize: Sequelize;
  /** Flush at least this often, ms. Default 1,000. */
  readonly flushIntervalMs?: number;
  /** Flush as soon as this many keys have something pending. Default 500. */
  readonly maxPending?: number;
  /** After failed flushes, keep at most this many keys waiting; the oldest beyond are dropped. Default 50,000. */
  readonly maxBuffered?: number;
  readonly logger?: CacheLogger;
}

export interface LedgerStats {
  /** Keys with something waiting to be written. */
  readonly pending: number;
  readonly flushes: number;
  readonly failedFlushes: number;
  /** Keys whose pending changes were given up (buffer full after failures, or an unusable entry). */
  readonly dropped: number;
}

export interface StatusCacheLedger extends Required<CacheObserver> {
  recordSet(entry: LedgerSet): void;
  /** Writes what is pending now; true when it reached Postgres (errors are logged, never thrown). */
  flush(): Promise<boolean>;
  stats(): LedgerStats;
  /** Stops the timer and flushes; later records are ignored. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  set?: LedgerSet;
  /** An invalidation after the last set (a later set supersedes it: the entry is valid again). */
  invalidation?: { at: Date; reason: string };
  hits: number;
  lastHitAt?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Keys that can have a row: status_cache.tracking_id is NOT NULL, so only per-shipment families. */
const TRACKED = /^tracking:(status|events):/;
/** Rows per statement: 10 parameters each, far below Postgres's 65,535. */
const ROWS_PER_STATEMENT = 1_000;
const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);
/** TIMESTAMP (without time zone) columns hold UTC; a literal's zone is ignored on that cast, so 'Z' is safe. */
const ts = (d: Date) => d.toISOString();

export function createStatusCacheLedger(options: StatusCacheLedgerOptions): StatusCacheLedger {
  const { sequelize, logger } = options;
  const maxPending = options.maxPending ?? 500;
  const maxBuffered = options.maxBuffered ?? 50_000;
  let buffer = new Map<string, Pending>();
  let chain: Promise<unknown> = Promise.resolve();
  let sizeFlushQueued = false;
  let closed: Promise<void> | undefined;
  let flushes = 0;
  let failedFlushes = 0;
  let dropped = 0;

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1_000);
  // The ledger is bookkeeping: it must not keep the process alive.
  timer.unref();

  function entry(key: string): Pending {
    let p = buffer.get(key);
    if (p === undefined) {
      p = { hits: 0 };
      buffer.set(key, p);
      if (buffer.size >= maxPending && !sizeFlushQueued) {
        sizeFlushQueued = true;
        void flush();
      }
    }
    return p;
  }

  function flush(): Promise<boolean> {
    const run = chain.then(async () => {
      sizeFlushQueued = false;
      if (buffer.size === 0) return true;
      const batch = buffer;
      buffer = new Map();
      try {
        await sequelize.transaction((t) => write(sequelize, batch, t));
        flushes++;
        return true;
      } catch (err) {
        failedFlushes++;
        logger?.warn({ err: (err as Error).message, keys: batch.size }, "status_cache ledger flush failed; will retry");
        restore(batch);
        return false;
      }
    });
    chain = run;
    return run;
  }

  /** Puts a failed batch back under what arrived meanwhile (newer sets and invalidations win, hits add up). */
  function restore(batch: Map<string, Pending>): void {
    const merged = new Map(batch);
    for (const [key, cur] of buffer) {
      const old = merged.get(key);
      if (old === undefined) {
        merged.set(key, cur);
        continue;
      }
      const lastHitAt =
        !old.lastHitAt || (cur.lastHitAt && cur.lastHitAt > old.lastHitAt) ? cur.lastHitAt : old.lastHitAt;
      merged.set(key, {
        set: cur.set ?? old.set,
        invalidation: cur.set ? cur.invalidation : (cur.invalidation ?? old.invalidation),
        hits: old.hits + cur.hits,
        ...(lastHitAt ? { lastHitAt } : {}),
      });
    }
    // Map order is insertion order: the failed batch's keys come first, so the oldest are the ones dropped.
    while (merged.size > maxBuffered) {
      const oldest = merged.keys().next().value as string;
      merged.delete(oldest);
      dropped++;
    }
    buffer = merged;
  }

  return {
    recordSet(set) {
      if (closed) return;
      if (!UUID.test(set.trackingId) || !Number.isFinite(set.ttlSeconds) || set.response === undefined) {
        // One malformed row would fail every flush of its batch; refuse it here and say so.
        dropped++;
        logger?.warn({ key: set.cacheKey, trackingId: set.trackingId }, "status_cache ledger: unusable entry dropped");
        return;
      }
      const p = entry(set.cacheKey);
      p.set = set;
      delete p.invalidation;
    },
    hit(key, at) {
      if (closed || !TRACKED.test(key)) return;
      const p = entry(key);
      p.hits++;
      if (!p.lastHitAt || at > p.lastHitAt) p.lastHitAt = at;
    },
    invalidated(keys, reason, at) {
      if (closed) return;
      for (const key of keys) if (TRACKED.test(key)) entry(key).invalidation = { at, reason: cut(reason, 200) };
    },
    flush,
    stats: () => ({ pending: buffer.size, flushes, failedFlushes, dropped }),
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await flush();
      })();
      return closed;
    },
  };
}

async function write(sequelize: Sequelize, batch: Map<string, Pending>, transaction: Transaction): Promise<void> {
  // Sorted keys give every replica the same lock order, so concurrent flushes queue instead of deadlocking.
  const keys = [...batch.keys()].sort();
  await sequelize.query("SELECT 1 FROM status_cache WHERE cache_key = ANY($1) ORDER BY cache_key FOR UPDATE", {
    bind: [keys],
    type: QueryTypes.SELECT,
    transaction,
  });
  const sets = keys.flatMap((k) => batch.get(k)?.set ?? []);
  const invalidations = keys.flatMap((k) => {
    const inv = batch.get(k)?.invalidation;
    return inv ? [{ key: k, ...inv }] : [];
  });
  const hits = keys.flatMap((k) => {
    const p = batch.get(k);
    return p && p.hits > 0 ? [{ key: k, n: p.hits, at: p.lastHitAt as Date }] : [];
  });
  for (let i = 0; i < sets.length; i += ROWS_PER_STATEMENT) {
    await upsertSets(sequelize, sets.slice(i, i + ROWS_PER_STATEMENT), transaction);
  }
  for (let i = 0; i < invalidations.length; i += ROWS_PER_STATEMENT) {
    const rows = invalidations.slice(i, i + ROWS_PER_STATEMENT);
    // The first invalidation of a row is the one recorded; repeating it on an invalid row changes nothing.
    await sequelize.query(
      `UPDATE status_cache s
          SET is_valid = false, invalidated_at = v.at::timestamp, invalidation_reason = v.reason
         FROM (VALUES ${placeholders(rows.length, 3)}) AS v(cache_key, at, reason)
        WHERE s.cache_key = v.cache_key AND s.is_valid IS NOT FALSE`,
      { bind: rows.flatMap((r) => [r.key, ts(r.at), r.reason]), transaction },
    );
  }
  for (let i = 0; i < hits.length; i += ROWS_PER_STATEMENT) {
    const rows = hits.slice(i, i + ROWS_PER_STATEMENT);
    // Hits of a key whose row does not exist (yet) match nothing and are lost: counts are for ranking, not billing.
    await sequelize.query(
      `UPDATE status_cache s
          SET hit_count = COALESCE(s.hit_count, 0) + v.n::int,
              last_hit_at = GREATEST(s.last_hit_at, v.at::timestamp)
         FROM (VALUES ${placeholders(rows.length, 3)}) AS v(cache_key, n, at)
        WHERE s.cache_key = v.cache_key`,
      { bind: rows.flatMap((r) => [r.key, r.n, ts(r.at)]), transaction },
    );
  }
}

/**
 * One INSERT ... ON CONFLICT (cache_key) DO UPDATE for many sets. Re-caching a key makes its row valid again with the
 * new content and expiry; hit_count carries on (it ranks the hottest shipments for WarmCache across refreshes).
 * Shipments deleted meanwhile are skipped rather than failing the whole batch on the foreign key.
 */
async function upsertSets(sequelize: Sequelize, rows: LedgerSet[], transaction: Transaction): Promise<void> {
  const bind = rows.flatMap((r) => [
    r.cacheKey,
    r.trackingId,
    cut(r.status, 50),
    r.location == null ? null : cut(r.location, 500),
    r.eventCount ?? null,
    JSON.stringify(r.response),
    r.strategy,
    Math.max(1, Math.ceil(r.ttlSeconds / 60)),
    ts(r.cachedAt),
    ts(new Date(r.cachedAt.getTime() + r.ttlSeconds * 1000)),
  ]);
  await sequelize.query(
    `INSERT INTO status_cache (cache_key, tracking_id, cached_status, cached_location, cached_event_count,
                               cached_response, cache_strategy, ttl_minutes, cached_at, expires_at, hit_count,
                               is_valid)
     SELECT v.cache_key, v.tracking_id::uuid, v.status, v.location, v.event_count::int, v.response::jsonb, v.strategy,
            v.ttl_minutes::int, v.cached_at::timestamp, v.expires_at::timestamp, 0, true
       FROM (VALUES ${placeholders(rows.length, 10)})
            AS v(cache_key, tracking_id, status, location, event_count, response, strategy, ttl_minutes, cached_at,
                 expires_at)
      WHERE EXISTS (SELECT 1 FROM tracking_records t WHERE t.tracking_id = v.tracking_id::uuid)
     ON CONFLICT (cache_key) DO UPDATE SET
       tracking_id = EXCLUDED.tracking_id,
       cached_status = EXCLUDED.cached_status,
       cached_location = EXCLUDED.cached_location,
       cached_event_count = EXCLUDED.cached_event_count,
       cached_response = EXCLUDED.cached_response,
       cache_strategy = EXCLUDED.cache_strategy,
       ttl_minutes = EXCLUDED.ttl_minutes,
       cached_at = EXCLUDED.cached_at,
       expires_at = EXCLUDED.expires_at,
       is_valid = true,
       invalidated_at = NULL,
       invalidation_reason = NULL`,
    { bind, transaction },
  );
}

/** "($1, $2, $3), ($4, $5, $6)" for rows × width parameters. */
function placeholders(rows: number, width: number): string {
  return Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`,
  ).join(", ");
}
