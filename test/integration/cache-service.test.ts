// CacheService over an in-memory Connect transport with the server's real interceptors (validation, error mapping),
// on a real Postgres and Redis: invalidation of a shipment and by pattern (bounded, counted, bad patterns named),
// warming by id and by hit count, statistics, and Redis down (Unavailable for cache operations, statistics still
// answer).

import { randomUUID } from "node:crypto";
import { Code, createClient, createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CacheService } from "../../gen/waybill/v1/cache_service_pb.js";
import { CacheStrategy } from "../../gen/waybill/v1/types_pb.js";
import { createRedis } from "../../src/cache/redis.js";
import { createStatusCache, type StatusCache } from "../../src/cache/status-cache.js";
import { createStatusCacheLedger, type StatusCacheLedger } from "../../src/cache/status-cache-ledger.js";
import { createTrackingCache, type TrackingCache } from "../../src/cache/tracking-cache.js";
import { createTrackingLoader, type TrackingLoader } from "../../src/cache/tracking-loader.js";
import { cacheKeys } from "../../src/domain/cache/keys.js";
import { createCacheService } from "../../src/rpc/cache-service.js";
import { createInterceptors } from "../../src/server/interceptors.js";
import { createTrackingReads } from "../../src/store/tracking-reads.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";
import { connectErrorOf } from "../support/rejection.js";
import { freshNumber, insertRecord } from "../support/tracking-seed.js";

const logger = pino({ level: "silent" });
let db: TestDatabase;
let carrier: number;
const prefixes: string[] = [];
const redisClients: Redis[] = [];
let ledger: StatusCacheLedger;
let loader: TrackingLoader;

interface World {
  raw: Redis;
  cache: StatusCache;
  tc: TrackingCache;
  client: ReturnType<typeof createClient<typeof CacheService>>;
}

function world(url = TEST_REDIS_URL): World {
  const prefix = uniquePrefix("cache_service");
  prefixes.push(prefix);
  const mk = () => {
    const r = createRedis({ url, keyPrefix: prefix, logger });
    redisClients.push(r);
    return r;
  };
  const redis = mk();
  const cache = createStatusCache({ redis, timeoutMs: 1_000, observer: ledger });
  const tc = createTrackingCache({
    cache,
    redis,
    loader,
    ledger,
    defaultStrategy: "DYNAMIC",
    fixedTtlSeconds: 600,
    timeoutMs: 1_000,
  });
  const service = createCacheService({
    sequelize: db.sequelize,
    cache,
    trackingCache: tc,
    loader,
    defaultStrategy: "DYNAMIC",
  });
  const transport = createRouterTransport((router) => router.service(CacheService, service), {
    router: { interceptors: createInterceptors(logger) },
  });
  return { raw: mk(), cache, tc, client: createClient(CacheService, transport) };
}

test.before(async () => {
  db = await createTestDatabase("cache_service");
  carrier = (await db.models.Carrier.create({ carrierCode: "cs-carrier", carrierName: "CS" })).carrierId;
  ledger = createStatusCacheLedger({ sequelize: db.sequelize, flushIntervalMs: 60_000, maxPending: 10_000 });
  loader = createTrackingLoader({ sequelize: db.sequelize, reads: createTrackingReads(db.sequelize) });
});

test.after(async () => {
  await ledger.close();
  for (const r of redisClients) r.disconnect();
  for (const p of prefixes) await deleteKeysWithPrefix(p);
  await db?.drop();
});

const shipment = (cols: Record<string, unknown> = {}) => insertRecord(db.sequelize, { carrier_id: carrier, ...cols });

test("InvalidateTracking drops the shipment's status, events and number entries", async () => {
  const w = world();
  const number = freshNumber("INV");
  const id = await shipment({ tracking_number: number });
  await w.tc.readRecord(id);
  await w.tc.readEventsHead(id);
  await w.tc.rememberHot(number, id);
  assert.is(await w.raw.exists(cacheKeys.status(id), cacheKeys.events(id), cacheKeys.hot(number)), 3);
  const r = await w.client.invalidateTracking({ trackingId: id, reason: "operator" });
  assert.is(r.keysRemoved, 3);
  assert.is(await w.raw.exists(cacheKeys.status(id), cacheKeys.events(id), cacheKeys.hot(number)), 0);
  assert.is((await w.client.invalidateTracking({ trackingId: id })).keysRemoved, 0);
  assert.is((await connectErrorOf(w.client.invalidateTracking({ trackingId: "nope" }))).code, Code.InvalidArgument);
});

