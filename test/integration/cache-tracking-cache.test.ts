// The read-through tracking cache on a real Postgres and Redis: a miss loads and caches the mapped record with the TTL
// of the record's strategy, a hit does not touch Postgres, a committed change is never hidden for longer than the
// round trip it happened in (including a reader that loaded just before the commit), deleted shipments, the events
// head and its pages, number → id entries, warming, the status_cache rows, the change publisher driving it all, and
// Redis down (reads still answer from Postgres).
import { randomUUID } from "node:crypto";
import { isMessage } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type TrackingRecord, TrackingRecordSchema, TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { createRedis } from "../../src/cache/redis.js";
import { createStatusCache, type StatusCache } from "../../src/cache/status-cache.js";
import { createStatusCacheLedger, type StatusCacheLedger } from "../../src/cache/status-cache-ledger.js";
import { createTrackingCache, type TrackingCache } from "../../src/cache/tracking-cache.js";
import { createTrackingLoader, type TrackingLoader } from "../../src/cache/tracking-loader.js";
import { firstPageFromHead } from "../../src/domain/cache/events-page.js";
import { cacheKeys } from "../../src/domain/cache/keys.js";
import { createTrackingReads } from "../../src/store/tracking-reads.js";
import { CHANGES_CHANNEL } from "../../src/tracking/change-feed.js";
import {
  type ChangePublisher,
  createChangePublisher,
  type TrackingChange,
} from "../../src/tracking/change-publisher.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";
import { freshNumber, insertEvents, insertRecord } from "../support/tracking-seed.js";

const logger = pino({ level: "silent" });
let db: TestDatabase;
let carrier: number;
const prefix = uniquePrefix("tracking_cache");
const clients: Redis[] = [];
let raw: Redis;
let cache: StatusCache;
let ledger: StatusCacheLedger;
let loader: TrackingLoader & { recordLoads: number };
let tc: TrackingCache;
const publishers: ChangePublisher[] = [];

function client(url = TEST_REDIS_URL): Redis {
  const r = createRedis({ url, keyPrefix: prefix, logger });
  clients.push(r);
  return r;
}

function counting(inner: TrackingLoader): TrackingLoader & { recordLoads: number } {
  const l = {
    ...inner,
    recordLoads: 0,
    record(id: string) {
      l.recordLoads++;
      return inner.record(id);
    },
  };
  return l;
}

test.before(async () => {
  db = await createTestDatabase("tracking_cache");
  carrier = (await db.models.Carrier.create({ carrierCode: "tc-carrier", carrierName: "TC" })).carrierId;
  raw = client();
  const redis = client();
  ledger = createStatusCacheLedger({ sequelize: db.sequelize, flushIntervalMs: 60_000, maxPending: 10_000 });
  cache = createStatusCache({ redis, timeoutMs: 1_000, observer: ledger });
  loader = counting(createTrackingLoader({ sequelize: db.sequelize, reads: createTrackingReads(db.sequelize) }));
  tc = createTrackingCache({
    cache,
    redis,
    loader,
    ledger,
    defaultStrategy: "DYNAMIC",
    fixedTtlSeconds: 600,
    timeoutMs: 1_000,
  });
});

test.after(async () => {
  for (const p of publishers) await p.stop();
  await ledger.close();
  for (const r of clients) r.disconnect();
  await deleteKeysWithPrefix(prefix);
  await db?.drop();
});

const shipment = (cols: Record<string, unknown> = {}) => insertRecord(db.sequelize, { carrier_id: carrier, ...cols });

/** Commits a status change the way ingest does: record update and change row in one transaction. */
async function commitStatus(id: string, status: string, newEvents = 0): Promise<TrackingChange> {
  const [row] = await db.sequelize.query<{ id: string; at: Date }>(
    `WITH u AS (UPDATE tracking_records SET current_status = $2, updated_at = now() WHERE tracking_id = $1)
     INSERT INTO tracking_changes (tracking_id, change_kind, current_status, status_changed, new_events)
     VALUES ($1, 'UPDATED', $2, true, $3) RETURNING change_id::text AS id, created_at AS at`,
    { bind: [id, status, newEvents], type: QueryTypes.SELECT },
  );
  if (!row) throw new Error("no change row");
  return change(row.id, id, "UPDATED", status, row.at);
}

