import { existsSync } from "node:fs";
// The 17TRACK v2.2 simulator's endpoints over real HTTP: every happy path and every error code of the
// reference checklist (17track-api-v2.2.md §1.3, §2, §3, §9).
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CARRIER_SEED } from "../../src/domain/carriers/seed.js";
import { createSimulator, readCarrierList, type Simulator } from "../../src/simulator/index.js";
import { type CallResult, createSimCaller } from "../../src/simulator/testing.js";
import { Track17Error } from "../../src/upstream/error-codes.js";

const CARRIER_FILE = fileURLToPath(new URL("../../../shared/data/17track-apicarrier.all.json", import.meta.url));
// 17TRACK's full list when the shared data is beside the checkout; otherwise the keys of our own seed, so a clean
// clone without ../shared still runs this suite.
const KNOWN = existsSync(CARRIER_FILE)
  ? new Set(readCarrierList(CARRIER_FILE).keys())
  : new Set(CARRIER_SEED.map((c) => c.track17Key));
const START = new Date("2025-03-10T08:00:00Z");
const MIN = 60_000;
const DAY = 86_400_000;

// A deterministic stand-in for the domain detector: S10 …CN → China Post, 1Z… → UPS (§9).
const detect = (n: string) => (/^[A-Z]{2}\d{9}CN$/.test(n) ? 3011 : n.startsWith("1Z") ? 100002 : undefined);

const sims: Simulator[] = [];
async function start(options: Parameters<typeof createSimulator>[0] = {}) {
  const sim = createSimulator({
    ratePerSecond: 10_000,
    clockMode: "frozen",
    startTime: START,
    detect,
    knownCarrierKeys: KNOWN,
    ...options,
  });
  sims.push(sim);
  const url = await sim.listen();
  return { sim, url, call: createSimCaller(url, options.apiKey ?? "sandbox-key") };
}

