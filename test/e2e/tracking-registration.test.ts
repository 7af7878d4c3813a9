// Registration end to end: RPC → detection → record → registrar → 17TRACK (the simulator over HTTP) → signed push →
// webhook → ingest → GetTracking. The service runs with a real API key against a separately started simulator, the
// way production runs against 17TRACK.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SyncJobStatus, SyncService } from "../../gen/waybill/v1/sync_service_pb.js";
import { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import { RegistrationState, type TrackingRecord, TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { createDefaultSimulator } from "../../src/simulator/defaults.js";
import { signPushBody } from "../../src/upstream/webhook-sign.js";
import { simulatorEnv, startTestApp, type TestApp } from "../support/app.js";

const KEY = "e2e-registration-key";
const sim = createDefaultSimulator({ apiKey: KEY, ratePerSecond: 50, clockMode: "frozen" });
let t: TestApp;
let client: ReturnType<typeof createClient<typeof TrackingService>>;

test.before(async () => {
  const simUrl = await sim.listen(0, "127.0.0.1");
  t = await startTestApp("tracking-registration", simulatorEnv(simUrl, KEY));
  sim.setWebhookUrl(`${t.baseUrl}/webhooks/17track`);
  client = createClient(TrackingService, createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }));
});
test.after(async () => {
  await t?.stop();
  await sim.close();
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const byId = (trackingId: string) =>
  client.getTracking({ lookup: { case: "trackingId", value: trackingId } }).then((r) => r.record as TrackingRecord);
const settled = (id: string) =>
  until(`registration of ${id}`, async () => {
    const r = await byId(id);
    return r.registration?.state === RegistrationState.PENDING ? undefined : r;
  });

test("a detected UPS number is registered, accepted by 17TRACK, and registering again returns the same record", async () => {
  const first = await client.registerTracking({ trackingNumber: "1z 999a a101 2345 6784", customerReference: "c-1" });
  assert.is(first.created, true);
  assert.is(first.record?.trackingNumber, "1Z999AA10123456784");
  assert.is(first.record?.carrier?.carrierCode, "ups");
  assert.is(first.record?.customerReference, "c-1");
  const again = await client.registerTracking({ trackingNumber: "1Z999AA10123456784" });
  assert.is(again.created, false);
  assert.is(again.record?.trackingId, first.record?.trackingId);

  const accepted = await settled(first.record?.trackingId as string);
  assert.is(accepted.registration?.state, RegistrationState.ACCEPTED);
  assert.is(accepted.registration?.track17CarrierKey, 100002);
  assert.ok(accepted.registration?.registeredAt);
  assert.ok(accepted.nextSyncAt, "accepted records are due for a first sync");
  assert.ok(sim.shipment("1Z999AA10123456784"), "the simulator holds the registration");

  // Every 17TRACK call is audited (PRD api_audit_log), written in batches off the call path.
  const audited = await until("the audit row of the register call", async () => {
    const rows = await t.db.sequelize.query<{
      api_provider: string;
      operation_status: string;
      response_status_code: number;
    }>(
      "SELECT api_provider, operation_status, response_status_code FROM api_audit_log WHERE endpoint = '17track:register'",
      { type: QueryTypes.SELECT },
    );
    return rows.length > 0 ? rows : undefined;
  });
  assert.equal([audited[0]?.api_provider, audited[0]?.response_status_code], ["17TRACK", 200]);
});

test("a manual carrier wins over detection; an unknown carrier is NotFound; a disabled one FailedPrecondition", async () => {
  const manual = await client.registerTracking({ trackingNumber: "1Z5R89390357567127", carrierCode: "usps" });
  assert.is(manual.record?.carrier?.carrierCode, "usps");

  const unknown = await client
    .registerTracking({ trackingNumber: "1Z879E930346834440", carrierCode: "no-such-carrier" })
    .catch((e: unknown) => ConnectError.from(e));
  assert.is((unknown as ConnectError).code, Code.NotFound);
  assert.match((unknown as ConnectError).rawMessage, /no-such-carrier/);

  await t.db.sequelize.query("UPDATE carriers SET is_active = false WHERE carrier_code = 'fedex'");
  try {
    const disabled = await client
      .registerTracking({ trackingNumber: "986578788855", carrierCode: "fedex" })
      .catch((e: unknown) => ConnectError.from(e));
    assert.is((disabled as ConnectError).code, Code.FailedPrecondition);
    assert.match((disabled as ConnectError).rawMessage, /fedex.*disabled/);
    // A disabled carrier is not detected either: the number falls back to 17TRACK's auto-detection.
    const fallback = await client.registerTracking({ trackingNumber: "986578788855" });
    assert.is.not(fallback.record?.carrier?.carrierCode, "fedex");
    // FedEx is this number's only candidate: with it disabled, 17TRACK's auto-detection decides.
    const detected = await client.registerTracking({ trackingNumber: "61299995669352455464" });
    assert.is(detected.record?.carrier?.carrierCode, "auto");
    // 17TRACK recognised it as FedEx: that decision is recorded, and the record moves to the carrier it named.
    const decided = await settled(detected.record?.trackingId as string);
    assert.is(decided.registration?.state, RegistrationState.ACCEPTED);
    assert.is(decided.registration?.track17CarrierKey, 100003);
    assert.is(decided.carrier?.carrierCode, "fedex");
    // Registering it again without a carrier finds that record instead of starting a second one.
    const again = await client.registerTracking({ trackingNumber: "61299995669352455464" });
    assert.equal([again.created, again.record?.trackingId], [false, decided.trackingId]);
  } finally {
    await t.db.sequelize.query("UPDATE carriers SET is_active = true WHERE carrier_code = 'fedex'");
  }
});

test("a batch: one result per item, duplicates inside it, item errors leave the others written", async () => {
  const res = await client.batchRegisterTrackings({
    items: [
      { trackingNumber: "1Z410E7W0392751591" },
      { trackingNumber: "449044304137821" },
      { trackingNumber: "1Z410E7W0392751591" },
      { trackingNumber: "449044304137821", carrierCode: "nope" },
    ],
  });
  assert.equal(
    res.results.map((r) => [r.index, r.created, r.record?.carrier?.carrierCode ?? "", r.error?.code ?? ""]),
    [
      [0, true, "ups", ""],
      [1, true, "fedex", ""],
      [2, false, "ups", ""],
      [3, false, "", "not_found"],
    ],
  );
  assert.is(res.results[0]?.record?.trackingId, res.results[2]?.record?.trackingId);
});

test("1,000 items in one batch cost a constant number of queries", async () => {
  const items = Array.from({ length: 1000 }, (_, i) => ({ trackingNumber: `WBBATCH${String(i).padStart(8, "0")}` }));
  const [{ before }] = await t.db.sequelize.query<{ before: number }>(
    "SELECT (xact_commit + xact_rollback)::int AS before FROM pg_stat_database WHERE datname = current_database()",
    { type: QueryTypes.SELECT },
  );
  const res = await client.batchRegisterTrackings({ items });
  assert.is(res.results.length, 1000);
  assert.ok(res.results.every((r) => r.created && !r.error));
  const [{ after }] = await t.db.sequelize.query<{ after: number }>(
    "SELECT (xact_commit + xact_rollback)::int AS after FROM pg_stat_database WHERE datname = current_database()",
    { type: QueryTypes.SELECT },
  );
  // pg_stat counters are updated lazily; the figure is a sanity bound, not exact: far below one per item.
  assert.ok(after - before < 200, `transactions during the batch: ${after - before}`);
});

test("a registration claimed by a registrar that died is taken again once its lease runs out", async () => {
  const res = await client.registerTracking({ trackingNumber: "RR200000023CN", autoRefreshEnabled: false });
  const id = res.record?.trackingId as string;
  // As a crashed registrar leaves it: PENDING, claimed until a minute from now, never answered.
  await t.db.sequelize.query(
    "UPDATE tracking_records SET registration_state = 'PENDING', registration_lease_until = now() + interval '1 minute' WHERE tracking_id = $1",
    { bind: [id] },
  );
  await new Promise((r) => setTimeout(r, 2_500));
  assert.is((await byId(id)).registration?.state, RegistrationState.PENDING, "the live lease is respected");
  await t.db.sequelize.query(
    "UPDATE tracking_records SET registration_lease_until = now() - interval '1 second' WHERE tracking_id = $1",
    { bind: [id] },
  );
  assert.is((await settled(id)).registration?.state, RegistrationState.ACCEPTED);
});

test("an unrecognised number goes to 17TRACK's auto-detection; its rejection is recorded and flagged", async () => {
  const res = await client.registerTracking({ trackingNumber: "ZZUNKNOWN00042" });
  assert.is(res.record?.carrier?.carrierCode, "auto");
  const done = await settled(res.record?.trackingId as string);
  assert.is(done.registration?.state, RegistrationState.REJECTED);
  assert.is(done.registration?.errorCode, -18019903);
  assert.ok(done.registration?.errorMessage);
  assert.is(done.requiresAttention, true);
});

test("a hand-off journey pushed by 17TRACK (signed) lands in the timeline with both carriers, once", async () => {
  const number = "1Z879E930346834440";
  const reg = await client.registerTracking({ trackingNumber: number });
  const id = reg.record?.trackingId as string;
  await settled(id);
  const hour = 3600_000;
  await sim.scriptShipment(number, {
    events: [
      {
        afterMs: 1 * hour,
        subStatus: "InfoReceived",
        description: "Label created",
        country: "CN",
        city: "Shenzhen",
        providerKey: 190271,
      },
      {
        afterMs: 5 * hour,
        subStatus: "InTransit_PickedUp",
        description: "Picked up",
        country: "CN",
        city: "Shenzhen",
        providerKey: 190271,
      },
      {
        afterMs: 30 * hour,
        subStatus: "InTransit_Arrival",
        description: "Arrived at hub",
        country: "US",
        city: "Louisville",
        providerKey: 100002,
      },
      {
        afterMs: 40 * hour,
        subStatus: "OutForDelivery_Other",
        description: "Out for delivery",
        country: "US",
        city: "Austin",
        providerKey: 100002,
      },
    ],
  });
  await sim.advanceClock(2 * 24 * hour);
  const record = await until("pushed events", async () => {
    const r = await byId(id);
    return r.eventCount >= 4 ? r : undefined;
  });
  assert.is(record.status, TrackingStatus.OUT_FOR_DELIVERY);
  const { events } = await client.listTrackingEvents({ trackingId: id, pageSize: 100 });
  assert.equal(
    events.map((e) => [e.eventSequence, e.description, e.reportedBy?.track17Key]),
    [
      [1, "Label created", 190271],
      [2, "Picked up", 190271],
      [3, "Arrived at hub", 100002],
      [4, "Out for delivery", 100002],
    ],
  );
  // 17TRACK pushing the same state again inserts nothing.
  await sim.advanceClock(hour);
  assert.is((await byId(id)).eventCount, 4);

  // The same journey through the sync path (gettrackinfo → the same ingest): nothing is stored twice. The first
  // scheduled sync (due at acceptance) must be over, so the manual job below is the only one running.
  const sync = createClient(SyncService, createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }));
  await until("the first scheduled sync", async () => {
    const { jobs } = await sync.listSyncJobs({ trackingId: id });
    return jobs.length > 0 && jobs.every((j) => j.jobStatus === SyncJobStatus.COMPLETED) ? true : undefined;
  });
  // Scheduled for later so the dispatcher leaves it alone, then run now.
  const scheduled = await sync.scheduleSync({
    trackingId: id,
    scheduledAt: timestampFromDate(new Date(Date.now() + 3600_000)),
  });
  const done = await sync.executeSyncJob({ jobId: scheduled.job?.jobId as bigint });
  assert.is(done.job?.jobStatus, SyncJobStatus.COMPLETED);
  assert.is(done.job?.eventsFetched, 4);
  assert.is(done.job?.eventsNew, 0);
  assert.is((await byId(id)).eventCount, 4);
});

