// RefreshTracking, UpdateTracking, DeleteTracking, DetectCarrier and UpdateCarrier through the public API, against
// the simulator over HTTP.
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CarrierService } from "../../gen/waybill/v1/carrier_service_pb.js";
import { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import { RegistrationState, TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { createDefaultSimulator } from "../../src/simulator/defaults.js";
import { simulatorEnv, startTestApp, type TestApp } from "../support/app.js";
import { connectErrorOf } from "../support/rejection.js";

const KEY = "e2e-commands-key";
const sim = createDefaultSimulator({ apiKey: KEY, ratePerSecond: 50, clockMode: "frozen" });
let t: TestApp;
let tracking: ReturnType<typeof createClient<typeof TrackingService>>;
let carriers: ReturnType<typeof createClient<typeof CarrierService>>;

test.before(async () => {
  const simUrl = await sim.listen(0, "127.0.0.1");
  t = await startTestApp("tracking-commands", simulatorEnv(simUrl, KEY));
  const transport = createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" });
  tracking = createClient(TrackingService, transport);
  carriers = createClient(CarrierService, transport);
});
test.after(async () => {
  await t?.stop();
  await sim.close();
});

async function registered(trackingNumber: string, carrierCode = "") {
  const res = await tracking.registerTracking({ trackingNumber, carrierCode });
  const id = res.record?.trackingId as string;
  for (let i = 0; i < 150; i++) {
    const r = (await tracking.getTracking({ lookup: { case: "trackingId", value: id } })).record;
    if (r?.registration?.state === RegistrationState.ACCEPTED) return id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${trackingNumber} was not accepted`);
}

test("RefreshTracking fetches from 17TRACK now and ingests; a second refresh adds nothing", async () => {
  const number = "1Z5R89390357567127";
  const id = await registered(number);
  await sim.scriptShipment(number, {
    events: [
      { afterMs: 3600_000, subStatus: "InTransit_PickedUp", description: "Picked up", country: "US", city: "Reno" },
      { afterMs: 7200_000, subStatus: "Delivered_Other", description: "Delivered", country: "US", city: "Reno" },
    ],
  });
  await sim.advanceClock(3 * 3600_000);
  const first = await tracking.refreshTracking({ trackingId: id });
  assert.is(first.eventsNew, 2);
  assert.is(first.statusChanged, true);
  assert.is(first.record?.status, TrackingStatus.DELIVERED);
  assert.is(first.record?.isDelivered, true);
  const second = await tracking.refreshTracking({ trackingId: id });
  assert.is(second.eventsNew, 0);
  assert.is(second.statusChanged, false);
  assert.is(second.record?.eventCount, 2);
});

test("RefreshTracking of a record 17TRACK has not accepted is FailedPrecondition; of an unknown id NotFound", async () => {
  await t.db.sequelize.query(
    "UPDATE tracking_records SET registration_state = 'PENDING' WHERE tracking_number = 'WBPENDING01'",
  );
  const rejected = await tracking.registerTracking({ trackingNumber: "ZZNOTDETECT77" });
  const id = rejected.record?.trackingId as string;
  // Either still pending or already rejected by 17TRACK (unknown format): neither can be refreshed.
  const err = await connectErrorOf(tracking.refreshTracking({ trackingId: id }));
  assert.is(err.code, Code.FailedPrecondition);
  const missing = await connectErrorOf(
    tracking.refreshTracking({ trackingId: "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11" }),
  );
  assert.is(missing.code, Code.NotFound);
});

test("UpdateTracking changes settings and the carrier (17TRACK changecarrier), up to 17TRACK's 5 changes", async () => {
  const number = "1Z410E7W0392751591";
  const id = await registered(number);
  const updated = await tracking.updateTracking({
    trackingId: id,
    customerReference: "ref-9",
    orderId: "order-9",
    priority: 1,
    autoRefreshEnabled: false,
    syncIntervalMinutes: 60,
  });
  assert.equal(
    [updated.record?.customerReference, updated.record?.orderId, updated.record?.priority],
    ["ref-9", "order-9", 1],
  );
  assert.equal([updated.record?.autoRefreshEnabled, updated.record?.syncIntervalMinutes], [false, 60]);

  const plan = ["fedex", "usps", "dhl-express", "fedex", "usps"];
  for (const code of plan) {
    // 17TRACK takes a change only after it has a tracking result for the previous carrier (-18019808).
    await sim.advanceClock(6 * 3600_000);
    const r = await tracking.updateTracking({ trackingId: id, carrierCode: code });
    assert.is(r.record?.carrier?.carrierCode, code);
  }
  assert.is(sim.shipment(number)?.carrier, 21051, "17TRACK holds the last carrier (USPS)");
  const sixth = await connectErrorOf(tracking.updateTracking({ trackingId: id, carrierCode: "ups" }));
  assert.is(sixth.code, Code.FailedPrecondition);
  assert.match(sixth.rawMessage, /5 times/);
  const unknown = await connectErrorOf(tracking.updateTracking({ trackingId: id, carrierCode: "nope" }));
  assert.is(unknown.code, Code.NotFound);
});

test("a registration 17TRACK refused is tried again after the carrier is changed", async () => {
  const res = await tracking.registerTracking({ trackingNumber: "ZZREFUSED0001" });
  const id = res.record?.trackingId as string;
  let state = RegistrationState.PENDING;
  for (let i = 0; i < 150 && state === RegistrationState.PENDING; i++) {
    await new Promise((r) => setTimeout(r, 100));
    state =
      (await tracking.getTracking({ lookup: { case: "trackingId", value: id } })).record?.registration?.state ?? state;
  }
  assert.is(state, RegistrationState.REJECTED);
  const updated = await tracking.updateTracking({ trackingId: id, carrierCode: "usps" });
  assert.ok(
    [RegistrationState.PENDING, RegistrationState.ACCEPTED].includes(
      updated.record?.registration?.state as RegistrationState,
    ),
  );
  assert.is(updated.record?.registration?.errorCode, 0);
  assert.is(updated.record?.requiresAttention, false);
});

test("DeleteTracking stops and deletes at 17TRACK and removes the record and its events", async () => {
  const number = "1Z999AA10123456784";
  const id = await registered(number);
  await sim.scriptShipment(number, {
    events: [{ afterMs: 60_000, subStatus: "InTransit_Other", description: "Moving", country: "US", city: "Reno" }],
  });
  await sim.advanceClock(3600_000);
  await tracking.refreshTracking({ trackingId: id });
  const res = await tracking.deleteTracking({ trackingId: id });
  assert.equal([res.trackingId, res.eventsDeleted], [id, 1]);
  assert.is(sim.shipment(number), undefined, "17TRACK no longer tracks it");
  const gone = await connectErrorOf(tracking.getTracking({ lookup: { case: "trackingId", value: id } }));
  assert.is(gone.code, Code.NotFound);
  const again = await connectErrorOf(tracking.deleteTracking({ trackingId: id }));
  assert.is(again.code, Code.NotFound);
});

test("DeleteTracking while a registration call is in flight still removes the number at 17TRACK", async () => {
  const number = "RR200000010CN";
  const id = await registered(number);
  assert.ok(sim.shipment(number));
  // As the registrar leaves a record while its register call is out: PENDING under a live lease.
  await t.db.sequelize.query(
    "UPDATE tracking_records SET registration_state = 'PENDING', registration_lease_until = now() + interval '1 minute' WHERE tracking_id = $1",
    { bind: [id] },
  );
  await tracking.deleteTracking({ trackingId: id });
  assert.is(sim.shipment(number), undefined, "17TRACK no longer tracks it");
});

test("DetectCarrier ranks candidates with rule and check digit; a failed check digit or a disabled carrier is not offered", async () => {
  const ups = await carriers.detectCarrier({ trackingNumber: "1z 999a a101 2345 6784" });
  assert.is(ups.normalizedNumber, "1Z999AA10123456784");
  assert.is(ups.candidates[0]?.carrier?.carrierCode, "ups");
  assert.is(ups.candidates[0]?.checkDigitVerified, true);
  assert.ok(ups.candidates[0]?.rule);
  const badDigit = await carriers.detectCarrier({ trackingNumber: "1Z999AA10123456785" });
  assert.not.ok(badDigit.candidates.some((c) => c.carrier?.carrierCode === "ups"));
  const unknown = await carriers.detectCarrier({ trackingNumber: "HELLO-WORLD" });
  assert.equal(unknown.candidates, []);

  const off = await carriers.updateCarrier({ carrierCode: "ups", isActive: false });
  assert.is(off.carrier?.isActive, false);
  try {
    const none = await carriers.detectCarrier({ trackingNumber: "1Z999AA10123456784" });
    assert.not.ok(none.candidates.some((c) => c.carrier?.carrierCode === "ups"));
    const refused = await connectErrorOf(
      tracking.registerTracking({ trackingNumber: "1Z879E930346834440", carrierCode: "ups" }),
    );
    assert.is(refused.code, Code.FailedPrecondition);
  } finally {
    await carriers.updateCarrier({ carrierCode: "ups", isActive: true });
  }
  const renamed = await carriers.updateCarrier({ carrierCode: "ups", carrierPhone: "+1 800 742 5877" });
  assert.is(renamed.carrier?.carrierPhone, "+1 800 742 5877");
  const missing = await connectErrorOf(carriers.updateCarrier({ carrierCode: "no-such", isActive: true }));
  assert.is(missing.code, Code.NotFound);
});

test.run();
