// The cache through the real app (issue #6): GetTracking and ListTrackingEvents read through Redis, a committed change
// reaches the next read, CacheService over gRPC, and a Redis of the test's own killed and restarted during a read
// load: every RPC still answers, and the cache fills again by itself.
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Redis } from "ioredis";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Health, HealthCheckResponse_ServingStatus as HealthStatus } from "../../gen/grpc/health/v1/health_pb.js";
import { CacheService } from "../../gen/waybill/v1/cache_service_pb.js";
import { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import { TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { cacheKeys } from "../../src/domain/cache/keys.js";
import { CHANGES_CHANNEL } from "../../src/tracking/change-feed.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { type PrivateRedis, startPrivateRedis } from "../support/private-redis.js";
import { carrierId, freshNumber, insertEvents, insertRecord } from "../support/tracking-seed.js";

let t: TestApp;
let redisServer: PrivateRedis;
let raw: Redis;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async () => {
  redisServer = await startPrivateRedis();
  t = await startTestApp("cache-e2e", { REDIS_URL: redisServer.url, CHANGE_FEED_POLL_MS: "200" });
  raw = new Redis(redisServer.url, { keyPrefix: t.config.redisKeyPrefix, maxRetriesPerRequest: 0 });
  raw.on("error", () => {});
});

test.after(async () => {
  raw?.disconnect();
  await t?.stop();
  await redisServer?.kill();
});

const transport = () => createGrpcTransport({ baseUrl: t.baseUrl });

async function shipment(): Promise<string> {
  const carrier = await carrierId(t.db.sequelize, "auto");
  const id = await insertRecord(t.db.sequelize, { carrier_id: carrier, tracking_number: freshNumber("CE") });
  await insertEvents(t.db.sequelize, id, [
    { time: new Date("2026-12-01T08:00:00Z"), description: "Accepted" },
    { time: new Date("2026-12-02T08:00:00Z"), description: "Departed" },
  ]);
  return id;
}

async function commitStatus(id: string, status: string): Promise<void> {
  await t.db.sequelize.query(
    `WITH u AS (UPDATE tracking_records SET current_status = $2 WHERE tracking_id = $1),
     c AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status, status_changed)
           VALUES ($1, 'UPDATED', $2, true) RETURNING change_id)
     SELECT pg_notify('${CHANGES_CHANNEL}', change_id::text) FROM c`,
    { bind: [id, status] },
  );
}

test("GetTracking and the first events page read through Redis; a committed change reaches the next reads", async () => {
  const tracking = createClient(TrackingService, transport());
  const id = await shipment();
  const first = await tracking.getTracking({ lookup: { case: "trackingId", value: id } });
  assert.is(first.record?.status, TrackingStatus.IN_TRANSIT);
  assert.is(await raw.exists(cacheKeys.status(id)), 1);
  const page = await tracking.listTrackingEvents({ trackingId: id, pageSize: 1 });
  assert.is(page.events[0]?.description, "Accepted");
  assert.ok(page.nextPageToken);
  assert.is(await raw.exists(cacheKeys.events(id)), 1);
  const next = await tracking.listTrackingEvents({ trackingId: id, pageSize: 1, pageToken: page.nextPageToken });
  assert.is(next.events[0]?.description, "Departed");

  await commitStatus(id, "OUT_FOR_DELIVERY");
  const end = Date.now() + 3_000;
  let status = first.record?.status;
  while (status !== TrackingStatus.OUT_FOR_DELIVERY && Date.now() < end) {
    await sleep(20);
    status = (await tracking.getTracking({ lookup: { case: "trackingId", value: id } })).record?.status;
  }
  assert.is(status, TrackingStatus.OUT_FOR_DELIVERY);
});

test("CacheService over gRPC: statistics, invalidation, warming", async () => {
  const cache = createClient(CacheService, transport());
  const tracking = createClient(TrackingService, transport());
  const id = await shipment();
  await tracking.getTracking({ lookup: { case: "trackingId", value: id } });
  await tracking.getTracking({ lookup: { case: "trackingId", value: id } });
  const stats = await cache.getCacheStatistics({});
  assert.ok(stats.hits >= 1n);
  assert.is(stats.redisAvailable, true);
  assert.ok((stats.families.find((f) => f.name === "tracking:status")?.keys ?? 0n) >= 1n);
  assert.ok((await cache.invalidateTracking({ trackingId: id, reason: "e2e" })).keysRemoved >= 1);
  assert.is(await raw.exists(cacheKeys.status(id)), 0);
  assert.equal((await cache.warmCache({ trackingIds: [id] })).warmed, 1);
  assert.is(await raw.exists(cacheKeys.status(id)), 1);
});

test("Redis killed during a read load: every GetTracking answers, and the cache comes back by itself", async () => {
  const tracking = createClient(TrackingService, transport());
  const cache = createClient(CacheService, transport());
  const ids = [await shipment(), await shipment(), await shipment()];
  let reading = true;
  let answered = 0;
  const failures: unknown[] = [];
  const readers = Array.from({ length: 6 }, async (_, r) => {
    for (let i = r; reading; i++) {
      try {
        const res = await tracking.getTracking({
          lookup: { case: "trackingId", value: ids[i % ids.length] as string },
        });
        if (!res.record) failures.push(new Error("no record"));
        answered++;
      } catch (err) {
        failures.push(err);
      }
      await sleep(5);
    }
  });
  await sleep(300);
  await redisServer.kill();
  await sleep(1_000);
  const during = answered;
  assert.is((await cache.getCacheStatistics({})).redisAvailable, false);
  // Degraded, not down: the CacheService reports NOT_SERVING, the service as a whole stays in the load balancer.
  const health = createClient(Health, transport());
  const probeEnd = Date.now() + 5_000;
  while ((await health.check({ service: CacheService.typeName })).status !== HealthStatus.NOT_SERVING) {
    if (Date.now() > probeEnd) throw new Error("health never reported the cache degraded");
    await sleep(50);
  }
  assert.is((await health.check({ service: "" })).status, HealthStatus.SERVING);
  assert.is((await health.check({ service: TrackingService.typeName })).status, HealthStatus.SERVING);
  await redisServer.start();
  const end = Date.now() + 10_000;
  while (
    !(await cache.getCacheStatistics({})).redisAvailable ||
    (await raw.exists(cacheKeys.status(ids[0] as string))) === 0
  ) {
    if (Date.now() > end) throw new Error("cache did not come back");
    await sleep(100);
  }
  reading = false;
  await Promise.all(readers);
  assert.equal(failures, []);
  assert.ok(answered > during && during > 10, `answered ${during} during the outage, ${answered} in all`);
});

test.run();
