import pino from "pino";
import { QueryTypes } from "sequelize";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createIngest } from "../../src/tracking/ingest.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { addr, ev, info, provider } from "../support/track-info.js";

const test = suite("ingest");
let db: TestDatabase;
let ingest: ReturnType<typeof createIngest>;
let carrierId: number;

test.before(async () => {
  db = await createTestDatabase("ingest");
  ingest = createIngest({ sequelize: db.sequelize, logger: pino({ level: "silent" }) });
  const carrier = await db.models.Carrier.create({ carrierCode: "ups", carrierName: "UPS", track17Key: 100002 });
  carrierId = carrier.carrierId;
});
test.after(() => db.drop());

async function newRecord(number: string) {
  const r = await db.models.TrackingRecord.create({
    trackingNumber: number,
    carrierId,
    currentStatus: "NOT_FOUND",
    registrationState: "ACCEPTED",
  });
  return r.trackingId;
}
const timeline = (id: string) =>
  db.sequelize.query<{ event_sequence: number; event_description: string; provider_key: number }>(
    "SELECT event_sequence, event_description, provider_key FROM tracking_events WHERE tracking_id = $1 ORDER BY event_sequence",
    { bind: [id], type: QueryTypes.SELECT },
  );
const record = (id: string) => db.models.TrackingRecord.findByPk(id, { rejectOnEmpty: true });

const handOff = () =>
  info(
    [
      provider(100002, [
        ev("2026-11-03T10:00:00Z", "Out for delivery", { stage: "OutForDelivery", address: addr("US", "Austin") }),
        ev("2026-11-02T08:00:00Z", "Arrived at facility", { address: addr("US", "Dallas") }),
      ]),
      provider(190271, [
        ev("2026-11-01T02:00:00Z", "Departed from origin", { time_iso: "2026-11-01T10:00:00+08:00" }),
        ev("2026-10-31T01:00:00Z", "Shipment information received", { stage: "InfoReceived" }),
      ]),
    ],
    "OutForDelivery",
    "OutForDelivery_Other",
  );

test("a hand-off: events of both providers, in time order, state and flags set, one change row", async () => {
  const id = await newRecord("1ZHANDOFF0001");
  const r = await ingest.ingest({
    trackingNumber: "1ZHANDOFF0001",
    track17CarrierKey: 100002,
    trackInfo: handOff(),
    source: "SYNC",
  });
  assert.equal(r, {
    trackingId: id,
    newEvents: 4,
    eventsSeen: 4,
    statusChanged: true,
    previousStatus: "NOT_FOUND",
    status: "OUT_FOR_DELIVERY",
  });
  const events = await timeline(id);
  assert.equal(
    events.map((e) => [e.event_sequence, e.event_description, e.provider_key]),
    [
      [1, "Shipment information received", 190271],
      [2, "Departed from origin", 190271],
      [3, "Arrived at facility", 100002],
      [4, "Out for delivery", 100002],
    ],
  );
  const rec = await record(id);
  assert.is(rec.currentStatus, "OUT_FOR_DELIVERY");
  assert.is(rec.eventCount, 4);
  assert.is(rec.destinationCountry, "US");
  assert.is(rec.latestEventAt?.toISOString(), "2026-11-03T10:00:00.000Z");
  const [{ n }] = await db.sequelize.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM tracking_changes WHERE tracking_id = $1",
    { bind: [id], type: QueryTypes.SELECT },
  );
  assert.is(n, 1);
});

test("the same answer again (a repeated push or re-sync) inserts nothing and writes no change row", async () => {
  const id = await newRecord("1ZREPEAT00001");
  await ingest.ingest({ trackingNumber: "1ZREPEAT00001", trackInfo: handOff(), source: "PUSH" });
  const again = await ingest.ingest({ trackingNumber: "1ZREPEAT00001", trackInfo: handOff(), source: "SYNC" });
  assert.is(again?.newEvents, 0);
  assert.is(again?.statusChanged, false);
  assert.is((await timeline(id)).length, 4);
  const [{ n }] = await db.sequelize.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM tracking_changes WHERE tracking_id = $1",
    { bind: [id], type: QueryTypes.SELECT },
  );
  assert.is(n, 1);
});

