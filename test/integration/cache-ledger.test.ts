// The status_cache ledger on a real database: rows as cached (strategy, TTL, expiry in UTC), invalidation and
// re-validation, hit counts batched (no write per read), flush by size, by timer and on close, shipments deleted
// meanwhile, and a failed flush retried without losing counts. Hits come through the real cache on a real Redis.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { QueryTypes, type Sequelize } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRedis } from "../../src/cache/redis.js";
import { createStatusCache } from "../../src/cache/status-cache.js";
import {
  createStatusCacheLedger,
  type LedgerSet,
  type StatusCacheLedger,
  type StatusCacheLedgerOptions,
} from "../../src/cache/status-cache-ledger.js";
import { cacheKeys } from "../../src/domain/cache/keys.js";
import { createSequelize } from "../../src/store/sequelize.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";

let db: TestDatabase;
/** A second pool on the same database that logs every statement, to count what the ledger sends. */
let logged: Sequelize;
const statements: string[] = [];
let carrierId: number;
const ledgers: StatusCacheLedger[] = [];
const prefix = uniquePrefix("cache_ledger");
let redis: Redis;

test.before(async () => {
  db = await createTestDatabase("cache_ledger");
  logged = createSequelize({ databaseUrl: db.databaseUrl, poolMax: 3, logging: (sql) => statements.push(sql) });
  carrierId = (await db.models.Carrier.create({ carrierCode: "ledger-carrier", carrierName: "Ledger" })).carrierId;
  redis = createRedis({ url: TEST_REDIS_URL, keyPrefix: prefix, logger: pino({ level: "silent" }) });
});

test.after(async () => {
  for (const l of ledgers) await l.close();
  redis?.disconnect();
  await deleteKeysWithPrefix(prefix);
  await logged?.close();
  await db?.drop();
});

/** A ledger that only flushes when told, unless the options say otherwise. */
function ledger(opts: Partial<StatusCacheLedgerOptions> = {}): StatusCacheLedger {
  const l = createStatusCacheLedger({ sequelize: logged, flushIntervalMs: 60_000, maxPending: 10_000, ...opts });
  ledgers.push(l);
  return l;
}

async function shipment(status = "IN_TRANSIT"): Promise<string> {
  const r = await db.models.TrackingRecord.create({
    trackingNumber: `TN${randomUUID()}`,
    carrierId,
    currentStatus: status,
  });
  return r.trackingId;
}

function setOf(trackingId: string, over: Partial<LedgerSet> = {}): LedgerSet {
  return {
    cacheKey: cacheKeys.status(trackingId),
    trackingId,
    status: "IN_TRANSIT",
    location: "Leipzig, DE",
    eventCount: 4,
    response: { status: "IN_TRANSIT", location: "Leipzig, DE" },
    strategy: "DYNAMIC",
    ttlSeconds: 3_600,
    cachedAt: new Date("2026-12-04T12:00:00.000Z"),
    ...over,
  };
}

const row = (key: string) => db.models.StatusCache.findOne({ where: { cacheKey: key } });

async function until(check: () => Promise<boolean>, ms = 3_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a set becomes a row with the strategy, TTL and expiry it was cached with (UTC)", async () => {
  const l = ledger();
  const id = await shipment();
  l.recordSet(setOf(id, { strategy: "ADAPTIVE", ttlSeconds: 7_230 }));
  assert.ok(await l.flush());
  const r = await row(cacheKeys.status(id));
  assert.ok(r);
  assert.is(r.trackingId, id);
  assert.is(r.cachedStatus, "IN_TRANSIT");
  assert.is(r.cachedLocation, "Leipzig, DE");
  assert.is(r.cachedEventCount, 4);
  assert.equal(r.cachedResponse, { status: "IN_TRANSIT", location: "Leipzig, DE" });
  assert.is(r.cacheStrategy, "ADAPTIVE");
  assert.is(r.ttlMinutes, 121, "rounded up to whole minutes");
  assert.is(r.cachedAt.toISOString(), "2026-12-04T12:00:00.000Z");
  assert.is(r.expiresAt.toISOString(), "2026-12-04T14:00:30.000Z");
  assert.is(r.isValid, true);
  assert.is(r.hitCount, 0);
  const [raw] = await db.sequelize.query<{ at: string }>(
    "SELECT to_char(cached_at, 'YYYY-MM-DD HH24:MI:SS') AS at FROM status_cache WHERE cache_key = $1",
    { bind: [cacheKeys.status(id)], type: QueryTypes.SELECT },
  );
  assert.is(raw?.at, "2026-12-04 12:00:00", "stored as UTC wall-clock time");
});