test("InvalidatePattern is bounded by max_keys, says when it stopped early, and counts what went", async () => {
  const w = world();
  for (let i = 0; i < 30; i++) await w.cache.set(cacheKeys.status(randomUUID()), { i }, 600);
  await w.cache.set(cacheKeys.carrierMetadata("ups"), { c: 1 }, 600);
  const first = await w.client.invalidatePattern({ pattern: "tracking:status:*", maxKeys: 10 });
  assert.equal([first.keysRemoved, first.truncated], [10, true]);
  const rest = await w.client.invalidatePattern({ pattern: "tracking:status:*" });
  assert.equal([rest.keysRemoved, rest.truncated], [20, false]);
  assert.is(await w.raw.exists(cacheKeys.carrierMetadata("ups")), 1, "other families untouched");
});

test("InvalidatePattern refuses a bad pattern with InvalidArgument naming it", async () => {
  const w = world();
  const bracket = await connectErrorOf(w.client.invalidatePattern({ pattern: "tracking:status:[ab]*" }));
  assert.is(bracket.code, Code.InvalidArgument);
  assert.match(bracket.rawMessage, /tracking:status:\[ab\]\*/);
  const family = await connectErrorOf(w.client.invalidatePattern({ pattern: "tracking:anything:*" }));
  assert.is(family.code, Code.InvalidArgument);
  assert.match(family.rawMessage, /"tracking:anything:\*".*must start with/);
  // Rate-limit counters are out of reach (the proto's own rule catches it first).
  assert.is((await connectErrorOf(w.client.invalidatePattern({ pattern: "ratelimit:*" }))).code, Code.InvalidArgument);
});

test("WarmCache by ids, and by the N most read shipments of status_cache", async () => {
  const w = world();
  const [a, b, c] = [await shipment(), await shipment(), await shipment()];
  const byIds = await w.client.warmCache({ trackingIds: [a, b, randomUUID()] });
  assert.equal([byIds.warmed, byIds.notFound], [2, 1]);
  await w.tc.readRecord(c);
  for (let i = 0; i < 5; i++) await w.tc.readRecord(a);
  for (let i = 0; i < 3; i++) await w.tc.readRecord(c);
  await w.tc.readRecord(b);
  await ledger.flush();
  await w.client.invalidatePattern({ pattern: "tracking:status:*" });
  const top = await w.client.warmCache({ topN: 2 });
  assert.equal([top.warmed, top.notFound], [2, 0]);
  assert.is(await w.raw.exists(cacheKeys.status(a)), 1);
  assert.is(await w.raw.exists(cacheKeys.status(c)), 1);
  assert.is(await w.raw.exists(cacheKeys.status(b)), 0);
  assert.is((await connectErrorOf(w.client.warmCache({}))).code, Code.InvalidArgument);
});

test("GetCacheStatistics: hits, misses and ratios per family and strategy, key counts, Redis memory", async () => {
  const w = world();
  const fixed = await shipment({ cache_strategy: "FIXED" });
  const dynamic = await shipment();
  await w.tc.readRecord(fixed);
  await w.tc.readRecord(fixed);
  await w.tc.readRecord(fixed);
  await w.tc.readRecord(dynamic);
  await w.tc.readEventsHead(dynamic);
  const s = await w.client.getCacheStatistics({});
  assert.is(s.hits, 2n);
  assert.is(s.misses, 3n);
  assert.ok(Math.abs(s.hitRatio - 0.4) < 1e-9);
  const status = s.families.find((f) => f.name === "tracking:status");
  assert.equal([status?.hits, status?.misses, status?.keys], [2n, 2n, 2n]);
  const events = s.families.find((f) => f.name === "tracking:events");
  assert.equal([events?.hits, events?.misses, events?.keys], [0n, 1n, 1n]);
  assert.is(s.strategies.find((x) => x.name === "FIXED")?.hits, 2n);
  assert.ok((s.redisUsedMemoryBytes ?? 0n) > 0n);
  assert.is(s.redisAvailable, true);
  assert.is(s.defaultStrategy, CacheStrategy.DYNAMIC);
});

test("Redis down: cache operations are Unavailable, statistics still answer", async () => {
  const w = world("redis://127.0.0.1:1");
  const id = await shipment();
  assert.ok(await w.tc.readRecord(id), "reads fall through");
  assert.is((await connectErrorOf(w.client.invalidateTracking({ trackingId: id }))).code, Code.Unavailable);
  assert.is(
    (await connectErrorOf(w.client.invalidatePattern({ pattern: "tracking:status:*" }))).code,
    Code.Unavailable,
  );
  assert.is((await connectErrorOf(w.client.warmCache({ trackingIds: [id] }))).code, Code.Unavailable);
  const s = await w.client.getCacheStatistics({});
  assert.is(s.redisAvailable, false);
  assert.is(s.redisUsedMemoryBytes, 0n);
});

test.run();
