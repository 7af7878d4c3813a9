// The eight models against a real migrated database: attribute ↔ column mapping, database defaults, JSONB, UTC
// timestamps, the PRD's unique constraints surfacing as Sequelize errors, associations, and the carrier seed.
import { type Model, type ModelStatic, QueryTypes, UniqueConstraintError } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { applyCarrierSeed, type CarrierSeedEntry } from "../../src/store/seed-carriers.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let db: TestDatabase;
let carrierSeq = 0;

test.before(async () => {
  db = await createTestDatabase("store_models");
});

test.after(async () => {
  await db?.drop();
});

async function makeCarrier(overrides: { carrierCode?: string } = {}) {
  carrierSeq += 1;
  return db.models.Carrier.create({
    carrierCode: overrides.carrierCode ?? `carrier-${carrierSeq}`,
    carrierName: `Carrier ${carrierSeq}`,
  });
}

async function makeRecord(carrierId: number, trackingNumber = `TN${Date.now()}${carrierSeq}`) {
  return db.models.TrackingRecord.create({ trackingNumber, carrierId, currentStatus: "IN_TRANSIT" });
}

test("every model attribute maps to a column of its table, and every column to an attribute", async () => {
  for (const model of Object.values(db.models) as ModelStatic<Model>[]) {
    const table = model.getTableName() as string;
    const columns = await db.sequelize.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
      { bind: [table], type: QueryTypes.SELECT },
    );
    const fields = Object.values(model.getAttributes()).map((a) => a.field);
    assert.equal([...fields].sort(), columns.map((c) => c.column_name).sort(), `${model.name} ↔ ${table}`);
  }
});

test("Carrier: SERIAL id and the PRD's defaults come from the database", async () => {
  const c = await makeCarrier();
  assert.type(c.carrierId, "number");
  await c.reload();
  assert.is(c.isActive, true);
  assert.is(c.supportsPrediction, false);
  assert.is(c.track17Key, null);
  assert.instance(c.createdAt, Date);
});

test("TrackingRecord: UUID default from gen_random_uuid(), column defaults, DATE as YYYY-MM-DD", async () => {
  const carrier = await makeCarrier();
  const created = await db.models.TrackingRecord.create({
    trackingNumber: "RR123456789CN",
    carrierId: carrier.carrierId,
    currentStatus: "IN_TRANSIT",
    estimatedDeliveryDate: "2026-12-24",
  });
  assert.match(created.trackingId, UUID);
  const row = await db.models.TrackingRecord.findByPk(created.trackingId, { rejectOnEmpty: true });
  assert.is(row.syncIntervalMinutes, 240);
  assert.is(row.syncRetryCount, 0);
  assert.is(row.maxSyncRetries, 5);
  assert.is(row.cacheTtlMinutes, 60);
  assert.is(row.autoRefreshEnabled, true);
  assert.is(row.isDelivered, false);
  assert.is(row.requiresAttention, false);
  assert.is(row.estimatedDeliveryDate, "2026-12-24");
  assert.is(row.rawApiResponse, null);
});

test("TrackingRecord: JSONB round trip keeps nesting, arrays, unicode and numbers", async () => {
  const carrier = await makeCarrier();
  const payload = {
    number: "RR123456789CN",
    track_info: { latest_status: { status: "InTransit", sub_status: "InTransit_Other" } },
    providers: [{ events: [{ description: "Départ de l'établissement — 上海", time_utc: "2026-12-01T08:00:00Z" }] }],
    weight: 1.25,
    flags: [true, false, null],
  };
  const rec = await makeRecord(carrier.carrierId);
  await rec.update({ rawApiResponse: payload });
  const row = await db.models.TrackingRecord.findByPk(rec.trackingId, { rejectOnEmpty: true });
  assert.equal(row.rawApiResponse, payload);
  const [{ status }] = await db.sequelize.query<{ status: string }>(
    "SELECT raw_api_response #>> '{track_info,latest_status,status}' AS status FROM tracking_records WHERE tracking_id = $1",
    { bind: [rec.trackingId], type: QueryTypes.SELECT },
  );
  assert.is(status, "InTransit");
});