let main: Awaited<ReturnType<typeof start>>;
test.before(async () => {
  main = await start();
});
test.before.each(() => main.sim.reset());
test.after(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

function requestError(r: CallResult, code: number, status = 200) {
  assert.is(r.status, status);
  assert.is(r.body.code, code);
  assert.is(r.body.data.errors[0].code, code);
  assert.type(r.body.data.errors[0].message, "string");
  assert.not.ok("accepted" in r.body.data);
}

function rejected(r: CallResult, code: number, index = 0) {
  assert.is(r.status, 200);
  assert.is(r.body.code, 0);
  assert.is(r.body.data.rejected[index].error.code, code, JSON.stringify(r.body.data.rejected));
}

async function registered(...items: object[]) {
  const r = await main.call("register", items);
  assert.is(r.body.data.rejected.length, 0, JSON.stringify(r.body.data.rejected));
  return r;
}

// ---- happy paths -------------------------------------------------------------------------------

test("register: accepted item per §2.1, carrier from input (origin 2) or detection (origin 1)", async () => {
  const r = await main.call("register", [
    { number: "RR123456789CN", carrier: 3011, tag: "order-1042" },
    { number: "1Z2617V10397725789", email: "a@b.example", lang: "en" },
  ]);
  assert.is(r.status, 200);
  assert.equal(r.body, {
    code: 0,
    data: {
      accepted: [
        { origin: 2, number: "RR123456789CN", carrier: 3011, email: null, tag: "order-1042", lang: null },
        { origin: 1, number: "1Z2617V10397725789", carrier: 100002, email: "a@b.example", tag: null, lang: "en" },
      ],
      rejected: [],
    },
  });
});

test("register: auto_detection true corrects a wrong carrier (origin 1)", async () => {
  const r = await main.call("register", [{ number: "1Z2617V10397725780", carrier: 3011, auto_detection: true }]);
  assert.is(r.body.data.accepted[0].carrier, 100002);
  assert.is(r.body.data.accepted[0].origin, 1);
});

test("register: hyphenated numbers are accepted (§2.1 reported format)", async () => {
  const r = await main.call("register", [{ number: "AB-12345-XY", carrier: 100003 }]);
  assert.is(r.body.data.accepted.length, 1);
});

test("getquota: §2.6 shape; one quota per successful registration only", async () => {
  await main.call("register", [{ number: "RR123456789CN" }, { number: "x" }, { number: "RR123456789CN" }]);
  const r = await main.call("getquota", {});
  assert.equal(r.body, {
    code: 0,
    data: {
      quota_total: 10_000,
      quota_used: 1,
      quota_remain: 9_999,
      today_used: 1,
      max_track_daily: 0,
      free_email_quota: 0,
      free_email_quotaused: 0,
    },
  });
  const empty = await main.call("getquota", undefined);
  assert.is(empty.body.data.quota_used, 1);
});

test("gettrackinfo: accepted item with track_info; NotFound right after registration (§2.1)", async () => {
  await registered({ number: "RR123456789CN", tag: "t" });
  const r = await main.call("gettrackinfo", [{ number: "RR123456789CN", carrier: 3011 }]);
  const item = r.body.data.accepted[0];
  assert.equal(Object.keys(item), ["number", "carrier", "param", "tag", "track_info"]);
  assert.is(item.tag, "t");
  assert.is(item.track_info.latest_status.status, "NotFound");
  assert.is(item.track_info.latest_event, null);
  assert.is(item.track_info.milestone.length, 9);
});

test("changeinfo: updates fields under `items`", async () => {
  await registered({ number: "RR123456789CN" });
  const r = await main.call("changeinfo", [
    { number: "RR123456789CN", carrier: 3011, items: { tag: "new-tag", order_no: "A-1", order_time: "2025/3/1" } },
  ]);
  assert.equal(r.body.data, { accepted: [{ number: "RR123456789CN", carrier: 3011 }], rejected: [] });
  const list = await main.call("gettracklist", { number: "RR123456789CN" });
  const item = list.body.data.accepted[0];
  assert.is(item.tag, "new-tag");
  assert.is(item.order_no, "A-1");
  assert.is(item.order_time, "2025-03-01T00:00:00+00:00");
});

test("changeinfo: nothing valid to change → -18019811; bad value → -18010015", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await main.call("changeinfo", [{ number: "RR123456789CN", items: {} }]), Track17Error.ChangeNothingValid);
  rejected(
    await main.call("changeinfo", [{ number: "RR123456789CN", items: { tag: "x".repeat(101) } }]),
    Track17Error.FieldValueInvalid,
  );
});

test("stoptrack → retrack → deletetrack: accepted {number, carrier}; state visible in gettracklist", async () => {
  await registered({ number: "RR123456789CN" });
  const stop = await main.call("stoptrack", [{ number: "RR123456789CN", carrier: 3011 }]);
  assert.equal(stop.body.data, { accepted: [{ number: "RR123456789CN", carrier: 3011 }], rejected: [] });
  let item = (await main.call("gettracklist", {})).body.data.accepted[0];
  assert.is(item.tracking_status, "Stopped");
  assert.is(item.stop_track_reason, "ByRequest");
  assert.is(item.stop_track_time, "2025-03-10T08:00:00Z");

  const retrack = await main.call("retrack", [{ number: "RR123456789CN" }]);
  assert.equal(retrack.body.data.accepted, [{ number: "RR123456789CN", carrier: 3011 }]);
  item = (await main.call("gettracklist", {})).body.data.accepted[0];
  assert.is(item.tracking_status, "Tracking");
  assert.is(item.is_retracked, true);
  assert.is(item.stop_track_time, null);

  const del = await main.call("deletetrack", [{ number: "RR123456789CN" }]);
  assert.equal(del.body.data.accepted, [{ number: "RR123456789CN", carrier: 3011 }]);
  rejected(await main.call("gettrackinfo", [{ number: "RR123456789CN" }]), Track17Error.NotRegistered);
  // §1.4: delete + re-register costs again.
  await registered({ number: "RR123456789CN" });
  assert.is((await main.call("getquota", [])).body.data.quota_used, 2);
});