function change(
  changeId: string,
  trackingId: string,
  kind: TrackingChange["kind"],
  status: string | null,
  at = new Date(),
) {
  return { changeId, trackingId, kind, currentStatus: status, statusChanged: true, newEvents: 0, createdAt: at };
}

async function ttl(key: string): Promise<number> {
  return raw.ttl(key);
}

async function near(key: string, expected: number): Promise<void> {
  const t = await ttl(key);
  assert.ok(t <= expected && t >= expected - 3, `${key}: TTL ${t}, expected ${expected}`);
}

test("a miss loads the mapped record and caches it; the hit is the same message without touching Postgres", async () => {
  const id = await shipment({ current_status: "IN_TRANSIT" });
  await insertEvents(db.sequelize, id, [{ time: new Date("2026-12-01T10:00:00Z"), description: "Departed" }]);
  const before = loader.recordLoads;
  const first = (await tc.readRecord(id)) as TrackingRecord;
  assert.ok(isMessage(first, TrackingRecordSchema));
  assert.is(first.status, TrackingStatus.IN_TRANSIT);
  assert.is(first.latestEvent?.description, "Departed");
  const second = await tc.readRecord(id);
  assert.is(loader.recordLoads, before + 1);
  assert.equal(second, first);
  await near(cacheKeys.status(id), 3_600);
});

test("concurrent misses of one shipment share one load", async () => {
  const id = await shipment();
  const before = loader.recordLoads;
  const all = await Promise.all(Array.from({ length: 20 }, () => tc.readRecord(id)));
  assert.is(loader.recordLoads, before + 1);
  assert.ok(all.every((r) => r?.trackingId === id));
});

test("TTL per record strategy: FIXED configured, DYNAMIC by status, ADAPTIVE by change pace, fallback to DYNAMIC", async () => {
  const fixed = await shipment({ cache_strategy: "FIXED" });
  const ofd = await shipment({ current_status: "OUT_FOR_DELIVERY" });
  const delivered = await shipment({ current_status: "DELIVERED", is_delivered: true });
  const adaptive = await shipment({ cache_strategy: "ADAPTIVE" });
  const fresh = await shipment({ cache_strategy: "ADAPTIVE", current_status: "EXCEPTION" });
  // Changes every 4 hours → half of it, 2 h.
  await db.sequelize.query(
    `INSERT INTO tracking_changes (tracking_id, change_kind, current_status, status_changed, new_events, created_at,
       published_at)
     SELECT $1, 'UPDATED', 'IN_TRANSIT', true, 1, (now() AT TIME ZONE 'UTC') - make_interval(hours => h),
       (now() AT TIME ZONE 'UTC') FROM unnest(ARRAY[12, 8, 4, 0]) AS h`,
    { bind: [adaptive] },
  );
  for (const id of [fixed, ofd, delivered, adaptive, fresh]) assert.ok(await tc.readRecord(id));
  await near(cacheKeys.status(fixed), 600);
  await near(cacheKeys.status(ofd), 900);
  await near(cacheKeys.status(delivered), 86_400);
  await near(cacheKeys.status(adaptive), 7_200);
  await near(cacheKeys.status(fresh), 1_800);
});

test("a committed change is seen at the next read once the handler ran", async () => {
  const id = await shipment({ current_status: "IN_TRANSIT" });
  assert.is((await tc.readRecord(id))?.status, TrackingStatus.IN_TRANSIT);
  const c = await commitStatus(id, "OUT_FOR_DELIVERY");
  await tc.onChanges([c]);
  assert.is((await tc.readRecord(id))?.status, TrackingStatus.OUT_FOR_DELIVERY);
  assert.is((await tc.readRecord(id))?.status, TrackingStatus.OUT_FOR_DELIVERY);
  await near(cacheKeys.status(id), 900);
});

test("a reader that loaded just before a commit cannot put the older record back", async () => {
  const id = await shipment({ current_status: "IN_TRANSIT" });
  const old = await loader.record(id);
  // The reader's version and row are read, then the change commits and is handled, then the reader's fill arrives.
  const inFlight = tc.readRecord(id, async () => {
    const c = await commitStatus(id, "DELIVERED");
    await tc.onChanges([c]);
    return old;
  });
  assert.is((await inFlight)?.status, TrackingStatus.IN_TRANSIT, "the round trip of the commit may see the old one");
  assert.is((await tc.readRecord(id))?.status, TrackingStatus.DELIVERED);
});

