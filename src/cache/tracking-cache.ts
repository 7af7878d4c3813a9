// Read-through caching of GetTracking and of the first page of ListTrackingEvents (issue #6, DESIGN data path 4),
// and the change-feed handler that keeps both no older than the last commit.
//
// What is stored: the mapped proto in protobuf binary, base64 (toBinary/fromBinary with the generated schema), so a
// hit is exactly the message a miss would build without re-running the mapper or reviving Dates. Binary rather than
// protobuf JSON: 2-3x fewer Redis bytes per shipment (field names are not repeated in every entry) and a cheaper
// decode; the status_cache ledger still gets protobuf JSON (cached_response is JSONB, written once per fill).
// Include-raw reads bypass the cache (raw_api_response is large and rarely asked for). Values go inside StatusCache's
// envelope {v, s}; v carries `ver`, the shipment's newest change_id when the data was read.
//
// Why versions: a reader that loaded a row just before a commit must not put that older row back after the change
// handler dealt with the commit. On a change the handler writes a short-lived stale marker with the change's
// change_id (never over a newer version); a reader reads the version BEFORE its data, so its version can only
// understate the data, and its fill replaces only something older (absent, older data, or a marker of its version or
// older). One Lua script does the compare and the SET atomically. So a reader sees the old status for at most the
// round trip in which the commit happens, and a read-fill never resurrects it.
import { fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import {
  type TrackingEvent,
  TrackingEventSchema,
  type TrackingRecord,
  TrackingRecordSchema,
} from "../../gen/waybill/v1/types_pb.js";
import type { EventsCursor, EventsHead } from "../domain/cache/events-page.js";
import { cacheKeys, FAMILY_TTL_SECONDS } from "../domain/cache/keys.js";
import { CACHE_STRATEGIES, type CacheStrategy, chooseTtl } from "../domain/cache/ttl.js";
import { STATUSES } from "../domain/tracking/status.js";
import type { TrackingChange } from "../tracking/change-publisher.js";
import { within } from "./bounded.js";
import type { CacheLogger, StatusCache } from "./status-cache.js";
import type { StatusCacheLedger } from "./status-cache-ledger.js";
import type { TrackingLoader } from "./tracking-loader.js";

/** Events held per shipment: the default page size, so the usual first page is always answerable. */
export const CACHED_EVENTS = 100;
/** How long a stale marker outlives a change: far longer than any read in flight, short enough to cost nothing. */
export const STALE_MARKER_SECONDS = 300;

export interface TrackingCacheOptions {
  readonly cache: StatusCache;
  /** The same client the StatusCache uses (versioned writes go through a Lua script on it). */
  readonly redis: Redis;
  readonly loader: TrackingLoader;
  readonly ledger?: StatusCacheLedger;
  /** For records whose strategy is unset (CACHE_DEFAULT_STRATEGY). */
  readonly defaultStrategy: CacheStrategy;
  /** FIXED's TTL (CACHE_FIXED_TTL_SECONDS). */
  readonly fixedTtlSeconds: number;
  /** Deadline of a versioned write, ms. Default 50 (as the StatusCache's reads). */
  readonly timeoutMs?: number;
  readonly logger?: CacheLogger;
  readonly now?: () => Date;
}

export interface TrackingCache {
  /** The record (no raw data) from Redis, else loaded (by `load`, default the loader) and cached; undefined: absent. */
  readRecord(trackingId: string, load?: () => Promise<TrackingRecord | undefined>): Promise<TrackingRecord | undefined>;
  /** The head of the timeline (first CACHED_EVENTS events ascending), from Redis or loaded; undefined: no shipment. */
  readEventsHead(trackingId: string): Promise<EventsHead<TrackingEvent> | undefined>;
  /** The shipment id a tracking number was last resolved to (`tracking:hot:{number}`), if cached. */
  hotId(trackingNumber: string): Promise<string | undefined>;
  /** Remembers number → id for 15 min; only for numbers that resolved without a carrier code (unambiguous). */
  rememberHot(trackingNumber: string, trackingId: string): Promise<void>;
  forgetHot(trackingNumber: string): Promise<void>;
  /**
   * Loads and caches shipments (WarmCache): `warmed` are now cached (or already were, at least as new), `notFound` do
   * not exist, `failed` could not be written (Redis unusable).
   */
  warm(trackingIds: readonly string[]): Promise<{ warmed: number; notFound: number; failed: number }>;
  /** The change-feed handler (ChangePublisher): stale markers for every changed shipment; throws if Redis failed. */
  onChanges(changes: readonly TrackingChange[]): Promise<void>;
}

interface StatusValue {
  ver: number;
  /** TrackingRecord, binary, base64. */
  rec?: string;
  stale?: true;
}
interface EventsValue {
  ver: number;
  /** TrackingEvent each, binary, base64. */
  ev?: string[];
  cur?: [string, string][];
  more?: boolean;
  stale?: true;
}

// KEYS[1] key; ARGV: payload, ttl seconds, version, mode ("change" | "fill"). 1 when written.
const VERSIONED_SET = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, doc = pcall(cjson.decode, cur)
  if ok and type(doc) == 'table' and type(doc.v) == 'table' and type(doc.v.ver) == 'number' then
    local v = tonumber(ARGV[3])
    local stored = doc.v.ver
    if stored > v then return 0 end
    if ARGV[4] == 'fill' and stored == v and not doc.v.stale then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1`;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const WRITABLE = new Set(["ready", "wait", "connecting", "connect"]);
const strategyName = (n: number): CacheStrategy | undefined => CACHE_STRATEGIES[n - 1];
const statusOf = (n: number): string => STATUSES[n - 1] ?? "UNSPECIFIED";

export function createTrackingCache(options: TrackingCacheOptions): TrackingCache {
  const { cache, redis, loader, ledger, logger } = options;
  const timeoutMs = options.timeoutMs ?? 50;
  const now = options.now ?? (() => new Date());
  let failing = false;
  /** Loads in flight by shipment: concurrent misses of one shipment share one load (hot keys after a change). */
  const loading = new Map<string, Promise<TrackingRecord | undefined>>();

  /** Versioned SET through the script; true written, false refused (newer there), undefined Redis unusable. */
  async function versionedSet(
    key: string,
    value: StatusValue | EventsValue,
    ttlSeconds: number,
    mode: "change" | "fill",
    strategy?: CacheStrategy,
    ms = timeoutMs,
  ): Promise<boolean | undefined> {
    // Reconnecting after an outage: answer at once rather than queue behind a dead socket. "connecting" is the first
    // connect of a lazy client (or a retry in progress); the deadline bounds the wait either way.
    if (!WRITABLE.has(redis.status)) return undefined;
    // StatusCache's envelope, so its get() reads these entries and counts their strategy.
    const payload = JSON.stringify(strategy === undefined ? { v: value } : { v: value, s: strategy });
    try {
      const r = await within(redis.eval(VERSIONED_SET, 1, key, payload, Math.floor(ttlSeconds), value.ver, mode), ms);
      if (failing) logger?.info({}, "tracking cache writes recovered");
      failing = false;
      return r === 1;
    } catch (err) {
      if (!failing) logger?.warn({ err: (err as Error).message, key }, "tracking cache write failed");
      failing = true;
      return undefined;
    }
  }

  async function ttlFor(rec: TrackingRecord): Promise<{ strategy: CacheStrategy; ttlSeconds: number }> {
    const strategy = strategyName(rec.cacheStrategy) ?? options.defaultStrategy;
    const status = statusOf(rec.status);
    const changeHistory =
      strategy === "ADAPTIVE" ? { changeTimes: await loader.changeTimes(rec.trackingId) } : undefined;
    const { ttlSeconds } = chooseTtl({
      strategy,
      status,
      fixedTtlSeconds: options.fixedTtlSeconds,
      ...(changeHistory ? { changeHistory } : {}),
      now: now(),
    });
    return { strategy, ttlSeconds };
  }

  /** Loads a record and offers it to the cache (replacing only older data or markers). */
  async function fillRecord(
    trackingId: string,
    load: () => Promise<TrackingRecord | undefined>,
  ): Promise<{ rec?: TrackingRecord; stored?: boolean }> {
    const ver = await loader.version(trackingId);
    const rec = await load();
    if (!rec) return {};
    const { strategy, ttlSeconds } = await ttlFor(rec);
    const key = cacheKeys.status(trackingId);
    const bin = b64(toBinary(TrackingRecordSchema, rec));
    const stored = await versionedSet(key, { ver, rec: bin }, ttlSeconds, "fill", strategy);
    if (stored) {
      ledger?.recordSet({
        cacheKey: key,
        trackingId,
        status: statusOf(rec.status),
        location: rec.currentLocation?.fullAddress || null,
        eventCount: rec.eventCount,
        response: toJson(TrackingRecordSchema, rec),
        strategy,
        ttlSeconds,
        cachedAt: now(),
      });
    }
    return { rec, ...(stored === undefined ? {} : { stored }) };
  }

  async function fillEvents(trackingId: string): Promise<EventsHead<TrackingEvent> | undefined> {
    const ver = await loader.version(trackingId);
    const head = await loader.eventsHead(trackingId, CACHED_EVENTS);
    if (!head) return undefined;
    const ev = head.events.map((e) => b64(toBinary(TrackingEventSchema, e)));
    const key = cacheKeys.events(trackingId);
    const ttlSeconds = FAMILY_TTL_SECONDS["tracking:events"];
    const value: EventsValue = { ver, ev, cur: head.cursors.map((c) => [c.t, c.id]), more: head.more };
    if (await versionedSet(key, value, ttlSeconds, "fill")) {
      ledger?.recordSet({
        cacheKey: key,
        trackingId,
        status: head.status,
        eventCount: head.events.length,
        response: { events: head.events.map((e) => toJson(TrackingEventSchema, e)), more: head.more },
        strategy: "FIXED",
        ttlSeconds,
        cachedAt: now(),
      });
    }
    return { events: head.events, cursors: head.cursors, more: head.more };
  }

  return {
    async readRecord(trackingId, load) {
      const hit = await cache.get<StatusValue>(cacheKeys.status(trackingId), { strategy: options.defaultStrategy });
      if (hit?.rec !== undefined && !hit.stale) return fromBinary(TrackingRecordSchema, unb64(hit.rec));
      if (load) return (await fillRecord(trackingId, load)).rec;
      let pending = loading.get(trackingId);
      if (pending === undefined) {
        const p: Promise<TrackingRecord | undefined> = fillRecord(trackingId, () => loader.record(trackingId))
          .then((r) => r.rec)
          .finally(() => {
            if (loading.get(trackingId) === p) loading.delete(trackingId);
          });
        pending = p;
        loading.set(trackingId, p);
      }
      return pending;
    },

    async readEventsHead(trackingId) {
      const hit = await cache.get<EventsValue>(cacheKeys.events(trackingId));
      if (hit?.ev && hit.cur && !hit.stale) {
        return {
          events: hit.ev.map((e) => fromBinary(TrackingEventSchema, unb64(e))),
          cursors: hit.cur.map(([t, id]): EventsCursor => ({ t, id })),
          more: hit.more === true,
        };
      }
      return fillEvents(trackingId);
    },

    async hotId(trackingNumber) {
      return cache.get<string>(cacheKeys.hot(trackingNumber));
    },

    async rememberHot(trackingNumber, trackingId) {
      await cache.set(cacheKeys.hot(trackingNumber), trackingId, FAMILY_TTL_SECONDS["tracking:hot"], {
        onlyIfAbsent: true,
      });
    },

    async forgetHot(trackingNumber) {
      await cache.invalidate([cacheKeys.hot(trackingNumber)], "number resolved to a missing shipment");
    },

    async warm(trackingIds) {
      let warmed = 0;
      let notFound = 0;
      let failed = 0;
      const queue = [...new Set(trackingIds)];
      // A few at a time: warming must not take the whole Postgres pool from live reads.
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          const { rec, stored } = await fillRecord(id, () => loader.record(id));
          if (!rec) notFound++;
          else if (stored === undefined) failed++;
          else {
            warmed++;
            await fillEvents(id);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
      return { warmed, notFound, failed };
    },

    async onChanges(changes) {
      // The newest change per shipment decides its marker's version.
      const newest = new Map<string, TrackingChange>();
      for (const c of changes) {
        const seen = newest.get(c.trackingId);
        if (!seen || BigInt(c.changeId) > BigInt(seen.changeId)) newest.set(c.trackingId, c);
      }
      // Readers arriving from now on must not join a load that may have started before the commit.
      for (const id of newest.keys()) loading.delete(id);
      const at = now();
      // All shipments at once: ioredis pipelines the scripts on its one connection.
      const outcomes = await Promise.all(
        [...newest.values()].map(async (c) => {
          const keys = [cacheKeys.status(c.trackingId), cacheKeys.events(c.trackingId)];
          const ver = Number(c.changeId);
          const results = await Promise.all(
            keys.map((key) =>
              versionedSet(key, { ver, stale: true }, STALE_MARKER_SECONDS, "change", undefined, 1_000),
            ),
          );
          if (results.every((r) => r !== undefined)) {
            ledger?.invalidated(keys, `change ${c.changeId}: ${c.kind.toLowerCase()}`, at);
            return true;
          }
          return false;
        }),
      );
      // Retried with the batch: a shipment left unmarked could serve its old status until its TTL.
      if (outcomes.includes(false)) throw new Error("redis unavailable: cache not invalidated");
      // A new registration can make a number ambiguous (same number, another carrier): drop its number → id entry.
      const registered = [...newest.values()].filter((c) => c.kind === "REGISTERED").map((c) => c.trackingId);
      const numbers = await loader.numbers(registered);
      if (numbers.length > 0) {
        const r = await cache.invalidate(numbers.map(cacheKeys.hot), "number registered again");
        if (!r.ok) throw new Error("redis unavailable: hot numbers not invalidated");
      }
    },
  };
}