test("timestamps are stored and read as UTC whatever the process time zone", async () => {
  const previousTz = process.env.TZ;
  // A zone far from UTC: a local-time read or write anywhere would shift the value by hours.
  process.env.TZ = "America/Los_Angeles";
  try {
    const carrier = await makeCarrier();
    const at = new Date("2026-12-04T15:16:17.123Z");
    const rec = await makeRecord(carrier.carrierId);
    await rec.update({ nextSyncAt: at });
    const [{ text }] = await db.sequelize.query<{ text: string }>(
      "SELECT next_sync_at::text AS text FROM tracking_records WHERE tracking_id = $1",
      { bind: [rec.trackingId], type: QueryTypes.SELECT },
    );
    assert.is(text, "2026-12-04 15:16:17.123", "the TIMESTAMP column holds UTC wall-clock time");
    const row = await db.models.TrackingRecord.findByPk(rec.trackingId, { rejectOnEmpty: true });
    assert.is(row.nextSyncAt?.toISOString(), at.toISOString());

    // DEFAULT CURRENT_TIMESTAMP runs in the session time zone, which Sequelize sets to UTC.
    const [{ skew }] = await db.sequelize.query<{ skew: number }>(
      `INSERT INTO carriers (carrier_code, carrier_name) VALUES ('tz-probe', 'TZ probe')
       RETURNING abs(extract(epoch FROM created_at - (now() AT TIME ZONE 'UTC')))::float AS skew`,
      { type: QueryTypes.SELECT },
    );
    assert.ok(skew < 1, `created_at default is ${skew}s away from UTC now`);
    const probe = await db.models.Carrier.findOne({ where: { carrierCode: "tz-probe" }, rejectOnEmpty: true });
    assert.ok(Math.abs(probe.createdAt.getTime() - Date.now()) < 60_000, "default read back as the current instant");
  } finally {
    if (previousTz === undefined) delete process.env.TZ;
    else process.env.TZ = previousTz;
  }
});

test("unique_tracking_carrier: the same number twice on one carrier raises UniqueConstraintError", async () => {
  const carrier = await makeCarrier();
  const other = await makeCarrier();
  await makeRecord(carrier.carrierId, "DUP-1");
  await makeRecord(other.carrierId, "DUP-1"); // same number, other carrier: allowed
  try {
    await makeRecord(carrier.carrierId, "DUP-1");
    assert.unreachable("duplicate (tracking_number, carrier_id) was accepted");
  } catch (err) {
    assert.instance(err, UniqueConstraintError);
    assert.is(
      (err as UniqueConstraintError & { parent: { constraint?: string } }).parent.constraint,
      "unique_tracking_carrier",
    );
  }
});

test("TrackingEvent: BIGSERIAL id and DECIMAL as strings, associations load both ways", async () => {
  const carrier = await makeCarrier();
  const rec = await makeRecord(carrier.carrierId);
  const ev = await db.models.TrackingEvent.create({
    trackingId: rec.trackingId,
    eventSequence: 1,
    eventStatus: "IN_TRANSIT",
    eventTimestamp: new Date("2026-12-01T08:00:00Z"),
    eventTimezoneOffset: "+08:00",
    weightKg: "1.25",
    rawEventData: { description: "Arrived" },
  });
  assert.type(ev.eventId, "string");
  assert.match(ev.eventId, /^\d+$/);
  const loaded = await db.models.TrackingRecord.findByPk(rec.trackingId, {
    include: ["carrier", "events"],
    rejectOnEmpty: true,
  });
  assert.is(loaded.carrier?.carrierCode, carrier.carrierCode);
  assert.is(loaded.events?.length, 1);
  const event = loaded.events?.[0];
  assert.is(event?.eventId, ev.eventId);
  assert.is(event?.weightKg, "1.25");
  assert.is(event?.eventTimestamp.toISOString(), "2026-12-01T08:00:00.000Z");
  const back = await db.models.TrackingEvent.findByPk(ev.eventId, { include: ["trackingRecord"] });
  assert.is((back?.get("trackingRecord") as { trackingId: string } | undefined)?.trackingId, rec.trackingId);
});