test("changecarrier: accepted with the new carrier; journey restarts; count visible in the list", async () => {
  await registered({ number: "RR123456789CN" });
  await main.sim.advanceClock(10 * MIN);
  const r = await main.call("changecarrier", [{ number: "RR123456789CN", carrier_old: 3011, carrier_new: 190012 }]);
  assert.equal(r.body.data, { accepted: [{ number: "RR123456789CN", carrier: 190012 }], rejected: [] });
  const item = (await main.call("gettracklist", {})).body.data.accepted[0];
  assert.is(item.carrier, 190012);
  assert.is(item.carrier_change_count, 1);
  const info = await main.call("gettrackinfo", [{ number: "RR123456789CN", carrier: 190012 }]);
  assert.is(info.body.data.accepted[0].track_info.latest_status.status, "NotFound");
});

test("gettracklist: §2.7 item keys (incl. `delievery_time`), top-level page, 40 per page", async () => {
  const numbers = Array.from({ length: 45 }, (_, i) => `SIMLIST${String(i).padStart(4, "0")}`);
  await main.call(
    "register",
    numbers.slice(0, 40).map((number) => ({ number, carrier: 100003 })),
  );
  await main.sim.advanceClock(1000);
  await main.call(
    "register",
    numbers.slice(40).map((number) => ({ number, carrier: 100002 })),
  );
  const first = await main.call("gettracklist", { page_no: 1, order_by: "RegisterTimeAsc" });
  assert.equal(Object.keys(first.body), ["page", "code", "data"]);
  assert.equal(first.body.page, { data_total: 45, page_total: 2, page_no: 1, page_size: 40 });
  assert.not.ok("rejected" in first.body.data);
  assert.is(first.body.data.accepted.length, 40);
  assert.is(first.body.data.accepted[0].number, "SIMLIST0000");
  assert.equal(Object.keys(first.body.data.accepted[0]), [
    "number",
    "param",
    "param_type",
    "data_origin",
    "carrier",
    "shipping_country",
    "final_carrier",
    "recipient_country",
    "register_time",
    "tracking_status",
    "package_status",
    "track_time",
    "push_time",
    "push_status",
    "push_status_code",
    "stop_track_time",
    "stop_track_reason",
    "is_retracked",
    "carrier_change_count",
    "tag",
    "email",
    "order_no",
    "order_time",
    "lang",
    "remark",
    "latest_event_time",
    "latest_event_info",
    "days_after_order",
    "days_after_last_update",
    "days_of_transit",
    "days_of_transit_done",
    "delievery_time",
    "pickup_time",
  ]); // prettier-ignore
  const second = await main.call("gettracklist", { page_no: 2, order_by: "RegisterTimeAsc" });
  assert.is(second.body.data.accepted.length, 5);
  assert.is(second.body.page.page_no, 2);
  const desc = await main.call("gettracklist", { order_by: "RegisterTimeDesc" });
  assert.is(desc.body.data.accepted[0].carrier, 100002);
});

test("gettracklist: filters number list, carrier, tracking_status, package_status, register_time", async () => {
  await registered(
    { number: "RR123456789CN" },
    { number: "1Z2617V10397725789" },
    { number: "SIMFILTER01", carrier: 100003 },
  );
  await main.call("stoptrack", [{ number: "SIMFILTER01" }]);
  const list = async (q: object) =>
    ((await main.call("gettracklist", q)).body.data.accepted as { number: string }[]).map((i) => i.number).sort();
  assert.equal(await list({ number: "RR123456789CN, SIMFILTER01" }), ["RR123456789CN", "SIMFILTER01"]);
  assert.equal(await list({ carrier: 100002 }), ["1Z2617V10397725789"]);
  assert.equal(await list({ tracking_status: "Stopped" }), ["SIMFILTER01"]);
  assert.equal((await list({ package_status: "NotFound" })).length, 3);
  assert.equal(await list({ package_status: "Delivered" }), []);
  assert.equal((await list({ register_time_from: "2025-03-10", register_time_to: "2025-03-10" })).length, 3);
  assert.equal(await list({ register_time_from: "2025-03-11" }), []);
  assert.equal((await list({ push_status: "NotPushed" })).length, 3);
  const bad = await main.call("gettracklist", { package_status: "Lost" });
  requestError(bad, Track17Error.DataValueInvalid);
  requestError(await main.call("gettracklist", []), Track17Error.SubmittedDataInvalid);
});

