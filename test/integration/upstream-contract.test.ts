// Contract: every endpoint through the real client (real Redis limiter, real HTTP) against the 17TRACK
// simulator, and every error path of the simulator surfaced as the right typed outcome or error.
import { Redis } from "ioredis";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../src/simulator/testing.js";
import { createTrack17Client, type Track17Client } from "../../src/upstream/client.js";
import { Track17Error } from "../../src/upstream/error-codes.js";
import { Track17AuthError, Track17QuotaExhaustedError, Track17RequestError } from "../../src/upstream/errors.js";
import { createTrack17Limiter, limiterKeys, type Track17Limiter } from "../../src/upstream/limiter.js";
import { createMemoryAuditSink, type MemoryAuditSink } from "../../src/upstream/memory-audit-sink.js";
import { createQuotaGuard } from "../../src/upstream/quota-guard.js";
import { rejectionOf } from "../support/rejection.js";

const CHINA_POST = 3011;
const UPS = 100002;
const YANWEN = 190012;
const USPS = 21051;
const FEDEX = 100003;
const KNOWN = new Set([CHINA_POST, UPS, YANWEN, USPS, FEDEX, 190008, 100001]);

// A deterministic detector (reference §9): S10 numbers ending in CN are China Post, 1Z… is UPS.
const detect = (n: string) => (/^[A-Z]{2}\d{9}CN$/.test(n) ? CHINA_POST : n.startsWith("1Z") ? UPS : undefined);

const redis = new Redis({ host: "127.0.0.1", port: 6379 });
const sims: Simulator[] = [];
const limiters: Track17Limiter[] = [];
let receiver: WebhookReceiver;
let seq = 0;

async function startSim(options: SimulatorOptions = {}): Promise<{ sim: Simulator; baseUrl: string }> {
  const sim = createSimulator({ detect, knownCarrierKeys: KNOWN, ratePerSecond: 20, ...options });
  sims.push(sim);
  const url = await sim.listen();
  return { sim, baseUrl: `${url}/track/v2.2` };
}

function clientFor(baseUrl: string, over: { apiKey?: string; audit?: MemoryAuditSink } = {}): Track17Client {
  const limiter = createTrack17Limiter({
    redis,
    id: `test-upstream-contract-${process.pid}-${seq++}`,
    perSecond: 10,
    perMinute: 6000,
  });
  limiters.push(limiter);
  return createTrack17Client({
    baseUrl,
    apiKey: over.apiKey ?? "sandbox-key",
    limiter,
    audit: over.audit,
    timeoutMs: 2000,
    retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50 },
  });
}

const s10 = (i: number) => `RR${String(1_000_000_000 + i).slice(1)}CN`;
const reasons = (r: { rejected: { number: string; reason: string }[] }) => r.rejected.map((x) => [x.number, x.reason]);

let main: { sim: Simulator; baseUrl: string };

test.before(async () => {
  main = await startSim();
  receiver = await startWebhookReceiver();
});

test.before.each(() => {
  main.sim.reset();
});

test.after(async () => {
  for (const l of limiters) await l.stop();
  for (const l of limiters) await redis.del(...limiterKeys(l.id));
  for (const s of sims) await s.close();
  await receiver.close();
  await redis.quit();
});

test("register: accepted, already registered (as success), undetectable, wrong carrier key, bad format", async () => {
  const audit = createMemoryAuditSink();
  const client = clientFor(main.baseUrl, { audit });
  const first = await client.register([{ number: s10(1), tag: "o-1" }, { number: "1Z2617V10397725789" }]);
  assert.equal(
    first.accepted.map((a) => [a.number, a.carrier, a.alreadyRegistered, a.origin]),
    [
      [s10(1), CHINA_POST, false, 1],
      ["1Z2617V10397725789", UPS, false, 1],
    ],
  );
  assert.is(first.accepted[0]?.tag, "o-1");
  assert.equal(first.rejected, []);

  const second = await client.register([
    { number: s10(1) },
    { number: "ABCDEF12345" },
    { number: s10(2), carrier: 999_999 },
    { number: "12" },
  ]);
  assert.equal(
    second.accepted.map((a) => [a.number, a.alreadyRegistered]),
    [[s10(1), true]],
  );
  assert.equal(reasons(second), [
    ["ABCDEF12345", "carrier_undetectable"],
    [s10(2), "carrier_incorrect"],
    ["12", "invalid_format"],
  ]);
  assert.equal(
    second.rejected.map((r) => r.code),
    [Track17Error.CarrierUndetectable, Track17Error.CarrierCodeIncorrect, Track17Error.FormatInvalid],
  );
  assert.equal(
    audit.entries.map((e) => e.operationStatus),
    ["SUCCESS", "PARTIAL"],
  );
  assert.is(main.sim.counters().quotaUsed, 2, "already-registered and rejected items cost nothing");
});

