// Webhooks from the simulator (§5): TRACKING_UPDATED when new events become visible, TRACKING_STOPPED on
// stop, `sign` = sha256hex(raw body + "/" + key) over the exact bytes, push outcome recorded per number,
// and the `push` endpoint (§2.8).
import { createHash, timingSafeEqual } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSimulator, type JourneyKind, pickJourneyKind } from "../../src/simulator/index.js";
import { createSimCaller, startWebhookReceiver, type WebhookReceiver } from "../../src/simulator/testing.js";
import { Track17Error } from "../../src/upstream/error-codes.js";

const KEY = "hook-test-key";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let receiver: WebhookReceiver;
let sim: ReturnType<typeof createSimulator>;
let call: ReturnType<typeof createSimCaller>;
const extra: { close(): Promise<void> }[] = [];

test.before(async () => {
  receiver = await startWebhookReceiver();
  sim = createSimulator({
    apiKey: KEY,
    ratePerSecond: 10_000,
    clockMode: "frozen",
    startTime: new Date("2025-03-10T08:00:00Z"),
    webhookUrl: receiver.url,
  });
  call = createSimCaller(await sim.listen(), KEY);
});
test.before.each(() => {
  sim.reset();
  receiver.received.length = 0;
  receiver.status = 200;
});
test.after(async () => {
  await Promise.all([sim.close(), receiver.close(), ...extra.map((x) => x.close())]);
});

function numberFor(kind: JourneyKind, prefix = "SIMW"): string {
  for (let i = 0; ; i++) {
    const n = `${prefix}${String(i).padStart(6, "0")}`;
    if (pickJourneyKind(n) === kind) return n;
  }
}

/** §5.3 verification exactly as a receiver must do it: on the raw bytes, constant time. */
function verify(raw: Buffer, sign: string | undefined, key: string): boolean {
  if (!sign) return false;
  const expected = createHash("sha256")
    .update(Buffer.concat([raw, Buffer.from(`/${key}`, "utf8")]))
    .digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(sign);
  return a.length === b.length && timingSafeEqual(a, b);
}

test("no push at registration (no events yet); TRACKING_UPDATED once events become visible", async () => {
  const number = numberFor("domestic");
  await call("register", [{ number, carrier: 21051, tag: "order-7" }]);
  await sim.advanceClock(60_000);
  assert.is(receiver.received.length, 0);
  await sim.advanceClock(4 * HOUR);
  assert.is(receiver.received.length, 1);
  const push = receiver.received[0];
  assert.is(push?.headers["content-type"], "application/json");
  assert.is(push?.json.event, "TRACKING_UPDATED");
  assert.equal(Object.keys(push?.json.data), ["number", "carrier", "param", "tag", "track_info"]);
  assert.is(push?.json.data.tag, "order-7");
  assert.is(push?.json.data.track_info.latest_status.status, "InfoReceived");
  // track_info is exactly what gettrackinfo returns (§5.2).
  const polled = await call("gettrackinfo", [{ number }]);
  assert.equal(push?.json.data.track_info, polled.body.data.accepted[0].track_info);
});

test("sign header = sha256hex(raw body + '/' + key); a wrong key or altered body fails", async () => {
  const number = numberFor("international-handoff");
  await call("register", [{ number, carrier: 3011, tag: "ünïcødé-tag" }]);
  await sim.advanceClock(3 * DAY);
  const push = receiver.received.at(-1);
  assert.ok(push);
  const sign = push?.headers.sign as string;
  assert.match(sign, /^[0-9a-f]{64}$/);
  assert.ok(verify(push?.raw as Buffer, sign, KEY));
  assert.not.ok(verify(push?.raw as Buffer, sign, "other-key"));
  const reserialised = Buffer.from(JSON.stringify(push?.json, null, 1));
  assert.not.ok(verify(reserialised, sign, KEY));
});

test("one push per tick with new data; none when nothing changed", async () => {
  const number = numberFor("domestic-out-for-delivery");
  await call("register", [{ number, carrier: 3011 }]);
  await sim.advanceClock(10 * DAY);
  assert.is(receiver.received.length, 1);
  assert.is(receiver.received[0]?.json.data.track_info.latest_status.status, "Delivered");
  await sim.advanceClock(HOUR);
  assert.is(receiver.received.length, 1);
});

