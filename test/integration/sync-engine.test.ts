// The sync engine against real Postgres, Redis and the simulator over HTTP (issue 5 "Done when"): due records synced
// and rescheduled per rule; delivered shipments stop after their window; failures back off on the rule's curve into
// the dead-letter queue and RetrySyncJob revives them; a 429 delays a batch without failing it.
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ELIGIBLE } from "../../src/sync/claim.js";
import { createSyncWorld, jobCounts, type SyncWorld, waitFor } from "./sync-fixtures.js";

let w: SyncWorld;
const DAY = 86_400_000;

test.before(async () => {
  w = await createSyncWorld("sync_engine");
});
test.after(async () => {
  await w.close();
});
test.before.each(async () => {
  await w.control("faults", undefined, "DELETE");
});
test.after.each(async () => {
  await w.stopEngines();
  await w.db.sequelize.query("DELETE FROM sync_schedule_config");
});

const rule = (over: Record<string, unknown> = {}) => ({
  ruleName: "test-carrier",
  ruleDescription: "",
  isActive: true,
  carrierCode: "sync-test-post",
  statusPattern: null,
  destinationCountry: null,
  syncIntervalMinutes: 30,
  maxAgeDays: null,
  stopOnDelivered: true,
  stopOnException: false,
  retryStrategy: "EXPONENTIAL" as const,
  initialRetryDelayMinutes: 1,
  maxRetryAttempts: 3,
  priorityLevel: 5,
  activeTimeWindows: [],
  ...over,
});

interface Rec {
  tracking_id: string;
  next_sync_at: Date | null;
  last_synced_at: Date | null;
  sync_interval_minutes: number;
  sync_retry_count: number;
  requires_attention: boolean;
}
const records = (ids: string[]) =>
  w.db.sequelize.query<Rec>(
    `SELECT tracking_id, next_sync_at, last_synced_at, sync_interval_minutes, sync_retry_count, requires_attention
     FROM tracking_records WHERE tracking_id = ANY($1::uuid[])`,
    { type: QueryTypes.SELECT, bind: [ids] },
  );

test("due records are synced in batches of 40 and rescheduled by their rule", async () => {
  const engine = w.newEngine();
  await engine.upsertRule(rule());
  const ids = await w.addShipments(50);
  const before = (await w.counters()).calls.gettrackinfo ?? 0;
  engine.dispatcher.start();
  await waitFor("50 completed jobs", async () => (await jobCounts(w.db.sequelize, ids)).COMPLETED === 50);
  await engine.stop();
  assert.is((await w.counters()).calls.gettrackinfo, before + 2, "one call per 40 numbers");
  const batches = await w.db.sequelize.query<{ job_batch_id: string; n: string }>(
    "SELECT job_batch_id, count(*) AS n FROM sync_jobs WHERE tracking_id = ANY($1::uuid[]) GROUP BY 1 ORDER BY 2 DESC",
    { type: QueryTypes.SELECT, bind: [ids] },
  );
  assert.equal(
    batches.map((b) => Number(b.n)),
    [40, 10],
  );
  const [job] = await engine.listJobs({ statuses: ["COMPLETED"], types: ["SCHEDULED"], trackingId: ids[0], limit: 5 });
  assert.ok(job, "a SCHEDULED job");
  assert.ok((job?.eventsFetched ?? -1) >= 0 && job?.apiResponseTimeMs !== null && job?.processingTimeMs !== null);
  for (const r of await records(ids)) {
    assert.ok(r.last_synced_at && r.next_sync_at, "synced and rescheduled");
    const gapMin = ((r.next_sync_at as Date).getTime() - (r.last_synced_at as Date).getTime()) / 60_000;
    // 30 min, stretched ×2/×4/×8 (capped at a day) when the simulated journey has been quiet for days.
    assert.ok([30, 60, 120, 240].includes(Math.round(gapMin)), `interval ${gapMin}`);
    assert.is(Math.round(gapMin), r.sync_interval_minutes);
  }
  const stats = await engine.statistics(new Date(Date.now() - DAY));
  assert.is(stats.byStatus.find((s) => s.label === "COMPLETED")?.count, 50);
  assert.is(stats.successRate, 1);
  assert.ok(stats.apiP50 > 0);
  assert.is(stats.limiter.perMinute, 1200);

  // A rule change applies to the next sync time at once.
  const changed = await engine.upsertRule(rule({ syncIntervalMinutes: 600 }));
  assert.is(changed.created, false);
  assert.is(changed.rescheduled, 50);
  for (const r of await records(ids)) {
    const gapMin = ((r.next_sync_at as Date).getTime() - (r.last_synced_at as Date).getTime()) / 60_000;
    assert.ok(Math.round(gapMin) >= 600, `rescheduled to ${gapMin}`);
  }
  await engine.deleteRule("test-carrier");
});

