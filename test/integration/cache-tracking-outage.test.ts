// Redis stopped during a read load (issue #6): GetTracking-equivalent reads through the tracking cache keep answering
// from Postgres while a redis-server of this suite's own is killed, a change committed meanwhile is not lost (the
// publisher's batch fails and is retried), and once Redis is back the cache fills again by itself and serves the
// newest status. The machine's Redis is not touched.
import type { Redis } from "ioredis";
import { pino } from "pino";
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { createRedis } from "../../src/cache/redis.js";
import { createStatusCache } from "../../src/cache/status-cache.js";
import { createTrackingCache } from "../../src/cache/tracking-cache.js";
import { createTrackingLoader } from "../../src/cache/tracking-loader.js";
import { createTrackingReads } from "../../src/store/tracking-reads.js";
import { CHANGES_CHANNEL } from "../../src/tracking/change-feed.js";
import { type ChangePublisher, createChangePublisher } from "../../src/tracking/change-publisher.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { type PrivateRedis, startPrivateRedis } from "../support/private-redis.js";
import { insertRecord } from "../support/tracking-seed.js";

const logger = pino({ level: "silent" });
let db: TestDatabase;
let server: PrivateRedis;
const clients: Redis[] = [];
let publisher: ChangePublisher | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async () => {
  db = await createTestDatabase("tracking_cache_outage");
  server = await startPrivateRedis();
});

test.after(async () => {
  await publisher?.stop();
  for (const c of clients) c.disconnect();
  await server?.kill();
  await db?.drop();
});

test("reads answer through a Redis outage, a change made meanwhile shows up, and the cache refills itself", async () => {
  const carrier = (await db.models.Carrier.create({ carrierCode: "out-carrier", carrierName: "Out" })).carrierId;
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(await insertRecord(db.sequelize, { carrier_id: carrier }));
  const redis = createRedis({ url: server.url, keyPrefix: "outage:", logger });
  clients.push(redis);
  await redis.connect();
  const cache = createStatusCache({ redis, timeoutMs: 50, pauseMs: 200 });
  const loader = createTrackingLoader({ sequelize: db.sequelize, reads: createTrackingReads(db.sequelize) });
  const tc = createTrackingCache({ cache, redis, loader, defaultStrategy: "DYNAMIC", fixedTtlSeconds: 60 });
  publisher = createChangePublisher({
    sequelize: db.sequelize,
    databaseUrl: db.databaseUrl,
    handlers: [tc.onChanges],
    redis,
    logger,
    pollMs: 200,
  });
  await publisher.start();

  // A steady read load: 8 readers over the 20 shipments until told to stop.
  let reading = true;
  let reads = 0;
  let slowest = 0;
  const failures: unknown[] = [];
  const readers = Array.from({ length: 8 }, async (_, r) => {
    for (let i = r; reading; i++) {
      const started = performance.now();
      try {
        const rec = await tc.readRecord(ids[i % ids.length] as string);
        if (!rec) failures.push(new Error("record missing"));
      } catch (err) {
        failures.push(err);
      }
      slowest = Math.max(slowest, performance.now() - started);
      reads++;
      await sleep(2);
    }
  });

  await sleep(300);
  const target = ids[0] as string;
  assert.is((await tc.readRecord(target))?.status, TrackingStatus.IN_TRANSIT);
  await server.kill();
  await sleep(300);
  // Committed while Redis is down: the publisher cannot mark the cache, so the change stays unpublished.
  await db.sequelize.query(
    `WITH u AS (UPDATE tracking_records SET current_status = 'DELIVERED' WHERE tracking_id = $1),
     c AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status, status_changed)
           VALUES ($1, 'UPDATED', 'DELIVERED', true) RETURNING change_id)
     SELECT pg_notify('${CHANGES_CHANNEL}', change_id::text) FROM c`,
    { bind: [target] },
  );
  await sleep(500);
  const [pending] = await db.sequelize.query<{ n: string }>(
    "SELECT count(*) AS n FROM tracking_changes WHERE published_at IS NULL",
    { type: QueryTypes.SELECT },
  );
  assert.is(Number(pending?.n), 1, "the change waits for Redis");
  assert.is((await tc.readRecord(target))?.status, TrackingStatus.DELIVERED, "Postgres answers meanwhile");

  await server.start();
  // Back by itself: the feed drains and reads are hits again.
  const end = Date.now() + 10_000;
  for (;;) {
    const [row] = await db.sequelize.query<{ n: string }>(
      "SELECT count(*) AS n FROM tracking_changes WHERE published_at IS NULL",
      { type: QueryTypes.SELECT },
    );
    const before = (await cache.stats()).hits;
    await tc.readRecord(ids[1] as string);
    await tc.readRecord(ids[1] as string);
    const hitsAgain = (await cache.stats()).hits > before;
    if (Number(row?.n) === 0 && hitsAgain) break;
    if (Date.now() > end) throw new Error("the cache did not recover");
    await sleep(100);
  }
  assert.is((await tc.readRecord(target))?.status, TrackingStatus.DELIVERED);
  reading = false;
  await Promise.all(readers);
  assert.equal(failures, []);
  assert.ok(reads > 100, `only ${reads} reads`);
  assert.ok(slowest < 1_500, `a read took ${slowest.toFixed(0)} ms`);
});

test.run();