// ---- request-level errors ---------------------------------------------------------------------

test("auth: missing or wrong 17token → HTTP 401 + -18010002 in data.errors", async () => {
  for (const key of [null, "wrong-key"]) {
    const r = await createSimCaller(main.url, key)("getquota", {});
    requestError(r, Track17Error.InvalidKey, 401);
  }
});

test("auth: http200 mode answers HTTP 200 with the code in the body", async () => {
  const other = await start({ authFailureMode: "http200" });
  requestError(await createSimCaller(other.url, "nope")("getquota", {}), Track17Error.InvalidKey, 200);
});

test("requestErrorMode code0: top-level code 0 + data.errors (§1.3 variant)", async () => {
  const other = await start({ requestErrorMode: "code0" });
  const r = await other.call("register", { number: "RR123456789CN" });
  assert.is(r.body.code, 0);
  assert.is(r.body.data.errors[0].code, Track17Error.SubmittedDataInvalid);
});

test("more than 40 items → -18010014", async () => {
  const items = Array.from({ length: 41 }, (_, i) => ({ number: `SIMMANY${i}X`, carrier: 3011 }));
  for (const endpoint of ["register", "gettrackinfo", "stoptrack"]) {
    requestError(await main.call(endpoint, items), Track17Error.TooManyNumbers);
  }
  assert.is((await main.call("getquota", {})).body.data.quota_used, 0);
});

test("malformed JSON, non-array, empty array → -18010013", async () => {
  requestError(await main.call("register", undefined, { raw: "[{number:" }), Track17Error.SubmittedDataInvalid);
  requestError(await main.call("register", { number: "RR123456789CN" }), Track17Error.SubmittedDataInvalid);
  requestError(await main.call("gettrackinfo", []), Track17Error.SubmittedDataInvalid);
  requestError(await main.call("register", ["RR123456789CN"]), Track17Error.SubmittedDataInvalid);
});

test("unknown path → 404, wrong method → 405", async () => {
  const post = (path: string) =>
    fetch(`${main.url}${path}`, { method: "POST", headers: { "17token": "sandbox-key" }, body: "[]" });
  assert.is((await post("/track/v2.2/nope")).status, 404);
  assert.is((await post("/track/v2.1/register")).status, 404);
  assert.is((await post("/track/v2.2/getRealTimeTrackInfo")).status, 404);
  assert.is((await fetch(`${main.url}/track/v2.2/register`)).status, 405);
});

test("push without a webhook URL → -18010204", async () => {
  await registered({ number: "RR123456789CN" });
  requestError(await main.call("push", [{ number: "RR123456789CN" }]), Track17Error.WebhookNotSet);
});

// ---- item errors: register --------------------------------------------------------------------

test("register: bad number format → -18010012 with the documented message", async () => {
  const r = await main.call("register", [
    { number: "1234", tag: "My-Order-Id" },
    { number: "RR 123456789CN", carrier: 3011 },
    { number: "X".repeat(51), carrier: 3011 },
    { number: "-----", carrier: 3011 },
  ]);
  assert.equal(r.body.data.rejected[0], {
    number: "1234",
    tag: "My-Order-Id",
    error: { code: -18010012, message: "The format of '1234' is invalid." },
  });
  assert.is(r.body.data.rejected[1].carrier, 3011);
  assert.equal(
    r.body.data.rejected.map((x: { error: { code: number } }) => x.error.code),
    [-18010012, -18010012, -18010012, -18010012],
  );
  rejected(await main.call("register", [{ carrier: 3011 }]), Track17Error.DataMissing);
});