test("a delivered shipment is synced within 7 days of delivery, then no more", async () => {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const engine = w.newEngine({ now });
  const [id] = await w.addShipments(1);
  const [rec] = await w.db.sequelize.query<{ tracking_number: string }>(
    "SELECT tracking_number FROM tracking_records WHERE tracking_id = $1",
    { type: QueryTypes.SELECT, bind: [id] },
  );
  await w.control(`shipments/${rec?.tracking_number}/script`, {
    events: [{ afterMs: 0, subStatus: "Delivered_Other", description: "Delivered", stage: "Delivered" }],
  });
  engine.dispatcher.start();
  await waitFor("first sync", async () => (await jobCounts(w.db.sequelize, [id as string])).COMPLETED === 1);
  let [r] = await records([id as string]);
  assert.ok(r?.next_sync_at, "inside the 7-day window it stays scheduled");
  // Eight days later the shipment is due again; that sync finds it delivered long enough ago and stops.
  offset = 8 * DAY;
  await engine.dispatcher.kick();
  await waitFor("second sync", async () => (await jobCounts(w.db.sequelize, [id as string])).COMPLETED === 2);
  [r] = await records([id as string]);
  assert.is(r?.next_sync_at, null, "no further sync after the delivered window");
  await engine.stop();
});

test("failures back off on the rule's curve, then dead-letter; RetrySyncJob revives", async () => {
  const engine = w.newEngine();
  await engine.upsertRule(rule({ ruleName: "failing", maxRetryAttempts: 3, initialRetryDelayMinutes: 2 }));
  const [id] = (await w.addShipments(1)) as [string];
  await w.control("faults", { kind: "http500", count: 100, endpoint: "gettrackinfo" });
  const t0 = Date.now();
  engine.dispatcher.start();
  await waitFor("first failure", async () => (await jobCounts(w.db.sequelize, [id])).FAILED === 1);
  let [r] = await records([id]);
  let delayMin = ((r?.next_sync_at ?? new Date(0)).getTime() - t0) / 60_000;
  assert.ok(delayMin > 1.9 && delayMin < 2.1, `first retry after 2 min, got ${delayMin}`);
  assert.is(r?.sync_retry_count, 1);

  // Run the pending retry now instead of waiting: attempt 2 fails → 4 min (EXPONENTIAL).
  const [pending] = await engine.listJobs({ statuses: ["PENDING"], types: ["RETRY"], trackingId: id, limit: 1 });
  assert.is(pending?.attemptNumber, 2);
  const second = await engine.executeJob(pending?.jobId as string);
  assert.is(second.jobStatus, "FAILED");
  assert.is(second.retryDelayMinutes, 4);
  [r] = await records([id]);
  delayMin = ((r?.next_sync_at ?? new Date(0)).getTime() - Date.now()) / 60_000;
  assert.ok(delayMin > 3.9 && delayMin < 4.1, `second retry after 4 min, got ${delayMin}`);

  const [third] = await engine.listJobs({ statuses: ["PENDING"], types: ["RETRY"], trackingId: id, limit: 1 });
  const dead = await engine.executeJob(third?.jobId as string);
  assert.is(dead.jobStatus, "DEAD", "past max attempts the job is dead-lettered");
  assert.is(dead.errorCode, "UPSTREAM_UNAVAILABLE");
  [r] = await records([id]);
  assert.is(r?.requires_attention, true);
  assert.is(engine.metrics.counters.deadLettered, 1);
  assert.is((await engine.statistics(new Date(Date.now() - DAY))).deadLetterSize, 1);

  await w.control("faults", undefined, "DELETE");
  const revived = await engine.retryJob(dead.jobId);
  // The running dispatcher may take the revived job before retryJob reads it back.
  assert.ok(["PENDING", "RUNNING", "COMPLETED"].includes(revived.jobStatus), revived.jobStatus);
  assert.is(revived.jobType, "RETRY");
  await waitFor("revived job completes", async () => (await jobCounts(w.db.sequelize, [id])).COMPLETED === 1);
  [r] = await records([id]);
  assert.is(r?.requires_attention, false);
  await engine.stop();
  await engine.deleteRule("failing");
});

