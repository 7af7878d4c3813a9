// Simulated journeys over real HTTP: track_info validity (§4.1, §4.4, §4.5) while the clock advances,
// determinism per number, the hand-off shape, auto-stop/deletion (§2.4) and scripted futures; plus
// table cases for the pure helpers those rely on.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  createSimulator,
  JOURNEY_KINDS,
  type JourneyKind,
  pickJourneyKind,
  planJourney,
  type ShipmentView,
} from "../../src/simulator/index.js";
import { autoStopAt } from "../../src/simulator/lifecycle.js";
import { createSimCaller } from "../../src/simulator/testing.js";
import { formatLocal, formatUtc, parseLooseDate } from "../../src/simulator/time-format.js";
import { Track17Error } from "../../src/upstream/error-codes.js";
import { KEY_STAGES, type TrackEvent, type TrackInfo } from "../../src/upstream/wire.js";

const START = new Date("2025-03-10T08:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const sim = createSimulator({ ratePerSecond: 10_000, clockMode: "frozen", startTime: START });
let call: ReturnType<typeof createSimCaller>;
let base = "";
const others: ReturnType<typeof createSimulator>[] = [];

test.before(async () => {
  base = await sim.listen();
  call = createSimCaller(base, "sandbox-key");
});
test.before.each(() => sim.reset());
test.after(async () => {
  await Promise.all([sim.close(), ...others.map((s) => s.close())]);
});

function numberFor(kind: JourneyKind, prefix = "SIMJ"): string {
  for (let i = 0; ; i++) {
    const n = `${prefix}${String(i).padStart(6, "0")}`;
    if (pickJourneyKind(n) === kind) return n;
  }
}

async function info(number: string, carrier?: number): Promise<TrackInfo> {
  const r = await call("gettrackinfo", [{ number, carrier }]);
  assert.is(r.body.data.rejected.length, 0, JSON.stringify(r.body.data.rejected));
  return r.body.data.accepted[0].track_info;
}

const isInt32 = (n: unknown) => Number.isInteger(n) && (n as number) >= -(2 ** 31) && (n as number) < 2 ** 31;

function checkTimes(where: string, t: { time_iso: string | null; time_utc: string | null; time_raw?: unknown }) {
  const raw = t.time_raw as { date: string | null; time: string | null; timezone: string | null };
  if (t.time_iso === null) {
    assert.is(t.time_utc, null, where);
    assert.equal(raw, { date: null, time: null, timezone: null }, where);
    return;
  }
  assert.match(t.time_iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/, where);
  assert.match(t.time_utc ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, where);
  assert.is(Date.parse(t.time_iso), Date.parse(t.time_utc ?? ""), `${where}: time_iso and time_utc differ`);
  assert.is(`${raw.date}T${raw.time}${raw.timezone}`, t.time_iso, `${where}: time_raw`);
}

/** Everything §4.1/§4.4 promise about one track_info. */
function validate(ti: TrackInfo, where: string) {
  assert.equal(
    ti.milestone.map((m) => m.key_stage),
    [...KEY_STAGES],
    `${where}: 9 milestones in order`,
  );
  for (const m of ti.milestone) checkTimes(`${where} milestone ${m.key_stage}`, m);
  assert.ok(isInt32(ti.tracking.providers_hash), where);
  const all: TrackEvent[] = [];
  for (const p of ti.tracking.providers) {
    assert.ok(isInt32(p.events_hash), where);
    assert.type(p.provider.key, "number");
    assert.ok("provider_lang" in p, `${where}: provider_lang`);
    const times = p.events.map((e) => Date.parse(e.time_utc ?? ""));
    assert.equal(
      times,
      [...times].sort((a, b) => b - a),
      `${where}: events newest first`,
    );
    for (const e of p.events) {
      checkTimes(`${where} event`, e);
      assert.ok(e.stage === null || (KEY_STAGES as readonly string[]).includes(e.stage as string), where);
      assert.type(e.sub_status, "string");
      assert.equal(Object.keys(e.address), ["country", "state", "city", "street", "postal_code", "coordinates"]);
      all.push(e);
    }
  }
  for (const stage of KEY_STAGES) {
    const m = ti.milestone.find((x) => x.key_stage === stage);
    const hits = all.filter((e) => e.stage === stage).map((e) => e.time_utc);
    if (hits.length === 0) assert.is(m?.time_utc, null, `${where}: milestone ${stage} unreached`);
    else assert.ok(hits.includes(m?.time_utc ?? ""), `${where}: milestone ${stage} matches an event`);
  }
  const newest = all.sort((a, b) => Date.parse(b.time_utc ?? "") - Date.parse(a.time_utc ?? ""))[0];
  if (!newest) {
    assert.is(ti.latest_event, null, where);
    assert.is(ti.latest_status.status, "NotFound", where);
    return;
  }
  assert.equal(ti.latest_event, newest, `${where}: latest_event`);
  if (ti.latest_status.status !== "Expired") {
    assert.is(ti.latest_status.sub_status, newest.sub_status, `${where}: status follows newest event`);
  }
}

const eventsOf = (ti: TrackInfo) => ti.tracking.providers.flatMap((p) => p.events);

// ---- pure helpers (tables) ----------------------------------------------------------------------

const localCases: [string, number, string, string][] = [
  ["negative offset", Date.UTC(2022, 3, 4, 23, 35, 22), "-07:00", "2022-04-04T16:35:22-07:00"],
  ["half-hour offset", Date.UTC(2024, 0, 1, 20, 0, 0), "+05:30", "2024-01-02T01:30:00+05:30"],
  ["UTC", Date.UTC(2024, 1, 29, 0, 0, 0), "+00:00", "2024-02-29T00:00:00+00:00"],
];
for (const [name, ms, tz, expected] of localCases) {
  test(`formatLocal: ${name}`, () => {
    assert.is(formatLocal(ms, tz), expected);
    assert.is(Date.parse(expected), Date.parse(formatUtc(ms)));
  });
}

const dateCases: [string, number | null][] = [
  ["2021/12/1", Date.UTC(2021, 11, 1)],
  ["2025-03-10", Date.UTC(2025, 2, 10)],
  ["2022-04-25T22:22:47+05:00", Date.UTC(2022, 3, 25, 17, 22, 47)],
  ["2022-03-14 07:45:38Z", Date.UTC(2022, 2, 14, 7, 45, 38)],
  ["yesterday", null],
  ["2021/13/45", null],
];
for (const [input, expected] of dateCases) {
  test(`parseLooseDate: ${input}`, () => assert.is(parseLooseDate(input), expected));
}

const stopCases: [string, JourneyKind, (plan: ReturnType<typeof planJourney>) => number][] = [
  ["not found: 30 days after registration", "not-found", (p) => p.startedAt + 30 * DAY],
  ["delivered: 15 days after delivery", "domestic", (p) => (p.events.at(-1)?.at ?? 0) + 15 * DAY],
  ["lost: 30 days after the last event", "exception-lost", (p) => (p.events.at(-1)?.at ?? 0) + 30 * DAY],
  ["expired: 30 days after the Expired verdict", "expired", (p) => (p.statusChanges[0]?.at ?? 0) + 30 * DAY],
];
for (const [name, kind, expected] of stopCases) {
  test(`autoStopAt: ${name}`, () => {
    const plan = planJourney({ number: numberFor(kind), carrier: 3011, startedAt: START.getTime() });
    assert.is(autoStopAt(plan, plan.startedAt, Number.POSITIVE_INFINITY), expected(plan));
    assert.is(autoStopAt(plan, plan.startedAt, expected(plan) - 1), null);
  });
}

test("pickJourneyKind is pinned for known numbers (a hash change would reshuffle every journey)", () => {
  assert.is(pickJourneyKind("RR123456789CN"), "failed-then-delivered");
  assert.is(pickJourneyKind("1Z2617V10397725789"), "exception-damaged");
  assert.is(pickJourneyKind("rr123456789cn"), "failed-then-delivered");
});

// ---- journeys over HTTP -------------------------------------------------------------------------

test("every journey kind: valid track_info at each step, visible events only grow", async () => {
  const numbers = JOURNEY_KINDS.map((k) => numberFor(k));
  const r = await call(
    "register",
    numbers.map((number) => ({ number, carrier: 3011 })),
  );
  assert.is(r.body.data.accepted.length, JOURNEY_KINDS.length);
  const seen = new Map<string, { count: number; hash: number; providers: number }>();
  for (let step = 0; step <= 60; step++) {
    const res = await call(
      "gettrackinfo",
      numbers.map((number) => ({ number })),
    );
    for (const item of res.body.data.accepted as { number: string; track_info: TrackInfo }[]) {
      const where = `${pickJourneyKind(item.number)} @${step * 8}h`;
      validate(item.track_info, where);
      const count = eventsOf(item.track_info).length;
      const hash = item.track_info.tracking.providers_hash;
      const providers = item.track_info.tracking.providers.length;
      const before = seen.get(item.number);
      if (before) {
        assert.ok(count >= before.count, `${where}: events never disappear`);
        if (count !== before.count) assert.is.not(hash, before.hash, `${where}: hash changes with events`);
        else if (providers === before.providers) assert.is(hash, before.hash, `${where}: hash stable without change`);
      }
      seen.set(item.number, { count, hash, providers });
    }
    await sim.advanceClock(8 * HOUR);
  }
});

const finals: [JourneyKind, string, string][] = [
  ["domestic", "Delivered", "Delivered_Other"],
  ["domestic-out-for-delivery", "Delivered", "Delivered_Other"],
  ["international-handoff", "Delivered", "Delivered_Other"],
  ["failed-then-delivered", "Delivered", "Delivered_Other"],
  ["failed-final", "DeliveryFailure", "DeliveryFailure_InvalidAddress"],
  ["exception-lost", "Exception", "Exception_Lost"],
  ["exception-damaged", "Exception", "Exception_Damage"],
  ["customs-held", "Exception", "Exception_Security"],
  ["return-to-sender", "Exception", "Exception_Returned"],
  ["available-for-pickup", "AvailableForPickup", "AvailableForPickup_Other"],
  ["not-found", "NotFound", "NotFound_Other"],
  ["expired", "Expired", "Expired_Other"],
];
test("each journey ends in its documented status (§4.2/§4.3)", async () => {
  const numbers = finals.map(([k]) => numberFor(k));
  await call(
    "register",
    numbers.map((number) => ({ number, carrier: 3011 })),
  );
  await sim.advanceClock(40 * DAY);
  for (const [kind, status, sub] of finals) {
    const ti = await info(numberFor(kind));
    assert.is(ti.latest_status.status, status, kind);
    assert.is(ti.latest_status.sub_status, sub, kind);
  }
  const failed = eventsOf(await info(numberFor("failed-then-delivered"))).map((e) => e.sub_status);
  assert.ok(failed.includes("DeliveryFailure_NoBody"));
  const returned = await info(numberFor("return-to-sender"));
  const stages = returned.milestone.filter((m) => m.time_utc !== null).map((m) => m.key_stage);
  assert.ok(stages.includes("Returning") && stages.includes("Returned"));
  const ofd = await info(numberFor("domestic-out-for-delivery"));
  assert.is.not(ofd.milestone.find((m) => m.key_stage === "OutForDelivery")?.time_utc, null);
});

test("first event appears minutes to hours after registration; NotFound before it (§2.1)", async () => {
  const number = numberFor("domestic");
  await call("register", [{ number, carrier: 21051 }]);
  const at0 = await info(number);
  assert.is(at0.latest_status.status, "NotFound");
  assert.equal(at0.tracking.providers, []);
  await sim.advanceClock(6 * 60_000);
  const synced = await info(number);
  assert.is(synced.tracking.providers.length, 1, "provider listed once synced, still without events");
  await sim.advanceClock(4 * HOUR);
  const first = await info(number);
  assert.is(first.latest_status.status, "InfoReceived");
  assert.is(first.tracking.providers[0]?.provider.key, 21051);
  assert.is(first.tracking.providers[0]?.provider.name, "USPS");
});

test("hand-off journey: two providers, last mile listed first, misc_info.local_* set", async () => {
  const number = numberFor("international-handoff");
  await call("register", [{ number, carrier: 3011 }]);
  await sim.advanceClock(2 * DAY);
  const early = await info(number);
  assert.is(early.tracking.providers.length, 1);
  assert.is(early.misc_info.local_key, 0);
  await sim.advanceClock(30 * DAY);
  const ti = await info(number);
  validate(ti, "handoff");
  const keys = ti.tracking.providers.map((p) => p.provider.key);
  assert.is(keys.length, 2);
  assert.is(keys[1], 3011, "origin post listed last");
  assert.is(ti.misc_info.local_key, keys[0]);
  assert.ok(String(ti.misc_info.local_number).length > 5);
  assert.is(ti.misc_info.local_provider, ti.tracking.providers[0]?.provider.name);
  assert.is.not(ti.shipping_info.shipper_address.country, ti.shipping_info.recipient_address.country);
  const subs = eventsOf(ti).map((e) => e.sub_status);
  assert.ok(subs.includes("InTransit_CustomsProcessing") && subs.includes("InTransit_CustomsReleased"));
});

test("determinism: the same number follows the same journey, relative to its registration", async () => {
  const number = numberFor("international-handoff", "SIMDET");
  const twin = createSimulator({ ratePerSecond: 10_000, clockMode: "frozen", startTime: START });
  const later = createSimulator({
    ratePerSecond: 10_000,
    clockMode: "frozen",
    startTime: new Date("2025-07-01T00:00:00Z"),
  });
  others.push(twin, later);
  const calls = await Promise.all([twin.listen(), later.listen()]).then((urls) =>
    urls.map((u) => createSimCaller(u, "sandbox-key")),
  );
  const results: TrackInfo[] = [];
  for (const [s, c] of [
    [sim, call],
    [twin, calls[0]],
    [later, calls[1]],
  ] as const) {
    await c?.("register", [{ number, carrier: 3011 }]);
    await s.advanceClock(20 * DAY);
    results.push((await c?.("gettrackinfo", [{ number }]))?.body.data.accepted[0].track_info);
  }
  assert.equal(results[0], results[1]);
  const offsets = (ti: TrackInfo | undefined, start: Date) =>
    eventsOf(ti as TrackInfo).map((e) => [Date.parse(e.time_utc ?? "") - start.getTime(), e.description]);
  assert.equal(offsets(results[0], START), offsets(results[2], new Date("2025-07-01T00:00:00Z")));
});

test("auto-stop 15 days after delivery (reason Expired), deletion 90 days after stop (§2.4)", async () => {
  const number = numberFor("domestic");
  await call("register", [{ number, carrier: 21051 }]);
  await sim.advanceClock(5 * DAY);
  const ti = await info(number);
  const delivered = ti.milestone.find((m) => m.key_stage === "Delivered")?.time_utc ?? "";
  const list = async () => (await call("gettracklist", { number })).body.data.accepted[0];
  let item = await list();
  assert.is(item.tracking_status, "Tracking");
  assert.is(item.delievery_time, delivered);
  await sim.advanceClock(Date.parse(delivered) + 15 * DAY - sim.now().getTime());
  item = await list();
  assert.is(item.tracking_status, "Stopped");
  assert.is(item.stop_track_reason, "Expired");
  assert.is(item.stop_track_time, formatUtc(Date.parse(delivered) + 15 * DAY));
  await sim.advanceClock(90 * DAY - 1000);
  assert.is((await list())?.number, number);
  await sim.advanceClock(1000);
  const gone = await call("gettrackinfo", [{ number }]);
  assert.is(gone.body.data.rejected[0].error.code, Track17Error.NotRegistered);
  assert.is(sim.counters().registered, 0);
});

test("auto-stop 30 days after registration when nothing is ever found", async () => {
  const number = numberFor("not-found");
  await call("register", [{ number, carrier: 3011 }]);
  await sim.advanceClock(45 * DAY);
  const item = (await call("gettracklist", { number })).body.data.accepted[0];
  assert.is(item.stop_track_time, formatUtc(START.getTime() + 30 * DAY));
  assert.is(item.package_status, "NotFound");
});

test("a stopped number is frozen; retrack resumes fetching", async () => {
  const number = numberFor("domestic-out-for-delivery");
  await call("register", [{ number, carrier: 3011 }]);
  await sim.advanceClock(12 * HOUR);
  await call("stoptrack", [{ number }]);
  const frozen = eventsOf(await info(number)).length;
  await sim.advanceClock(10 * DAY);
  assert.is(eventsOf(await info(number)).length, frozen);
  await call("retrack", [{ number }]);
  const resumed = await info(number);
  assert.ok(eventsOf(resumed).length > frozen);
  assert.is(resumed.latest_status.status, "Delivered");
});

test("scripted future over /_sim: events appear as the clock passes them", async () => {
  const number = numberFor("not-found", "SIMSCR");
  await call("register", [{ number, carrier: 3011 }]);
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body) }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as ShipmentView,
    }));
  const script = {
    events: [
      { afterMs: HOUR, subStatus: "InTransit_Arrival", description: "Arrived", city: "Berlin", country: "DE" },
      { afterMs: 2 * HOUR, subStatus: "OutForDelivery_Other", description: "Out", providerKey: 7041 },
      { afterMs: 3 * HOUR, subStatus: "InTransit_SomethingNew", status: "InTransit", description: "Future status" },
    ],
  };
  const res = await post(`/_sim/shipments/${number}/script`, script);
  assert.is(res.status, 200);
  assert.is(res.body.kind, "scripted");
  assert.is((await info(number)).latest_status.status, "NotFound");
  await post("/_sim/clock/advance", { ms: HOUR });
  let ti = await info(number);
  assert.is(ti.latest_status.sub_status, "InTransit_Arrival");
  assert.is(ti.latest_event?.stage, "Arrival");
  assert.is(ti.latest_event?.time_iso?.endsWith("+01:00"), true);
  await post("/_sim/clock/advance", { ms: 2 * HOUR });
  ti = await info(number);
  validate(ti, "scripted");
  assert.is(ti.latest_status.sub_status, "InTransit_SomethingNew");
  assert.equal(
    ti.tracking.providers.map((p) => p.provider.key),
    [7041, 3011],
  );
  assert.is((await post("/_sim/shipments/NOPE00000/script", script)).status, 404);
  assert.is((await post(`/_sim/shipments/${number}/script`, { events: [{ afterMs: -1 }] })).status, 400);
  const view = (await fetch(`${base}/_sim/shipments/${number}`).then((r) => r.json())) as ShipmentView;
  assert.equal(
    view.events.map((e: { visible: boolean }) => e.visible),
    [true, true, true],
  );
});

test.run();