test("the handler never lets an older change's marker replace a newer entry", async () => {
  const id = await shipment();
  const c1 = await commitStatus(id, "OUT_FOR_DELIVERY");
  const c2 = await commitStatus(id, "DELIVERED");
  await tc.onChanges([c2]);
  assert.is((await tc.readRecord(id))?.status, TrackingStatus.DELIVERED);
  const loads = loader.recordLoads;
  await tc.onChanges([c1]);
  assert.is((await tc.readRecord(id))?.status, TrackingStatus.DELIVERED);
  assert.is(loader.recordLoads, loads, "the newer entry stayed cached");
});

test("a deleted shipment reads as absent once its change is handled", async () => {
  const id = await shipment();
  assert.ok(await tc.readRecord(id));
  const [row] = await db.sequelize.query<{ id: string }>(
    `WITH d AS (DELETE FROM tracking_records WHERE tracking_id = $1)
     INSERT INTO tracking_changes (tracking_id, change_kind) VALUES ($1, 'DELETED') RETURNING change_id::text AS id`,
    { bind: [id], type: QueryTypes.SELECT },
  );
  await tc.onChanges([change(row?.id as string, id, "DELETED", null)]);
  assert.is(await tc.readRecord(id), undefined);
  assert.is(await tc.readRecord(id), undefined);
});

test("events head: cached with cursors, pages from it, refreshed after new events", async () => {
  const id = await shipment();
  const t0 = Date.parse("2026-11-01T00:00:00Z");
  await insertEvents(
    db.sequelize,
    id,
    Array.from({ length: 5 }, (_, i) => ({ time: new Date(t0 + i * 3_600_000 + 123), description: `e${i}` })),
  );
  const head = await tc.readEventsHead(id);
  assert.ok(head);
  assert.equal(
    head?.events.map((e) => e.description),
    ["e0", "e1", "e2", "e3", "e4"],
  );
  assert.is(head?.more, false);
  assert.is(head?.cursors[0]?.t, "2026-11-01 00:00:00.123");
  const again = await tc.readEventsHead(id);
  assert.equal(again, head);
  await near(cacheKeys.events(id), 6 * 3_600);
  // The cursor a cached page hands out continues exactly where Postgres would.
  const page = firstPageFromHead(again as NonNullable<typeof again>, "asc", 2);
  const reads = createTrackingReads(db.sequelize);
  const rest = await reads.listEvents(id, { filter: {}, order: "asc", limit: 10, after: page?.next });
  assert.equal(
    rest.rows.map((r) => r.eventDescription),
    ["e2", "e3", "e4"],
  );
  await insertEvents(db.sequelize, id, [{ time: new Date(t0 + 10 * 3_600_000), description: "e5" }]);
  await tc.onChanges([await commitStatus(id, "IN_TRANSIT", 1)]);
  assert.is((await tc.readEventsHead(id))?.events.length, 6);
  assert.is(await tc.readEventsHead(randomUUID()), undefined);
});

test("number → id entries: remembered for 15 min, dropped when the number is registered again", async () => {
  const number = freshNumber("HOT");
  const id = await shipment({ tracking_number: number });
  assert.is(await tc.hotId(number), undefined);
  await tc.rememberHot(number, id);
  assert.is(await tc.hotId(number), id);
  await near(cacheKeys.hot(number), 900);
  const other = await insertRecord(db.sequelize, {
    carrier_id: (await db.models.Carrier.create({ carrierCode: "tc-other", carrierName: "Other" })).carrierId,
    tracking_number: number,
  });
  await tc.onChanges([{ ...change("1", other, "REGISTERED", "NOT_FOUND"), statusChanged: false }]);
  assert.is(await tc.hotId(number), undefined);
  await tc.rememberHot(number, id);
  await tc.forgetHot(number);
  assert.is(await tc.hotId(number), undefined);
});