test("register with a carrier we name keeps it; already registered echoes our carrier", async () => {
  const client = clientFor(main.baseUrl);
  const r1 = await client.register([{ number: "LX123456785DE", carrier: YANWEN }]);
  assert.equal(
    r1.accepted.map((a) => [a.carrier, a.origin]),
    [[YANWEN, 2]],
  );
  const r2 = await client.register([{ number: "LX123456785DE", carrier: YANWEN }]);
  assert.equal(
    r2.accepted.map((a) => [a.carrier, a.alreadyRegistered]),
    [[YANWEN, true]],
  );
});

test("41 numbers are split into 2 calls (simulator counters) and merged", async () => {
  const client = clientFor(main.baseUrl);
  const items = Array.from({ length: 41 }, (_, i) => ({ number: s10(100 + i) }));
  const r = await client.register(items);
  assert.is(main.sim.counters().calls.register, 2);
  assert.is(r.accepted.length, 41);
  assert.is(r.raw.length, 2);
  const info = await client.getTrackInfo(items);
  assert.is(main.sim.counters().calls.gettrackinfo, 2);
  assert.is(info.accepted.length, 41);
});

test("gettrackinfo: registered numbers carry track_info; unregistered ones are not_registered", async () => {
  const client = clientFor(main.baseUrl);
  await client.register([{ number: s10(3) }]);
  await main.sim.advanceClock(6 * 3600_000);
  const r = await client.getTrackInfo([{ number: s10(3) }, { number: s10(4), carrier: CHINA_POST }]);
  assert.is(r.accepted.length, 1);
  const a = r.accepted[0];
  assert.is(a?.number, s10(3));
  assert.is(a?.carrier, CHINA_POST);
  assert.type(a?.track_info, "object");
  assert.ok(Array.isArray(a?.track_info.milestone));
  assert.equal(reasons(r), [[s10(4), "not_registered"]]);
  assert.is(r.rejected[0]?.carrier, CHINA_POST);
});

test("gettracklist: paged summary with the top-level page object", async () => {
  const client = clientFor(main.baseUrl);
  await client.register([{ number: s10(5) }, { number: s10(6) }]);
  const list = await client.getTrackList({ page_no: 1 });
  assert.equal(list.accepted.map((i) => i.number).sort(), [s10(5), s10(6)]);
  assert.is(list.page?.data_total, 2);
  assert.is(list.page?.page_no, 1);
  assert.is(list.accepted[0]?.tracking_status, "Tracking");
});

test("getquota: counters follow registrations", async () => {
  const client = clientFor(main.baseUrl);
  const before = await client.getQuota();
  await client.register([{ number: s10(7) }]);
  const after = await client.getQuota();
  assert.is(after.quota.quota_used, before.quota.quota_used + 1);
  assert.is(after.quota.quota_remain, before.quota.quota_remain - 1);
  assert.equal((after.raw as { code: number }).code, 0);
});

test("changeinfo: accepted for a registration, not_registered otherwise", async () => {
  const client = clientFor(main.baseUrl);
  await client.register([{ number: s10(8) }]);
  const r = await client.changeInfo([
    { number: s10(8), items: { tag: "order-2" } },
    { number: s10(9), items: { tag: "x" } },
  ]);
  assert.equal(
    r.accepted.map((a) => a.number),
    [s10(8)],
  );
  assert.equal(reasons(r), [[s10(9), "not_registered"]]);
  const list = await client.getTrackList({ number: s10(8) });
  assert.is(list.accepted[0]?.tag, "order-2");
});

test("stoptrack / retrack state errors: stop twice, retrack while tracking, retrack twice", async () => {
  const client = clientFor(main.baseUrl);
  const n = s10(10);
  await client.register([{ number: n }]);
  assert.equal(reasons(await client.retrack([{ number: n }])), [[n, "retrack_only_stopped"]]);
  assert.is((await client.stopTrack([{ number: n }])).accepted.length, 1);
  assert.equal(reasons(await client.stopTrack([{ number: n }])), [[n, "stop_only_tracking"]]);
  assert.is((await client.retrack([{ number: n }])).accepted.length, 1);
  await client.stopTrack([{ number: n }]);
  const again = await client.retrack([{ number: n }]);
  assert.equal(reasons(again), [[n, "retrack_once"]]);
  assert.is(again.rejected[0]?.code, Track17Error.RetrackOnce);
});

test("changecarrier: 5 changes allowed, the 6th hits the limit; stopped numbers cannot change", async () => {
  const client = clientFor(main.baseUrl);
  const n = s10(11);
  await client.register([{ number: n }]);
  const carriers = [YANWEN, CHINA_POST, YANWEN, CHINA_POST, YANWEN, CHINA_POST];
  let current = CHINA_POST;
  for (let i = 0; i < 5; i++) {
    await main.sim.advanceClock(10 * 60_000); // -18019808 until 17TRACK's first result (§2.2)
    const r = await client.changeCarrier([{ number: n, carrier_old: current, carrier_new: carriers[i] as number }]);
    assert.equal(r.rejected, [], `change ${i + 1}`);
    assert.is(r.accepted[0]?.carrier, carriers[i], "accepted item echoes the requested carrier (§8.12)");
    current = carriers[i] as number;
  }
  await main.sim.advanceClock(10 * 60_000);
  const sixth = await client.changeCarrier([{ number: n, carrier_old: current, carrier_new: carriers[5] as number }]);
  assert.equal(reasons(sixth), [[n, "change_limit"]]);
  assert.is(sixth.rejected[0]?.code, Track17Error.ChangeLimitExceeded);

  const m = s10(12);
  await client.register([{ number: m }]);
  await client.stopTrack([{ number: m }]);
  const stopped = await client.changeCarrier([{ number: m, carrier_new: YANWEN }]);
  assert.equal(reasons(stopped), [[m, "change_stopped"]]);
  const same = await client.changeCarrier([{ number: n, carrier_new: current }]);
  assert.equal(reasons(same), [[n, "change_same_carrier"]]);
  const unknown = await client.changeCarrier([{ number: s10(13), carrier_new: YANWEN }]);
  assert.equal(reasons(unknown), [[s10(13), "not_registered"]]);
});