test("register: already registered → -18019901, free", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await main.call("register", [{ number: "RR123456789CN" }]), Track17Error.AlreadyRegistered);
  rejected(await main.call("register", [{ number: "rr123456789cn", carrier: 3011 }]), Track17Error.AlreadyRegistered);
  const both = await main.call("register", [
    { number: "SIMDUP0001", carrier: 100003 },
    { number: "SIMDUP0001", carrier: 100003 },
  ]);
  assert.is(both.body.data.accepted.length, 1);
  rejected(both, Track17Error.AlreadyRegistered);
  assert.is((await main.call("getquota", {})).body.data.quota_used, 2);
});

test("register: same number under a second carrier is a separate registration", async () => {
  await registered({ number: "RR123456789CN" }, { number: "RR123456789CN", carrier: 190012 });
  const info = await main.call("gettrackinfo", [{ number: "RR123456789CN" }]);
  assert.equal(
    info.body.data.accepted.map((a: { carrier: number }) => a.carrier).sort((a: number, b: number) => a - b),
    [3011, 190012],
  );
});

test("register: no carrier and not detectable → -18019903; unknown carrier key → -18019910", async () => {
  rejected(await main.call("register", [{ number: "ABCDEFGHIJ" }]), Track17Error.CarrierUndetectable);
  const r = await main.call("register", [{ number: "ABCDEFGHIJ", carrier: 999_999 }]);
  rejected(r, Track17Error.CarrierCodeIncorrect);
  assert.is(r.body.data.rejected[0].error.message, "Carrier code 999999 is incorrect.");
});

test("register: final_carrier only for postal services → -18010016", async () => {
  rejected(
    await main.call("register", [{ number: "1Z2617V10397725789", carrier: 100002, final_carrier: 21051 }]),
    Track17Error.FinalCarrierPostalOnly,
  );
  const ok = await main.call("register", [{ number: "RR123456789CN", carrier: 3011, final_carrier: 21051 }]);
  assert.is(ok.body.data.accepted.length, 1);
});

test("register: quota exhausted → -18019908 (rejections cost nothing)", async () => {
  const small = await start({ quotaTotal: 2 });
  const r = await small.call("register", [
    { number: "SIMQUOTA01", carrier: 100003 },
    { number: "bad" },
    { number: "SIMQUOTA02", carrier: 100003 },
    { number: "SIMQUOTA03", carrier: 100003 },
  ]);
  assert.is(r.body.data.accepted.length, 2);
  rejected(r, Track17Error.QuotaExhausted, 1);
  const q = (await small.call("getquota", {})).body.data;
  assert.equal([q.quota_used, q.quota_remain], [2, 0]);
});

test("register: daily cap → -18019907, lifted on the next simulated day", async () => {
  const capped = await start({ maxTrackDaily: 1 });
  const r = await capped.call("register", [
    { number: "SIMDAILY01", carrier: 100003 },
    { number: "SIMDAILY02", carrier: 100003 },
  ]);
  rejected(r, Track17Error.DailyLimitExceeded);
  assert.is((await capped.call("getquota", {})).body.data.max_track_daily, 1);
  await capped.sim.advanceClock(DAY);
  const next = await capped.call("register", [{ number: "SIMDAILY02", carrier: 100003 }]);
  assert.is(next.body.data.accepted.length, 1);
});

// ---- item errors: per-number endpoints ---------------------------------------------------------

test("not registered → -18019902 on every per-number endpoint", async () => {
  const item = [{ number: "RR999999999CN", carrier: 3011 }];
  for (const endpoint of ["gettrackinfo", "stoptrack", "retrack", "deletetrack"]) {
    const r = await main.call(endpoint, item);
    rejected(r, Track17Error.NotRegistered);
    assert.is(r.body.data.rejected[0].number, "RR999999999CN");
  }
  rejected(
    await main.call("changeinfo", [{ number: "RR999999999CN", items: { tag: "x" } }]),
    Track17Error.NotRegistered,
  );
  rejected(
    await main.call("changecarrier", [{ number: "RR999999999CN", carrier_new: 190012 }]),
    Track17Error.NotRegistered,
  );
});

