import { test } from "uvu";
import * as assert from "uvu/assert";
import { normalizeTrackInfo } from "../../src/domain/tracking/normalize.js";
import { planRecordUpdate } from "../../src/domain/tracking/plan-update.js";
import type { TrackInfo } from "../../src/upstream/wire.js";
import { addr, ev, info, provider } from "../support/track-info.js";

test("the reference's UPS example: status, flags, location, countries", () => {
  const n = normalizeTrackInfo(
    info(
      [
        provider(100002, [
          ev("2022-04-04T23:35:22Z", "DELIVERED", {
            time_iso: "2022-04-04T16:35:22-07:00",
            location: "GASQUET, CA, US",
            stage: "Delivered",
            address: addr("US", "GASQUET"),
          }),
          ev("2022-04-02T09:15:00Z", "Arrived at Facility", { location: "Anderson, CA, US" }),
          ev("2022-03-29T05:43:08Z", "Shipper created a label", { stage: "InfoReceived", location: "US" }),
        ]),
      ],
      "Delivered",
      "Delivered_Other",
    ),
  );
  assert.is(n.status, "DELIVERED");
  assert.is(n.subStatus, "Delivered_Other");
  assert.is(n.deliveredAt?.toISOString(), "2022-04-04T23:35:22.000Z");
  assert.is(n.location.city, "GASQUET");
  assert.is(n.originCountry, "CN");
  assert.is(n.destinationCountry, "US");
  assert.is(n.estimatedDeliveryDate, "2022-04-05");
  assert.equal(
    n.events.map((e) => [e.description, e.status]),
    [
      ["Shipper created a label", "INFO_RECEIVED"],
      ["Arrived at Facility", "IN_TRANSIT"],
      ["DELIVERED", "DELIVERED"],
    ],
  );
  assert.is(n.events[2]?.time.offset, "-07:00");
});

test("a hand-off keeps both providers' events, each with its reporter, in time order", () => {
  const n = normalizeTrackInfo(
    info([
      provider(100003, [ev("2024-01-05T10:00:00Z", "Out for delivery", { sub_status: "OutForDelivery_Other" })]),
      provider(3011, [ev("2024-01-02T10:00:00Z", "Departed origin"), ev("2024-01-01T10:00:00Z", "Accepted")]),
    ]),
  );
  assert.equal(
    n.events.map((e) => [e.providerKey, e.description]),
    [
      [3011, "Accepted"],
      [3011, "Departed origin"],
      [100003, "Out for delivery"],
    ],
  );
  assert.is(n.events[2]?.status, "OUT_FOR_DELIVERY");
});

test("the same event listed twice in one answer counts once; fingerprints are stable", () => {
  const e = ev("2024-01-01T10:00:00Z", "Accepted", { location: "Shenzhen" });
  const a = normalizeTrackInfo(info([provider(3011, [e, { ...e }])]));
  const b = normalizeTrackInfo(info([provider(3011, [{ ...e, location: " shenzhen " }])]));
  assert.is(a.events.length, 1);
  assert.is(a.events[0]?.fingerprint, b.events[0]?.fingerprint);
  const other = normalizeTrackInfo(info([provider(100003, [e])]));
  assert.is.not(a.events[0]?.fingerprint, other.events[0]?.fingerprint, "another provider is another event");
});

test("lenient: nulls, unknown fields, unknown statuses and time-less events never throw", () => {
  const broken = {
    latest_status: { status: "Teleported", sub_status: null, sub_status_descr: null },
    lastGatherTime: "2024-01-01",
    tracking: { providers_hash: 0, providers: [provider(1, [ev("", "no time", { time_raw: undefined })])] },
  } as unknown as TrackInfo;
  const n = normalizeTrackInfo(broken);
  assert.is(n.status, undefined);
  assert.is(n.events.length, 0);
  assert.is(normalizeTrackInfo({} as TrackInfo).events.length, 0);
});

const base = { status: "IN_TRANSIT" as const, subStatus: "InTransit_Other", registrationRejected: false };
const at = (iso: string) => new Date(iso);

test("planRecordUpdate: a newer answer applies and reports the status change", () => {
  const n = normalizeTrackInfo(
    info(
      [provider(1, [ev("2024-01-03T00:00:00Z", "Delivered", { stage: "Delivered" })])],
      "Delivered",
      "Delivered_Other",
    ),
  );
  const plan = planRecordUpdate({ ...base, latestEventAt: at("2024-01-02T00:00:00Z") }, n);
  assert.ok(plan.statusChanged);
  assert.is(plan.previousStatus, "IN_TRANSIT");
  assert.is(plan.patch?.currentStatus, "DELIVERED");
  assert.ok(plan.patch?.isDelivered);
});

test("planRecordUpdate: an older answer (out of order) never regresses the status", () => {
  const n = normalizeTrackInfo(
    info([provider(1, [ev("2024-01-01T00:00:00Z", "Accepted")])], "InfoReceived", "InfoReceived"),
  );
  const plan = planRecordUpdate({ ...base, status: "DELIVERED", latestEventAt: at("2024-01-03T00:00:00Z") }, n);
  assert.is(plan.patch, undefined);
  assert.not.ok(plan.statusChanged);
});

test("planRecordUpdate: an empty NotFound answer does not erase a shipment that has events", () => {
  const n = normalizeTrackInfo(info([], "NotFound", "NotFound_Other"));
  assert.is(planRecordUpdate({ ...base, latestEventAt: at("2024-01-01T00:00:00Z") }, n).patch, undefined);
  assert.is(
    planRecordUpdate({ ...base, status: "NOT_FOUND", latestEventAt: null }, n).patch?.currentStatus,
    "NOT_FOUND",
  );
});

test("planRecordUpdate: an unknown status keeps the current one", () => {
  const n = normalizeTrackInfo(
    info([provider(1, [ev("2024-01-05T00:00:00Z", "Beamed")])], "Teleported", "Teleported_Other"),
  );
  const plan = planRecordUpdate({ ...base, latestEventAt: at("2024-01-01T00:00:00Z") }, n);
  assert.is(plan.patch?.currentStatus, "IN_TRANSIT");
  assert.not.ok(plan.statusChanged);
});

test("planRecordUpdate: the same-time answer applies (ties go to the newer answer)", () => {
  const n = normalizeTrackInfo(
    info(
      [provider(1, [ev("2024-01-02T00:00:00Z", "Out", { sub_status: "OutForDelivery_Other" })])],
      "OutForDelivery",
      "OutForDelivery_Other",
    ),
  );
  const plan = planRecordUpdate({ ...base, latestEventAt: at("2024-01-02T00:00:00Z") }, n);
  assert.is(plan.patch?.currentStatus, "OUT_FOR_DELIVERY");
});

test("fields of the wrong type count as absent instead of throwing", () => {
  const odd = ev("2026-11-01T08:00:00Z", "Scan", {
    location: 42 as never,
    sub_status: { x: 1 } as never,
    stage: ["Delivered"] as never,
    time_raw: { date: null, time: null, timezone: 5 as never },
    address: { ...addr(null, null), country: 7 as never, city: [] as never },
  });
  const n = normalizeTrackInfo(info([provider(100002, [odd])], 12 as never, { sub: true } as never) as TrackInfo);
  assert.is(n.events.length, 1);
  assert.equal([n.events[0]?.fullAddress, n.events[0]?.country, n.events[0]?.city], [null, null, null]);
});

test.run();