test("deletetrack: accepted, then the number is not registered any more", async () => {
  const client = clientFor(main.baseUrl);
  const n = s10(14);
  await client.register([{ number: n }]);
  assert.is((await client.deleteTrack([{ number: n }])).accepted.length, 1);
  assert.equal(reasons(await client.getTrackInfo([{ number: n }])), [[n, "not_registered"]]);
  assert.equal(reasons(await client.deleteTrack([{ number: n }])), [[n, "not_registered"]]);
});

test("push: no webhook is a request error -18010204; with a webhook the number is pushed", async () => {
  const client = clientFor(main.baseUrl);
  const n = s10(15);
  await client.register([{ number: n }]);
  main.sim.setWebhookUrl(null);
  const err = await rejectionOf(client.push([{ number: n }]));
  assert.instance(err, Track17RequestError);
  assert.is((err as Track17RequestError).code, Track17Error.WebhookNotSet);
  main.sim.setWebhookUrl(receiver.url);
  const r = await client.push([{ number: n }, { number: s10(16) }]);
  assert.equal(
    r.accepted.map((a) => a.number),
    [n],
  );
  assert.equal(reasons(r), [[s10(16), "not_registered"]]);
  await receiver.waitFor(1);
  main.sim.setWebhookUrl(null);
});

test("auth: a wrong key (HTTP 401) is Track17AuthError and is sent exactly once", async () => {
  const client = clientFor(main.baseUrl, { apiKey: "wrong-key" });
  const err = await rejectionOf(client.register([{ number: s10(17) }]));
  assert.instance(err, Track17AuthError);
  assert.is((err as Track17AuthError).httpStatus, 401);
  assert.is((err as Track17AuthError).code, Track17Error.InvalidKey);
  assert.is(main.sim.counters().calls.register, 1);
});

test("auth: a wrong key answered as HTTP 200 + -18010002 is Track17AuthError too, sent once", async () => {
  const { sim, baseUrl } = await startSim({ authFailureMode: "http200", requestErrorMode: "code0" });
  const err = await rejectionOf(clientFor(baseUrl, { apiKey: "wrong-key" }).getQuota());
  assert.instance(err, Track17AuthError);
  assert.is((err as Track17AuthError).httpStatus, 200);
  assert.is((err as Track17AuthError).code, Track17Error.InvalidKey);
  assert.is(sim.counters().calls.getquota, 1);
});

test("quota exhausted: item rejections, then the quota guard refuses without calling 17TRACK", async () => {
  const { sim, baseUrl } = await startSim({ quotaTotal: 2 });
  const client = clientFor(baseUrl);
  const guard = createQuotaGuard({ client, refreshMs: 60_000 });
  await guard.start();
  guard.stop();
  assert.is(guard.snapshot().quota?.quota_remain, 2);
  const r = await guard.register([{ number: s10(20) }, { number: s10(21) }, { number: s10(22) }]);
  assert.is(r.accepted.length, 2);
  assert.equal(reasons(r), [[s10(22), "quota_exhausted"]]);
  assert.is(guard.snapshot().quota?.quota_remain, 0);
  const calls = sim.counters().calls.register;
  const err = await rejectionOf(guard.register([{ number: s10(23) }]));
  assert.instance(err, Track17QuotaExhaustedError);
  assert.match(err.message, /quota remaining 0/);
  assert.is(sim.counters().calls.register, calls, "no call was burnt");
  // Already-registered numbers are free, but the guard cannot know that in advance; a refresh confirms.
  assert.is((await guard.refresh()).quota?.quota_remain, 0);
});

test("daily cap: -18019907 is daily_limit and the guard stops at the cap", async () => {
  const { baseUrl } = await startSim({ maxTrackDaily: 1 });
  const client = clientFor(baseUrl);
  const guard = createQuotaGuard({ client, refreshMs: 60_000 });
  await guard.refresh();
  const r = await client.register([{ number: s10(30) }, { number: s10(31) }]);
  assert.equal(reasons(r), [[s10(31), "daily_limit"]]);
  await guard.refresh();
  const err = await rejectionOf(guard.register([{ number: s10(32) }]));
  assert.instance(err, Track17QuotaExhaustedError);
  assert.match(err.message, /daily cap 1/);
});

test.run();