test("hits through the real cache are counted in memory and written by one statement per flush", async () => {
  const l = ledger();
  const cache = createStatusCache({ redis, timeoutMs: 1_000, observer: l });
  const [a, b] = [await shipment(), await shipment()];
  for (const id of [a, b]) {
    await cache.set(cacheKeys.status(id), { id }, 600, { strategy: "DYNAMIC" });
    l.recordSet(setOf(id));
  }
  await l.flush();
  statements.length = 0;
  for (let i = 0; i < 500; i++) await cache.get(cacheKeys.status(a));
  await cache.getMany(Array.from({ length: 20 }, () => cacheKeys.status(b)));
  await cache.get(cacheKeys.carrierMetadata("none")); // not a per-shipment key: never reaches the ledger
  assert.equal(statements, [], "no database write per read");
  assert.is(l.stats().pending, 2);
  assert.ok(await l.flush());
  const writes = statements.filter((s) => /status_cache/.test(s) && !/FOR UPDATE/.test(s));
  assert.is(writes.length, 1, writes.join("\n"));
  assert.match(writes[0] ?? "", /UPDATE status_cache/);
  const [ra, rb] = [await row(cacheKeys.status(a)), await row(cacheKeys.status(b))];
  assert.is(ra?.hitCount, 500);
  assert.is(rb?.hitCount, 20);
  assert.ok(ra?.lastHitAt && Date.now() - ra.lastHitAt.getTime() < 60_000, "last_hit_at is now (UTC)");
  for (let i = 0; i < 7; i++) await cache.get(cacheKeys.status(a));
  await l.flush();
  assert.is((await row(cacheKeys.status(a)))?.hitCount, 507, "counts add up across flushes");
});

test("invalidation marks the row invalid with time and reason; a later set makes it valid again, hits kept", async () => {
  const l = ledger();
  const id = await shipment();
  const key = cacheKeys.status(id);
  l.recordSet(setOf(id));
  l.hit(key, new Date("2026-12-04T12:05:00Z"));
  await l.flush();
  l.invalidated([key], "status changed to OUT_FOR_DELIVERY", new Date("2026-12-04T12:10:00Z"));
  await l.flush();
  let r = await row(key);
  assert.is(r?.isValid, false);
  assert.is(r?.invalidatedAt?.toISOString(), "2026-12-04T12:10:00.000Z");
  assert.is(r?.invalidationReason, "status changed to OUT_FOR_DELIVERY");
  // A second invalidation of an invalid row keeps the first one's time and reason.
  l.invalidated([key], "pattern", new Date("2026-12-04T12:11:00Z"));
  await l.flush();
  assert.is((await row(key))?.invalidationReason, "status changed to OUT_FOR_DELIVERY");

  l.recordSet(setOf(id, { status: "OUT_FOR_DELIVERY", strategy: "FIXED", ttlSeconds: 300 }));
  await l.flush();
  r = await row(key);
  assert.is(r?.isValid, true);
  assert.is(r?.invalidatedAt, null);
  assert.is(r?.invalidationReason, null);
  assert.is(r?.cachedStatus, "OUT_FOR_DELIVERY");
  assert.is(r?.cacheStrategy, "FIXED");
  assert.is(r?.ttlMinutes, 5);
  assert.is(r?.hitCount, 1);
  assert.is(await db.models.StatusCache.count({ where: { cacheKey: key } }), 1, "one row per key");
});

test("within one buffer: set then invalidate leaves an invalid row; invalidate then set a valid one", async () => {
  const l = ledger();
  const [a, b] = [await shipment(), await shipment()];
  l.recordSet(setOf(a));
  l.invalidated([cacheKeys.status(a)], "changed", new Date());
  l.invalidated([cacheKeys.status(b)], "changed", new Date());
  l.recordSet(setOf(b));
  await l.flush();
  assert.is((await row(cacheKeys.status(a)))?.isValid, false);
  assert.is((await row(cacheKeys.status(b)))?.isValid, true);
});

test("invalidations through the real cache (keys and pattern) reach the ledger", async () => {
  const l = ledger();
  const cache = createStatusCache({ redis, timeoutMs: 1_000, observer: l });
  const ids = [await shipment(), await shipment(), await shipment()];
  for (const id of ids) {
    await cache.set(cacheKeys.status(id), { id }, 600);
    await cache.set(cacheKeys.events(id), [], 600);
    l.recordSet(setOf(id));
    l.recordSet(setOf(id, { cacheKey: cacheKeys.events(id) }));
  }
  await l.flush();
  await cache.invalidate(cacheKeys.ofTracking(ids[0] as string), "InvalidateTracking");
  await cache.invalidatePattern("tracking:events:*", { maxKeys: 100, reason: "InvalidatePattern" });
  await l.flush();
  const rows = await db.models.StatusCache.findAll({ where: { trackingId: ids } });
  const byKey = new Map(rows.map((r) => [r.cacheKey, r]));
  assert.is(byKey.get(cacheKeys.status(ids[0] as string))?.invalidationReason, "InvalidateTracking");
  assert.is(byKey.get(cacheKeys.events(ids[0] as string))?.invalidationReason, "InvalidateTracking");
  assert.is(byKey.get(cacheKeys.events(ids[1] as string))?.invalidationReason, "InvalidatePattern");
  assert.is(byKey.get(cacheKeys.status(ids[1] as string))?.isValid, true);
});