test("a changed ETA alone (no new event, same status) still enters the change feed; an identical answer does not", async () => {
  const id = await newRecord("1ZETAONLY0001");
  const first = handOff();
  await ingest.ingest({ trackingNumber: "1ZETAONLY0001", trackInfo: first, source: "SYNC" });
  const changes = async () =>
    (
      await db.sequelize.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM tracking_changes WHERE tracking_id = $1",
        {
          bind: [id],
          type: QueryTypes.SELECT,
        },
      )
    )[0]?.n;
  assert.is(await changes(), 1);
  await ingest.ingest({ trackingNumber: "1ZETAONLY0001", trackInfo: handOff(), source: "SYNC" });
  assert.is(await changes(), 1, "nothing new: no change row");
  const later = handOff();
  later.time_metrics = {
    ...later.time_metrics,
    estimated_delivery_date: { source: null, from: "2026-11-09T00:00:00Z", to: null },
  } as never;
  const r = await ingest.ingest({ trackingNumber: "1ZETAONLY0001", trackInfo: later, source: "SYNC" });
  assert.equal([r?.newEvents, r?.statusChanged], [0, false]);
  assert.is(await changes(), 2, "the new ETA is a change readers must see");
});

test("a late event with an older time is stored and the timeline is renumbered in time order", async () => {
  const id = await newRecord("1ZLATE0000001");
  await ingest.ingest({ trackingNumber: "1ZLATE0000001", trackInfo: handOff(), source: "SYNC" });
  const late = info(
    [provider(100002, [ev("2026-11-02T20:00:00Z", "Departed facility", { address: addr("US", "Dallas") })])],
    "InTransit",
    "InTransit_Departure",
  );
  const r = await ingest.ingest({ trackingNumber: "1ZLATE0000001", trackInfo: late, source: "PUSH" });
  assert.is(r?.newEvents, 1);
  // Its newest event is older than what we hold: the status must not regress to IN_TRANSIT.
  assert.is(r?.status, "OUT_FOR_DELIVERY");
  assert.is(r?.statusChanged, false);
  const events = await timeline(id);
  assert.equal(
    events.map((e) => [e.event_sequence, e.event_description]),
    [
      [1, "Shipment information received"],
      [2, "Departed from origin"],
      [3, "Arrived at facility"],
      [4, "Departed facility"],
      [5, "Out for delivery"],
    ],
  );
  assert.is((await record(id)).currentStatus, "OUT_FOR_DELIVERY");
  assert.is((await record(id)).eventCount, 5);
});

test("delivery sets delivered flag and time; an exception sets requires_attention", async () => {
  const id = await newRecord("1ZDELIVER0001");
  const delivered = info(
    [provider(100002, [ev("2026-11-04T15:00:00Z", "Delivered", { stage: "Delivered" })])],
    "Delivered",
    "Delivered_Other",
  );
  delivered.milestone = [
    {
      key_stage: "Delivered",
      time_iso: null,
      time_utc: "2026-11-04T15:00:00Z",
      time_raw: { date: null, time: null, timezone: null },
    },
  ] as never;
  await ingest.ingest({ trackingNumber: "1ZDELIVER0001", trackInfo: delivered, source: "SYNC" });
  const rec = await record(id);
  assert.is(rec.isDelivered, true);
  assert.is(rec.actualDeliveryDate?.toISOString(), "2026-11-04T15:00:00.000Z");

  const id2 = await newRecord("1ZEXCEPT00001");
  const exc = info([provider(100002, [ev("2026-11-04T15:00:00Z", "Damaged", {})])], "Exception", "Exception_Damage");
  await ingest.ingest({ trackingNumber: "1ZEXCEPT00001", trackInfo: exc, source: "SYNC" });
  const rec2 = await record(id2);
  assert.is(rec2.isException, true);
  assert.is(rec2.requiresAttention, true);
});