test("a 429 burst delays the batch without failing its records", async () => {
  const engine = w.newEngine({ delays: { rateLimitedMs: 300, circuitOpenMs: 300, limiterMs: 300 } });
  const ids = await w.addShipments(5);
  await w.control("faults", { kind: "http429", count: 2, endpoint: "gettrackinfo" });
  engine.dispatcher.start();
  await waitFor("all completed after the delay", async () => (await jobCounts(w.db.sequelize, ids)).COMPLETED === 5);
  const counts = await jobCounts(w.db.sequelize, ids);
  assert.is(counts.FAILED, undefined, "no failed attempt");
  assert.is(engine.metrics.counters.delayedBatches, 1);
  for (const r of await records(ids)) assert.is(r.sync_retry_count, 0);
  await engine.stop();
});

test("ScheduleSync queues a MANUAL job that the dispatcher runs at its time", async () => {
  const engine = w.newEngine();
  const [id] = (await w.addShipments(1, new Date(Date.now() + DAY))) as [string];
  engine.dispatcher.start();
  const job = await engine.scheduleSync(id, new Date(Date.now() + 300), 1);
  assert.is(job.jobType, "MANUAL");
  assert.is(job.jobPriority, 1);
  await waitFor(
    "manual job done",
    async () =>
      (await engine.listJobs({ statuses: ["COMPLETED"], types: ["MANUAL"], trackingId: id, limit: 1 })).length === 1,
  );
  await engine.stop();
});

test("the claim reads only due records: its cost does not grow with records that are not due", async () => {
  await w.db.sequelize.query(
    `INSERT INTO tracking_records (tracking_number, carrier_id, current_status, registration_state, next_sync_at,
       auto_refresh_enabled)
     SELECT 'IDLE' || g, $1, 'IN_TRANSIT', 'ACCEPTED', now() + g * interval '1 second', true
     FROM generate_series(1, 20000) g`,
    { bind: [w.carrierId] },
  );
  const due = await w.addShipments(7);
  await w.db.sequelize.query("ANALYZE tracking_records");
  const [row] = await w.db.sequelize.query<{ "QUERY PLAN": unknown }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) SELECT tracking_id FROM tracking_records WHERE ${ELIGIBLE} AND next_sync_at <= now()
     ORDER BY priority, next_sync_at LIMIT 400 FOR UPDATE SKIP LOCKED`,
    { type: QueryTypes.SELECT },
  );
  const scans: { index: string; rows: number }[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node["Index Name"] === "string")
      scans.push({ index: node["Index Name"], rows: node["Actual Rows"] as number });
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((row?.["QUERY PLAN"] as { Plan: Record<string, unknown> }[] | undefined)?.[0]?.Plan ?? {});
  assert.equal(scans, [{ index: "idx_tracking_sync_due", rows: due.length }]);
  await w.db.sequelize.query(
    "DELETE FROM tracking_records WHERE tracking_number LIKE 'IDLE%' OR tracking_id = ANY($1::uuid[])",
    {
      bind: [due],
    },
  );
});

test.run();