test("flushes by itself once maxPending keys wait, and on its timer", async () => {
  const bySize = ledger({ maxPending: 5 });
  const ids = await Promise.all(Array.from({ length: 5 }, () => shipment()));
  for (const id of ids) bySize.recordSet(setOf(id));
  await until(async () => (await db.models.StatusCache.count({ where: { trackingId: ids } })) === 5);

  const byTimer = ledger({ flushIntervalMs: 50 });
  const id = await shipment();
  byTimer.recordSet(setOf(id));
  await until(async () => (await row(cacheKeys.status(id))) !== null);
  assert.ok(byTimer.stats().flushes >= 1);
});

test("close flushes what is pending, is idempotent, and ignores later records", async () => {
  const l = ledger();
  const id = await shipment();
  l.recordSet(setOf(id));
  await Promise.all([l.close(), l.close()]);
  assert.ok(await row(cacheKeys.status(id)));
  const late = await shipment();
  l.recordSet(setOf(late));
  await l.close();
  assert.is(await row(cacheKeys.status(late)), null);
  assert.is(l.stats().pending, 0);
});

test("a shipment deleted before the flush is skipped without failing the others", async () => {
  const l = ledger();
  const [gone, kept] = [await shipment(), await shipment()];
  l.recordSet(setOf(gone));
  l.recordSet(setOf(kept));
  l.recordSet(setOf(randomUUID())); // never existed
  await db.models.TrackingRecord.destroy({ where: { trackingId: gone } });
  assert.ok(await l.flush());
  assert.is(await row(cacheKeys.status(gone)), null);
  assert.ok(await row(cacheKeys.status(kept)));
});

test("entries that could never be written are refused up front", async () => {
  const l = ledger();
  l.recordSet(setOf("not-a-uuid"));
  l.recordSet(setOf(randomUUID(), { ttlSeconds: Number.NaN }));
  assert.equal(l.stats(), { pending: 0, flushes: 0, failedFlushes: 0, dropped: 2 });
});

test("a failed flush keeps its entries, merges newer ones, and the next flush writes everything", async () => {
  const l = ledger();
  const id = await shipment();
  const key = cacheKeys.status(id);
  l.recordSet(setOf(id));
  await l.flush();
  l.hit(key, new Date("2026-12-04T13:00:00Z"));
  l.hit(key, new Date("2026-12-04T13:00:01Z"));
  await db.sequelize.query("ALTER TABLE status_cache RENAME TO status_cache_away");
  try {
    assert.is(await l.flush(), false);
    // Arrives while the table is away: merged with the failed batch, not instead of it.
    l.hit(key, new Date("2026-12-04T13:00:02Z"));
    l.invalidated([key], "changed", new Date("2026-12-04T13:00:03Z"));
  } finally {
    await db.sequelize.query("ALTER TABLE status_cache_away RENAME TO status_cache");
  }
  assert.ok(await l.flush());
  const r = await row(key);
  assert.is(r?.hitCount, 3);
  assert.is(r?.lastHitAt?.toISOString(), "2026-12-04T13:00:02.000Z");
  assert.is(r?.isValid, false);
  assert.equal({ ...l.stats(), flushes: undefined }, { pending: 0, flushes: undefined, failedFlushes: 1, dropped: 0 });
});

test("two replicas flushing the same keys at once neither deadlock nor lose counts", async () => {
  const [x, y] = [ledger(), ledger()];
  const ids = await Promise.all(Array.from({ length: 100 }, () => shipment()));
  for (const id of ids) x.recordSet(setOf(id));
  await x.flush();
  const keys = ids.map((id) => cacheKeys.status(id));
  for (let round = 0; round < 5; round++) {
    // Opposite orders: without a common lock order these two transactions would deadlock.
    for (const k of keys) x.hit(k, new Date());
    for (const k of [...keys].reverse()) y.hit(k, new Date());
    const [okX, okY] = await Promise.all([x.flush(), y.flush()]);
    assert.ok(okX && okY, `round ${round}`);
  }
  const rows = await db.models.StatusCache.findAll({ where: { cacheKey: keys } });
  assert.is(rows.length, 100);
  assert.ok(rows.every((r) => r.hitCount === 10));
  assert.is(x.stats().failedFlushes + y.stats().failedFlushes, 0);
});

test("after failures the buffer keeps at most maxBuffered keys, dropping the oldest", async () => {
  const l = ledger({ maxBuffered: 3 });
  await db.sequelize.query("ALTER TABLE status_cache RENAME TO status_cache_away");
  try {
    for (let i = 0; i < 5; i++) l.hit(cacheKeys.status(`k${i}`), new Date());
    assert.is(await l.flush(), false);
  } finally {
    await db.sequelize.query("ALTER TABLE status_cache_away RENAME TO status_cache");
  }
  assert.is(l.stats().pending, 3);
  assert.is(l.stats().dropped, 2);
});

test.run();