test("stoptrack sends TRACKING_STOPPED {number, carrier, param, tag}", async () => {
  const number = numberFor("domestic");
  await call("register", [{ number, carrier: 3011, tag: "t-stop" }]);
  await call("stoptrack", [{ number }]);
  const [push] = await receiver.waitFor(1);
  assert.equal(push?.json, {
    event: "TRACKING_STOPPED",
    data: { number, carrier: 3011, param: null, tag: "t-stop" },
  });
  assert.ok(verify(push?.raw as Buffer, push?.headers.sign as string, KEY));
});

test("auto-stop: TRACKING_UPDATED first, then TRACKING_STOPPED", async () => {
  const number = numberFor("exception-damaged");
  await call("register", [{ number, carrier: 3011 }]);
  await sim.advanceClock(60 * DAY);
  assert.equal(
    receiver.received.map((p) => p.json.event),
    ["TRACKING_UPDATED", "TRACKING_STOPPED"],
  );
});

test("push outcome is recorded per number and filterable in gettracklist (§5.4)", async () => {
  const ok = numberFor("domestic", "SIMOK");
  const bad = numberFor("domestic", "SIMBAD");
  receiver.status = (push) => (push.json.data.number === bad ? 500 : 200);
  await call("register", [
    { number: ok, carrier: 3011 },
    { number: bad, carrier: 3011 },
  ]);
  await sim.advanceClock(5 * HOUR);
  const list = async (q: object) => (await call("gettracklist", q)).body.data.accepted;
  const [success] = await list({ push_status: "Success" });
  assert.is(success.number, ok);
  assert.is(success.push_status_code, 200);
  assert.match(success.push_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  const [failure] = await list({ push_status: "Failure" });
  assert.is(failure.number, bad);
  assert.is(failure.push_status_code, 500);
  assert.equal(sim.counters().pushes, { sent: 1, failed: 1 });
});

test("push endpoint re-sends current data; -18010206 when the receiver fails; -18019902 unknown", async () => {
  const number = numberFor("domestic");
  await call("register", [{ number, carrier: 3011 }]);
  const r = await call("push", [{ number }, { number: "NOTREG0001" }]);
  assert.equal(r.body.data.accepted, [{ number, carrier: 3011 }]);
  assert.is(r.body.data.rejected[0].error.code, Track17Error.NotRegistered);
  assert.is(receiver.received.length, 1);
  assert.is(receiver.received[0]?.json.event, "TRACKING_UPDATED");
  assert.is(receiver.received[0]?.json.data.track_info.latest_status.status, "NotFound");
  receiver.status = 503;
  const failed = await call("push", [{ number }]);
  assert.is(failed.body.data.rejected[0].error.code, Track17Error.PushFailed);
});

test("pushRetry: a failed push is retried at +10 simulated minutes with the same bytes", async () => {
  const hook = await startWebhookReceiver();
  const retrying = createSimulator({
    apiKey: KEY,
    ratePerSecond: 10_000,
    clockMode: "frozen",
    webhookUrl: hook.url,
    pushRetry: true,
  });
  extra.push(retrying, hook);
  const c = createSimCaller(await retrying.listen(), KEY);
  await c("register", [{ number: numberFor("domestic"), carrier: 3011 }]);
  hook.status = 500;
  await retrying.advanceClock(4 * HOUR);
  assert.is(hook.received.length, 1);
  hook.status = 200;
  await retrying.advanceClock(9 * 60_000);
  assert.is(hook.received.length, 1);
  await retrying.advanceClock(60_000);
  assert.is(hook.received.length, 2);
  assert.ok(hook.received[0]?.raw.equals(hook.received[1]?.raw as Buffer));
});

test("real-time timer: with a running clock, new events are pushed without any request", async () => {
  const hook = await startWebhookReceiver();
  const live = createSimulator({ apiKey: KEY, ratePerSecond: 10_000, webhookUrl: hook.url, pushIntervalMs: 50 });
  extra.push(live, hook);
  const c = createSimCaller(await live.listen(), KEY);
  const number = numberFor("not-found", "SIMLIVE");
  await c("register", [{ number, carrier: 3011 }]);
  await live.scriptShipment(number, {
    events: [{ afterMs: 300, subStatus: "InfoReceived", description: "Label created" }],
  });
  assert.is(hook.received.length, 0);
  const [push] = await hook.waitFor(1, 3000);
  assert.is(push?.json.data.track_info.latest_event.description, "Label created");
});

test.run();