test("unknown numbers give undefined; null and empty answers do not throw", async () => {
  assert.is(await ingest.ingest({ trackingNumber: "NOPE", trackInfo: handOff(), source: "PUSH" }), undefined);
  const id = await newRecord("1ZEMPTY000001");
  const r = await ingest.ingest({ trackingNumber: "1ZEMPTY000001", trackInfo: null, source: "SYNC" });
  assert.is(r?.newEvents, 0);
  assert.is(r?.status, "NOT_FOUND");
  assert.ok(id);
});

test("concurrent ingests of overlapping answers for one shipment never duplicate or clash", async () => {
  const id = await newRecord("1ZRACE0000001");
  const answers = Array.from({ length: 8 }, () => ({
    trackingNumber: "1ZRACE0000001",
    trackInfo: handOff(),
    source: "PUSH" as const,
  }));
  const results = await Promise.all(answers.map((a) => ingest.ingest(a)));
  assert.is(
    results.reduce((s, r) => s + (r?.newEvents ?? 0), 0),
    4,
  );
  assert.equal(
    (await timeline(id)).map((e) => e.event_sequence),
    [1, 2, 3, 4],
  );
});

test("concurrent ingests of different answers (a push during a sync) both land, numbered without a clash", async () => {
  for (let round = 0; round < 10; round++) {
    const number = `1ZRACEB${String(round).padStart(6, "0")}`;
    const id = await newRecord(number);
    const older = [ev("2026-11-01T08:00:00Z", "Label created"), ev("2026-11-01T09:00:00Z", "Picked up")];
    const a = info([provider(100002, older)]);
    const b = info([provider(100002, [...older, ev("2026-11-01T12:00:00Z", "Departed")])]);
    const results = await Promise.all([
      ingest.ingest({ trackingNumber: number, trackInfo: a, source: "SYNC" }),
      ingest.ingest({ trackingNumber: number, trackInfo: b, source: "PUSH" }),
    ]);
    assert.is(
      results.reduce((n, r) => n + (r?.newEvents ?? 0), 0),
      3,
    );
    assert.equal(
      (await timeline(id)).map((e) => [e.event_sequence, e.event_description]),
      [
        [1, "Label created"],
        [2, "Picked up"],
        [3, "Departed"],
      ],
    );
  }
});

test("instants are stored in UTC whatever the process time zone", async () => {
  const zone = process.env.TZ;
  process.env.TZ = "Asia/Tokyo";
  try {
    const id = await newRecord("1ZTOKYO000001");
    await ingest.ingest({ trackingNumber: "1ZTOKYO000001", trackInfo: handOff(), source: "SYNC" });
    const [row] = await db.sequelize.query<{ latest: string }>(
      "SELECT to_char(latest_event_at, 'YYYY-MM-DD HH24:MI:SS') AS latest FROM tracking_records WHERE tracking_id = $1",
      { bind: [id], type: QueryTypes.SELECT },
    );
    assert.is(row?.latest, "2026-11-03 10:00:00");
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});

test("a NUL character in a carrier's text does not fail the ingest", async () => {
  const id = await newRecord("1ZNULCHAR0001");
  const r = await ingest.ingest({
    trackingNumber: "1ZNULCHAR0001",
    trackInfo: info([provider(100002, [ev("2026-11-01T08:00:00Z", "Arrived\u0000 at hub")])]),
    source: "PUSH",
  });
  assert.is(r?.newEvents, 1);
  assert.equal(
    (await timeline(id)).map((e) => e.event_description),
    ["Arrived at hub"],
  );
});

test.run();