test("TrackingEvent: deleting the record cascades to its events (ON DELETE CASCADE)", async () => {
  const carrier = await makeCarrier();
  const rec = await makeRecord(carrier.carrierId);
  await db.models.TrackingEvent.create({
    trackingId: rec.trackingId,
    eventSequence: 1,
    eventStatus: "INFO_RECEIVED",
    eventTimestamp: new Date(),
  });
  await rec.destroy();
  assert.is(await db.models.TrackingEvent.count({ where: { trackingId: rec.trackingId } }), 0);
});

test("SyncJob, StatusCache, EventNotification: database defaults and BIGINT references", async () => {
  const carrier = await makeCarrier();
  const rec = await makeRecord(carrier.carrierId);
  const job = await db.models.SyncJob.create({
    trackingId: rec.trackingId,
    jobType: "SCHEDULED",
    jobStatus: "PENDING",
    scheduledAt: new Date(),
  });
  await job.reload();
  assert.match(job.jobBatchId ?? "", UUID);
  assert.is(job.jobPriority, 5);
  assert.is(job.attemptNumber, 1);
  assert.is(job.maxAttempts, 3);
  assert.is(job.statusChanged, false);

  const cache = await db.models.StatusCache.create({
    trackingId: rec.trackingId,
    cacheKey: `tracking:status:${rec.trackingId}`,
    cachedStatus: "IN_TRANSIT",
    cachedResponse: { status: "IN_TRANSIT" },
    cacheStrategy: "DYNAMIC",
    ttlMinutes: 60,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  await cache.reload();
  assert.instance(cache.cachedAt, Date);
  assert.is(cache.hitCount, 0);
  assert.is(cache.isValid, true);
  assert.equal(cache.cachedResponse, { status: "IN_TRANSIT" });

  const ev = await db.models.TrackingEvent.create({
    trackingId: rec.trackingId,
    eventSequence: 7,
    eventStatus: "DELIVERED",
    eventTimestamp: new Date(),
  });
  const note = await db.models.EventNotification.create({
    trackingId: rec.trackingId,
    eventId: ev.eventId,
    notificationType: "DELIVERED",
  });
  const loaded = await db.models.EventNotification.findByPk(note.notificationId, {
    include: ["event", "trackingRecord"],
    rejectOnEmpty: true,
  });
  assert.is(loaded.status, "PENDING");
  assert.is(loaded.retryCount, 0);
  assert.is(loaded.maxRetries, 3);
  assert.is(loaded.eventId, ev.eventId);
  assert.is(loaded.event?.eventSequence, 7);
  assert.is(loaded.trackingRecord?.trackingId, rec.trackingId);
});

test("ApiAuditLog: INET and JSONB round trip, no updated_at", async () => {
  const row = await db.models.ApiAuditLog.create({
    endpoint: "/waybill.v1.TrackingService/GetTracking",
    httpMethod: "POST",
    requestHeaders: { "user-agent": "test" },
    ipAddress: "2001:db8::1",
    operationStatus: "SUCCESS",
  });
  const back = await db.models.ApiAuditLog.findByPk(row.auditId, { rejectOnEmpty: true });
  assert.is(back.ipAddress, "2001:db8::1");
  assert.is(back.externalApiCalled, false);
  assert.equal(back.requestHeaders, { "user-agent": "test" });
  assert.not.ok("updatedAt" in back.get());
});

test("SyncScheduleConfig: JSONB array, nullable carrier, rule_name unique", async () => {
  const carrier = await makeCarrier();
  const windows = [{ from: "08:00", to: "20:00", days: [1, 2, 3, 4, 5] }];
  const rule = await db.models.SyncScheduleConfig.create({
    ruleName: "in-transit-hourly",
    carrierId: carrier.carrierId,
    statusPattern: "IN_TRANSIT",
    syncIntervalMinutes: 60,
    activeTimeWindows: windows,
  });
  const loaded = await db.models.SyncScheduleConfig.findByPk(rule.configId, {
    include: ["carrier"],
    rejectOnEmpty: true,
  });
  assert.equal(loaded.activeTimeWindows, windows);
  assert.is(loaded.carrier?.carrierId, carrier.carrierId);
  assert.is(loaded.stopOnDelivered, true);
  assert.is(loaded.initialRetryDelayMinutes, 30);
  const global = await db.models.SyncScheduleConfig.create({ ruleName: "default", syncIntervalMinutes: 240 });
  assert.is(global.carrierId ?? null, null);
  try {
    await db.models.SyncScheduleConfig.create({ ruleName: "default", syncIntervalMinutes: 30 });
    assert.unreachable("duplicate rule_name accepted");
  } catch (err) {
    assert.instance(err, UniqueConstraintError);
  }
});

const SEED: CarrierSeedEntry[] = [
  { code: "seed-post", track17Key: 900001, name: "Seed Post", country: "GB", supportsPrediction: true },
  { code: "seed-express", track17Key: 900002, name: "Seed Express", nameCn: "种子快递", country: "CN" },
  { code: "seed-global", track17Key: 900003, name: "Seed Global", country: "", url: "https://example.test/" },
];

async function seededRows() {
  return db.models.Carrier.findAll({
    where: { track17Key: SEED.map((s) => s.track17Key) },
    order: [["track17Key", "ASC"]],
  });
}

test("applyCarrierSeed: inserts, then is idempotent (same rows, updated_at untouched)", async () => {
  const first = await applyCarrierSeed(db.sequelize, SEED);
  assert.equal(first, { inserted: 3, updated: 0, unchanged: 0 });
  const before = await seededRows();
  assert.equal(
    before.map((c) => [c.carrierCode, c.isActive, c.supportsPrediction, c.countryIso, c.carrierNameCn]),
    [
      ["seed-post", true, true, "GB", null],
      ["seed-express", true, false, "CN", "种子快递"],
      ["seed-global", true, false, null, null],
    ],
  );
  const countBefore = await db.models.Carrier.count();
  const second = await applyCarrierSeed(db.sequelize, SEED);
  assert.equal(second, { inserted: 0, updated: 0, unchanged: 3 });
  assert.is(await db.models.Carrier.count(), countBefore);
  const after = await seededRows();
  assert.equal(
    after.map((c) => c.updatedAt.getTime()),
    before.map((c) => c.updatedAt.getTime()),
  );
});

test("applyCarrierSeed: a disabled carrier stays disabled while its metadata is refreshed", async () => {
  await applyCarrierSeed(db.sequelize, SEED);
  await db.models.Carrier.update({ isActive: false }, { where: { carrierCode: "seed-express" } });
  const [before] = await db.models.Carrier.findAll({ where: { carrierCode: "seed-express" } });
  await new Promise((r) => setTimeout(r, 20));
  const renamed = SEED.map((s) => (s.code === "seed-express" ? { ...s, name: "Seed Express Intl" } : s));
  const result = await applyCarrierSeed(db.sequelize, renamed);
  assert.equal(result, { inserted: 0, updated: 1, unchanged: 2 });
  const [after] = await db.models.Carrier.findAll({ where: { carrierCode: "seed-express" } });
  assert.is(after.isActive, false, "operator's disable survived the seed");
  assert.is(after.carrierName, "Seed Express Intl");
  assert.ok(after.updatedAt > before.updatedAt, "updated_at moved because the name changed");
  await applyCarrierSeed(db.sequelize, renamed);
  const [again] = await db.models.Carrier.findAll({ where: { carrierCode: "seed-express" } });
  assert.is(again.isActive, false);
});

test("applyCarrierSeed: repeated codes or keys are rejected before anything is written", async () => {
  const count = await db.models.Carrier.count();
  const dup = [...SEED, { code: "seed-post", track17Key: 900009, name: "Again", country: "GB" }];
  try {
    await applyCarrierSeed(db.sequelize, dup);
    assert.unreachable("duplicate code accepted");
  } catch (err) {
    assert.match((err as Error).message, /seed-post/);
  }
  assert.is(await db.models.Carrier.count(), count);
});

test.run();