async function post(body: string, sign: string | undefined) {
  const res = await fetch(`${t.baseUrl}/webhooks/17track`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(sign === undefined ? {} : { sign }) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test("webhook: forged or unsigned pushes are refused with 401 and store nothing; duplicates are accepted once", async () => {
  const body = JSON.stringify({
    event: "TRACKING_STOPPED",
    data: { number: "1Z5R89390357567127", carrier: 100002, param: null, tag: null },
  });
  const stored = async () => {
    const [{ n }] = await t.db.sequelize.query<{ n: number }>("SELECT count(*)::int AS n FROM inbound_pushes", {
      type: QueryTypes.SELECT,
    });
    return n;
  };
  const before = await stored();
  assert.is((await post(body, undefined)).status, 401);
  assert.is((await post(body, signPushBody(body, "wrong-key"))).status, 401);
  assert.is((await post(`${body} `, signPushBody(body, KEY))).status, 401, "a signature covers the exact bytes");
  assert.is(await stored(), before);

  const ok = await post(body, signPushBody(body, KEY));
  assert.equal([ok.status, ok.body.duplicate], [200, false]);
  const dup = await post(body, signPushBody(body, KEY));
  assert.equal([dup.status, dup.body.duplicate], [200, true]);
  assert.is(await stored(), before + 1);

  assert.is((await post("not json", signPushBody("not json", KEY))).status, 400);
  assert.is((await fetch(`${t.baseUrl}/webhooks/17track`)).status, 405);
});

test.run();
