// CacheService (PRD §4.3.3, issue #6): invalidate one shipment or a pattern, warm, statistics. Thin: proto in, one
// cache call, proto out. Redis trouble is Unavailable here (the caller asked for a cache operation that did not
// happen); reads elsewhere never fail because of the cache.
import type { ServiceImpl } from "@connectrpc/connect";
import { QueryTypes, type Sequelize } from "sequelize";
import type { CacheService } from "../../gen/waybill/v1/cache_service_pb.js";
import { CacheStrategy as CacheStrategyEnum } from "../../gen/waybill/v1/types_pb.js";
import type { CounterSnapshot } from "../cache/cache-counters.js";
import type { FamilyStats, StatusCache } from "../cache/status-cache.js";
import type { TrackingCache } from "../cache/tracking-cache.js";
import type { TrackingLoader } from "../cache/tracking-loader.js";
import { cacheKeys, checkInvalidationPattern } from "../domain/cache/keys.js";
import type { CacheStrategy } from "../domain/cache/ttl.js";
import { invalidArgument, unavailable } from "../errors.js";

export interface CacheServiceDeps {
  readonly sequelize: Sequelize;
  readonly cache: StatusCache;
  readonly trackingCache: TrackingCache;
  readonly loader: TrackingLoader;
  /** CACHE_DEFAULT_STRATEGY, reported by GetCacheStatistics. */
  readonly defaultStrategy: CacheStrategy;
}

/** max_keys 0 means this (proto InvalidatePatternRequest.max_keys). */
export const DEFAULT_PATTERN_MAX_KEYS = 10_000;

const STRATEGY_ENUM: Record<CacheStrategy, CacheStrategyEnum> = {
  FIXED: CacheStrategyEnum.FIXED,
  DYNAMIC: CacheStrategyEnum.DYNAMIC,
  ADAPTIVE: CacheStrategyEnum.ADAPTIVE,
};

const counter = (c: CounterSnapshot | FamilyStats) => ({
  name: c.name,
  hits: BigInt(c.hits),
  misses: BigInt(c.misses),
  hitRatio: c.hitRatio,
  keys: BigInt("keys" in c ? (c.keys ?? 0) : 0),
});

// The most read shipments by the ledger's hit counts (status entries only: one row per shipment).
const HOTTEST = `
  SELECT tracking_id AS id FROM status_cache WHERE cache_key LIKE 'tracking:status:%'
  ORDER BY hit_count DESC NULLS LAST, last_hit_at DESC NULLS LAST LIMIT $1`;

export function createCacheService(deps: CacheServiceDeps): ServiceImpl<typeof CacheService> {
  const { cache, trackingCache, loader, sequelize } = deps;

  return {
    async invalidateTracking(req) {
      const [number] = await loader.numbers([req.trackingId]);
      const keys = cacheKeys.ofTracking(req.trackingId, number);
      const result = await cache.invalidate(keys, req.reason || "InvalidateTracking");
      if (!result.ok) throw unavailable("redis is unavailable; nothing was invalidated, retry later");
      return { keysRemoved: result.removed };
    },

    async invalidatePattern(req) {
      const checked = checkInvalidationPattern(req.pattern);
      if ("error" in checked) throw invalidArgument(`pattern "${req.pattern}": ${checked.error}`);
      const maxKeys = req.maxKeys || DEFAULT_PATTERN_MAX_KEYS;
      const r = await cache.invalidatePattern(req.pattern, { maxKeys, reason: req.reason || "InvalidatePattern" });
      if (!r.ok && r.removed === 0) throw unavailable("redis is unavailable; nothing was invalidated, retry later");
      return { keysRemoved: r.removed, truncated: r.truncated };
    },

    async warmCache(req) {
      if (req.trackingIds.length === 0 && req.topN === 0) {
        throw invalidArgument("give tracking_ids or top_n > 0 to choose what to warm");
      }
      const hottest =
        req.topN > 0
          ? (await sequelize.query<{ id: string }>(HOTTEST, { bind: [req.topN], type: QueryTypes.SELECT })).map(
              (r) => r.id,
            )
          : [];
      const r = await trackingCache.warm([...req.trackingIds, ...hottest]);
      if (r.failed > 0) throw unavailable(`redis is unavailable; ${r.failed} shipment(s) not warmed, retry later`);
      return { warmed: r.warmed, notFound: r.notFound };
    },

    async getCacheStatistics() {
      const s = await cache.stats();
      return {
        hits: BigInt(s.hits),
        misses: BigInt(s.misses),
        hitRatio: s.hitRatio,
        families: s.families.map(counter),
        strategies: s.strategies.map(counter),
        redisUsedMemoryBytes: BigInt(s.redisUsedMemoryBytes ?? 0),
        redisAvailable: s.redisAvailable,
        defaultStrategy: STRATEGY_ENUM[deps.defaultStrategy],
      };
    },
  };
}
