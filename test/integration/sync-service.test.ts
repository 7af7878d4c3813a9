// SyncService over an in-memory Connect transport with the server's real interceptors (validation, error mapping):
// proto in and out, enum mapping, cursor pagination, statistics, rule RPCs, and the error codes callers act on.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RetryStrategy, SyncJobStatus, SyncJobType, SyncService } from "../../gen/waybill/v1/sync_service_pb.js";
import { TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { createSyncService } from "../../src/rpc/sync-service.js";
import { createInterceptors } from "../../src/server/interceptors.js";
import type { SyncEngine } from "../../src/sync/engine.js";
import { createSyncWorld, jobCounts, type SyncWorld, silent, waitFor } from "./sync-fixtures.js";

let w: SyncWorld;
let engine: SyncEngine;
let client: ReturnType<typeof createClient<typeof SyncService>>;

test.before(async () => {
  w = await createSyncWorld("sync_service");
  engine = w.newEngine();
  const transport = createRouterTransport(
    (router) => {
      router.service(SyncService, createSyncService({ engine }));
    },
    { router: { interceptors: createInterceptors(silent) } },
  );
  client = createClient(SyncService, transport);
});
test.after(async () => {
  await w.close();
});

async function codeOf(p: Promise<unknown>): Promise<Code | undefined> {
  try {
    await p;
  } catch (err) {
    return ConnectError.from(err).code;
  }
  return undefined;
}

test("ScheduleSync → ExecuteSyncJob → ListSyncJobs pages → GetSyncStatistics", async () => {
  const ids = await w.addShipments(3, new Date(Date.now() + 86_400_000));
  const scheduled = [];
  for (const trackingId of ids) {
    const r = await client.scheduleSync({
      trackingId,
      scheduledAt: timestampFromDate(new Date(Date.now() + 3_600_000)),
      priority: 2,
    });
    assert.is(r.job?.jobType, SyncJobType.MANUAL);
    assert.is(r.job?.jobStatus, SyncJobStatus.PENDING);
    assert.is(r.job?.jobPriority, 2);
    scheduled.push(r.job);
  }
  const done = await client.executeSyncJob({ jobId: scheduled[0]?.jobId ?? 0n });
  assert.is(done.job?.jobStatus, SyncJobStatus.COMPLETED);
  assert.ok((done.job?.processingTimeMs ?? 0) >= 0 && done.job?.completedAt);

  const first = await client.listSyncJobs({ pageSize: 2, types: [SyncJobType.MANUAL] });
  assert.is(first.jobs.length, 2);
  assert.ok(first.nextPageToken);
  const second = await client.listSyncJobs({
    pageSize: 2,
    types: [SyncJobType.MANUAL],
    pageToken: first.nextPageToken,
  });
  assert.is(second.jobs.length, 1);
  assert.is(second.nextPageToken, "");
  assert.ok((first.jobs[1]?.jobId ?? 0n) > (second.jobs[0]?.jobId ?? 0n), "newest first");
  const completed = await client.listSyncJobs({ statuses: [SyncJobStatus.COMPLETED], trackingId: ids[0] });
  assert.is(completed.jobs.length, 1);

  const stats = await client.getSyncStatistics({});
  assert.ok(stats.byType.some((l) => l.label === "MANUAL" && l.count === 3n));
  assert.is(stats.successRate, 1);
  assert.ok(stats.limiter && stats.limiter.limitPerMinute === 1200);
});

test("errors a caller can act on", async () => {
  assert.is(await codeOf(client.executeSyncJob({ jobId: 999_999n })), Code.NotFound);
  assert.is(await codeOf(client.retrySyncJob({ jobId: 999_999n })), Code.NotFound);
  assert.is(await codeOf(client.scheduleSync({ trackingId: "00000000-0000-4000-8000-000000000000" })), Code.NotFound);
  assert.is(await codeOf(client.scheduleSync({ trackingId: "not-a-uuid" })), Code.InvalidArgument);
  const [id] = (await w.addShipments(1, new Date(Date.now() + 86_400_000))) as [string];
  const { job } = await client.scheduleSync({
    trackingId: id,
    scheduledAt: timestampFromDate(new Date(Date.now() + 3_600_000)),
  });
  const ran = await client.executeSyncJob({ jobId: job?.jobId ?? 0n });
  assert.is(
    await codeOf(client.retrySyncJob({ jobId: ran.job?.jobId ?? 0n })),
    Code.FailedPrecondition,
    "a completed job",
  );
  assert.is(await codeOf(client.executeSyncJob({ jobId: ran.job?.jobId ?? 0n })), Code.FailedPrecondition);
  await w.db.sequelize.query("UPDATE tracking_records SET registration_state = 'PENDING' WHERE tracking_id = $1", {
    bind: [id],
  });
  assert.is(await codeOf(client.scheduleSync({ trackingId: id })), Code.FailedPrecondition, "not registered yet");
});

test("schedule rules: upsert, list in matching order with the default last, reschedule, delete", async () => {
  const ids = await w.addShipments(2);
  engine.dispatcher.start();
  await waitFor("synced", async () => (await jobCounts(w.db.sequelize, ids)).COMPLETED === 2);
  const base = {
    ruleDescription: "parcels to Germany in transit",
    isActive: true,
    syncIntervalMinutes: 120,
    retryStrategy: RetryStrategy.LINEAR,
    initialRetryDelayMinutes: 5,
    maxRetryAttempts: 4,
    priorityLevel: 3,
    activeTimeWindows: [{ daysOfWeek: [1, 2, 3, 4, 5], start: "08:00", end: "20:00", timezone: "Europe/Berlin" }],
  };
  const created = await client.upsertScheduleRule({
    rule: { ...base, ruleName: "carrier-wide", carrierCode: "sync-test-post", maxAgeDays: 30 },
  });
  assert.is(created.created, true);
  assert.ok(created.recordsRescheduled >= 2, "the synced records of this carrier were re-planned");
  assert.is(created.rule?.retryStrategy, RetryStrategy.LINEAR);
  assert.is(created.rule?.maxAgeDays, 30);
  await client.upsertScheduleRule({
    rule: { ...base, ruleName: "in-transit-de", statusPattern: TrackingStatus.IN_TRANSIT, destinationCountry: "DE" },
  });
  const list = await client.listScheduleRules({});
  assert.equal(
    list.rules.map((r) => r.ruleName),
    ["carrier-wide", "in-transit-de", "default"],
  );
  assert.is(list.rules[2]?.syncIntervalMinutes, 240);
  const updated = await client.upsertScheduleRule({
    rule: { ...base, ruleName: "carrier-wide", carrierCode: "sync-test-post", syncIntervalMinutes: 60 },
  });
  assert.is(updated.created, false);
  assert.is(
    await codeOf(client.upsertScheduleRule({ rule: { ...base, ruleName: "x", carrierCode: "no-such-carrier" } })),
    Code.NotFound,
  );
  assert.is(
    await codeOf(
      client.upsertScheduleRule({
        rule: {
          ...base,
          ruleName: "bad-zone",
          activeTimeWindows: [{ start: "08:00", end: "09:00", timezone: "Mars/Base" }],
        },
      }),
    ),
    Code.InvalidArgument,
  );
  assert.is(
    await codeOf(client.upsertScheduleRule({ rule: { ...base, ruleName: "slow", syncIntervalMinutes: 1 } })),
    Code.InvalidArgument,
  );
  assert.is((await client.deleteScheduleRule({ ruleName: "carrier-wide" })).ruleName, "carrier-wide");
  assert.is(await codeOf(client.deleteScheduleRule({ ruleName: "carrier-wide" })), Code.NotFound);
  await client.deleteScheduleRule({ ruleName: "in-transit-de" });
  await engine.stop();
});

test.run();