test("warm caches existing shipments and counts the missing ones", async () => {
  const a = await shipment();
  const b = await shipment();
  const r = await tc.warm([a, b, randomUUID(), a]);
  assert.equal(r, { warmed: 2, notFound: 1, failed: 0 });
  assert.ok(
    (await raw.exists(cacheKeys.status(a), cacheKeys.events(a), cacheKeys.status(b), cacheKeys.events(b))) === 4,
  );
});

test("status_cache rows follow fills, hits and change invalidations", async () => {
  const id = await shipment({ current_status: "IN_TRANSIT", cache_strategy: "FIXED" });
  await tc.readRecord(id);
  await tc.readRecord(id);
  await tc.readRecord(id);
  await ledger.flush();
  type Row = { strategy: string; ttl: number; status: string; hits: number; valid: boolean; reason: string | null };
  const row = async () =>
    (
      await db.sequelize.query<Row>(
        `SELECT cache_strategy AS strategy, ttl_minutes AS ttl, cached_status AS status, hit_count AS hits,
                is_valid AS valid, invalidation_reason AS reason FROM status_cache WHERE cache_key = $1`,
        { bind: [cacheKeys.status(id)], type: QueryTypes.SELECT },
      )
    )[0];
  assert.equal(await row(), { strategy: "FIXED", ttl: 10, status: "IN_TRANSIT", hits: 2, valid: true, reason: null });
  const c = await commitStatus(id, "DELIVERED");
  await tc.onChanges([c]);
  await ledger.flush();
  assert.equal(await row(), {
    strategy: "FIXED",
    ttl: 10,
    status: "IN_TRANSIT",
    hits: 2,
    valid: false,
    reason: `change ${c.changeId}: updated`,
  });
  await tc.readRecord(id);
  await ledger.flush();
  const after = await row();
  assert.is(after?.status, "DELIVERED");
  assert.is(after?.valid, true);
});

test("driven by the change publisher: ingest-style commits reach readers without any explicit call", async () => {
  const id = await shipment({ current_status: "IN_TRANSIT" });
  const p = createChangePublisher({
    sequelize: db.sequelize,
    databaseUrl: db.databaseUrl,
    handlers: [tc.onChanges],
    logger,
    pollMs: 60_000,
  });
  publishers.push(p);
  await p.start();
  assert.is((await tc.readRecord(id))?.status, TrackingStatus.IN_TRANSIT);
  await db.sequelize.transaction(async (transaction) => {
    await db.sequelize.query(
      `WITH u AS (UPDATE tracking_records SET current_status = 'AVAILABLE_FOR_PICKUP' WHERE tracking_id = $1),
       c AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status, status_changed)
             VALUES ($1, 'UPDATED', 'AVAILABLE_FOR_PICKUP', true) RETURNING change_id)
       SELECT pg_notify('${CHANGES_CHANNEL}', change_id::text) FROM c`,
      { bind: [id], transaction },
    );
  });
  const end = Date.now() + 3_000;
  let status = (await tc.readRecord(id))?.status;
  while (status !== TrackingStatus.AVAILABLE_FOR_PICKUP && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
    status = (await tc.readRecord(id))?.status;
  }
  assert.is(status, TrackingStatus.AVAILABLE_FOR_PICKUP);
  await p.stop();
});

test("Redis unreachable: reads answer from Postgres, the change handler fails so the batch is retried", async () => {
  const dead = client("redis://127.0.0.1:1");
  const deadCache = createStatusCache({ redis: dead, timeoutMs: 50 });
  const down = createTrackingCache({
    cache: deadCache,
    redis: dead,
    loader,
    defaultStrategy: "DYNAMIC",
    fixedTtlSeconds: 60,
  });
  const id = await shipment({ current_status: "EXCEPTION" });
  const started = Date.now();
  assert.is((await down.readRecord(id))?.status, TrackingStatus.EXCEPTION);
  assert.is((await down.readRecord(id))?.status, TrackingStatus.EXCEPTION);
  assert.ok((await down.readEventsHead(id))?.events);
  assert.ok(Date.now() - started < 2_000, "no read waited for Redis");
  try {
    await down.onChanges([await commitStatus(id, "DELIVERED")]);
    assert.unreachable("the handler must fail while Redis is down");
  } catch (err) {
    assert.match((err as Error).message, /redis unavailable/);
  }
});

test.run();