test("stop only tracking (-18019906); retrack only stopped (-18019904) and only once (-18019905)", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await main.call("retrack", [{ number: "RR123456789CN" }]), Track17Error.RetrackOnlyStopped);
  await main.call("stoptrack", [{ number: "RR123456789CN" }]);
  rejected(await main.call("stoptrack", [{ number: "RR123456789CN" }]), Track17Error.StopOnlyTracking);
  assert.is((await main.call("retrack", [{ number: "RR123456789CN" }])).body.data.accepted.length, 1);
  await main.call("stoptrack", [{ number: "RR123456789CN" }]);
  rejected(await main.call("retrack", [{ number: "RR123456789CN" }]), Track17Error.RetrackOnce);
});

test("several carriers for one number and none given → -18019810 on stoptrack", async () => {
  await registered({ number: "RR123456789CN" }, { number: "RR123456789CN", carrier: 190012 });
  rejected(await main.call("stoptrack", [{ number: "RR123456789CN" }]), Track17Error.UpdateNotUnique);
  assert.is(
    (await main.call("stoptrack", [{ number: "RR123456789CN", carrier: 190012 }])).body.data.accepted.length,
    1,
  );
});

// ---- changecarrier rules -18019801…-18019809 -----------------------------------------------------

const cc = (item: object) => main.call("changecarrier", [{ number: "RR123456789CN", ...item }]);

test("changecarrier -18019804: neither carrier_new nor final_carrier_new", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await cc({ carrier_old: 3011 }), Track17Error.ChangeNewMissing);
});

test("changecarrier -18019801: several carriers, carrier_old missing", async () => {
  await registered({ number: "RR123456789CN" }, { number: "RR123456789CN", carrier: 190012 });
  rejected(await cc({ carrier_new: 190008 }), Track17Error.ChangeMultipleCarriers);
});

test("changecarrier -18019802: carrier_new not a carrier key", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await cc({ carrier_new: 999_999 }), Track17Error.ChangeCarrierNewInvalid);
});

test("changecarrier -18019803: same as the current carrier", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await cc({ carrier_new: 3011 }), Track17Error.ChangeSameCarrier);
});

test("changecarrier -18019805: carrier_old is not the registered carrier", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await cc({ carrier_old: 100002, carrier_new: 190012 }), Track17Error.ChangeNotRegisteredForOld);
});

test("changecarrier -18019806: stopped number", async () => {
  await registered({ number: "RR123456789CN" });
  await main.sim.advanceClock(10 * MIN);
  await main.call("stoptrack", [{ number: "RR123456789CN" }]);
  rejected(await cc({ carrier_new: 190012 }), Track17Error.ChangeStopped);
});

test("changecarrier -18019807: more than 5 changes", async () => {
  await registered({ number: "RR123456789CN" });
  const keys = [190012, 3011, 190012, 3011, 190012];
  for (const key of keys) {
    await main.sim.advanceClock(10 * MIN);
    assert.is((await cc({ carrier_new: key })).body.data.accepted[0]?.carrier, key);
  }
  await main.sim.advanceClock(10 * MIN);
  rejected(await cc({ carrier_new: 3011 }), Track17Error.ChangeLimitExceeded);
});

test("changecarrier -18019808: no tracking result yet since registration", async () => {
  await registered({ number: "RR123456789CN" });
  rejected(await cc({ carrier_new: 190012 }), Track17Error.ChangeNoResultYet);
});

test("changecarrier -18019809: would duplicate an existing registration", async () => {
  await registered({ number: "RR123456789CN" }, { number: "RR123456789CN", carrier: 190012 });
  await main.sim.advanceClock(10 * MIN);
  rejected(await cc({ carrier_old: 3011, carrier_new: 190012 }), Track17Error.ChangeWouldDuplicate);
});

test.run();
