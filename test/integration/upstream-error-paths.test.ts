// Every simulator error path the contract suite does not already walk, through the real client (real
// Redis limiter, real HTTP): per-item codes surface as typed rejections keyed by code (§3, §8.13),
// request-level refusals (-18010013 malformed body, -18010014 more than 40) as Track17RequestError sent
// once, and the simulator's own 3 requests/second limit (§1.1) as retried 429s — none at the default limit.
import { Redis } from "ioredis";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";
import { createTrack17Client, type Track17Client } from "../../src/upstream/client.js";
import { Track17Error } from "../../src/upstream/error-codes.js";
import { isTrack17ClientError, Track17RequestError } from "../../src/upstream/errors.js";
import { createTrack17Limiter, limiterKeys, type Track17Limiter } from "../../src/upstream/limiter.js";
import { rejectionReason } from "../../src/upstream/outcomes.js";
import { rejectionOf } from "../support/rejection.js";

const CHINA_POST = 3011;
const UPS = 100002;
const YANWEN = 190012;
const USPS = 21051;
const KNOWN = new Set([CHINA_POST, UPS, YANWEN, USPS]);
const MIN = 60_000;
const detect = (n: string) => (/^[A-Z]{2}\d{9}CN$/.test(n) ? CHINA_POST : n.startsWith("1Z") ? UPS : undefined);

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);

const redis = new Redis({ host: "127.0.0.1", port: 6379 });
const sims: Simulator[] = [];
const limiters: Track17Limiter[] = [];
let seq = 0;

async function startSim(options: SimulatorOptions = {}): Promise<{ sim: Simulator; baseUrl: string }> {
  const sim = createSimulator({ detect, knownCarrierKeys: KNOWN, ratePerSecond: 50, clockMode: "frozen", ...options });
  sims.push(sim);
  return { sim, baseUrl: `${await sim.listen()}/track/v2.2` };
}

interface ClientOver {
  perSecond?: number;
  maxAttempts?: number;
  fetch?: typeof fetch;
}
function clientFor(baseUrl: string, over: ClientOver = {}): Track17Client {
  const limiter = createTrack17Limiter({
    redis,
    id: `test-upstream-error-paths-${process.pid}-${seq++}`,
    perSecond: over.perSecond ?? 20,
    perMinute: 6000,
  });
  limiters.push(limiter);
  return createTrack17Client({
    baseUrl,
    apiKey: "sandbox-key",
    limiter,
    timeoutMs: 2000,
    retry: { maxAttempts: over.maxAttempts ?? 3, initialDelayMs: 50, maxDelayMs: 400 },
    fetch: over.fetch,
  });
}

/** The single rejection of a one-item call: its code, and a reason derived from that code (never "unknown"). */
function onlyRejection(r: { accepted: unknown[]; rejected: { code: number; reason: string }[] }): number {
  assert.is(r.accepted.length, 0, "nothing accepted");
  assert.is(r.rejected.length, 1, "one rejection");
  const [rej] = r.rejected as [{ code: number; reason: string }];
  assert.is(rej.reason, rejectionReason(rej.code));
  return rej.code;
}

const N = "RR123456789CN";
let main: { sim: Simulator; baseUrl: string };
let client: Track17Client;

test.before(async () => {
  main = await startSim();
  client = clientFor(main.baseUrl);
});
test.before.each(() => main.sim.reset());

test.after(async () => {
  for (const l of limiters) await l.stop();
  for (const l of limiters) await redis.del(...limiterKeys(l.id));
  for (const s of sims) await s.close();
  await redis.quit();
  process.off("unhandledRejection", onUnhandled);
  assert.equal(unhandled, [], "no unhandled rejections");
});

test("register: final_carrier only for postal services → -18010016", async () => {
  const r = await client.register([{ number: "1Z2617V10397725789", carrier: UPS, final_carrier: USPS }]);
  assert.is(onlyRejection(r), Track17Error.FinalCarrierPostalOnly);
  const ok = await client.register([{ number: N, carrier: CHINA_POST, final_carrier: USPS }]);
  assert.is(ok.accepted.length, 1);
});

test("changeinfo: nothing valid → -18019811; bad value → -18010015; not registered → -18019902", async () => {
  await client.register([{ number: N }]);
  assert.is(onlyRejection(await client.changeInfo([{ number: N, items: {} }])), Track17Error.ChangeNothingValid);
  const long = await client.changeInfo([{ number: N, items: { tag: "x".repeat(101) } }]);
  assert.is(onlyRejection(long), Track17Error.FieldValueInvalid);
  const unknown = await client.changeInfo([{ number: "RR000000000CN", items: { tag: "a" } }]);
  assert.is(onlyRejection(unknown), Track17Error.NotRegistered);
});

test("not registered → -18019902 on stoptrack, retrack, changecarrier, push", async () => {
  const { sim, baseUrl } = await startSim({ webhookUrl: "http://127.0.0.1:9/hook" });
  const c = clientFor(baseUrl);
  const item = [{ number: N }];
  assert.is(onlyRejection(await c.stopTrack(item)), Track17Error.NotRegistered);
  assert.is(onlyRejection(await c.retrack(item)), Track17Error.NotRegistered);
  assert.is(onlyRejection(await c.changeCarrier([{ number: N, carrier_new: YANWEN }])), Track17Error.NotRegistered);
  assert.is(onlyRejection(await c.push(item)), Track17Error.NotRegistered);
  assert.is(sim.counters().quotaUsed, 0);
});

test("several carriers for one number and none named → -18019810 on stoptrack; naming one works", async () => {
  await client.register([
    { number: N, carrier: CHINA_POST },
    { number: N, carrier: YANWEN },
  ]);
  assert.is(onlyRejection(await client.stopTrack([{ number: N }])), Track17Error.UpdateNotUnique);
  assert.is((await client.stopTrack([{ number: N, carrier: YANWEN }])).accepted.length, 1);
});

test("changecarrier rules through the client: -18019801/02/04/05/08/09", async () => {
  await client.register([{ number: N, carrier: CHINA_POST }]);
  const cc = async (item: Omit<Parameters<Track17Client["changeCarrier"]>[0][number], "number">) =>
    onlyRejection(await client.changeCarrier([{ number: N, ...item }]));
  assert.is(await cc({ carrier_new: YANWEN }), Track17Error.ChangeNoResultYet, "no result since registration");
  await main.sim.advanceClock(10 * MIN);
  assert.is(await cc({ carrier_old: CHINA_POST }), Track17Error.ChangeNewMissing);
  assert.is(await cc({ carrier_new: 999_999 }), Track17Error.ChangeCarrierNewInvalid);
  assert.is(await cc({ carrier_old: UPS, carrier_new: YANWEN }), Track17Error.ChangeNotRegisteredForOld);

  await client.register([{ number: N, carrier: YANWEN }]);
  await main.sim.advanceClock(10 * MIN);
  assert.is(await cc({ carrier_new: USPS }), Track17Error.ChangeMultipleCarriers);
  assert.is(await cc({ carrier_old: CHINA_POST, carrier_new: YANWEN }), Track17Error.ChangeWouldDuplicate);
});

/** A fetch that rewrites the request body, to make the simulator answer what a broken sender would get. */
const rewriting =
  (rewrite: (body: string) => string): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, body: rewrite(String(init?.body)) });

test("malformed body → -18010013 is a Track17RequestError, sent once, not retried", async () => {
  const c = clientFor(main.baseUrl, { fetch: rewriting((b) => b.slice(0, -1)) });
  const err = await rejectionOf(c.getTrackInfo([{ number: N }]));
  assert.instance(err, Track17RequestError);
  assert.is((err as Track17RequestError).code, Track17Error.SubmittedDataInvalid);
  assert.is(main.sim.counters().calls.gettrackinfo, 1);
});

test("more than 40 items → -18010014 is a Track17RequestError, sent once (the client itself never sends 41)", async () => {
  const widen = (b: string) => {
    const items = JSON.parse(b) as unknown[];
    return JSON.stringify(Array.from({ length: 41 }, (_, i) => items[i % items.length]));
  };
  const c = clientFor(main.baseUrl, { fetch: rewriting(widen) });
  const err = await rejectionOf(c.getTrackInfo([{ number: N }]));
  assert.instance(err, Track17RequestError);
  assert.is((err as Track17RequestError).code, Track17Error.TooManyNumbers);
  assert.is(main.sim.counters().calls.gettrackinfo, 1);
});

test("the simulator's own 3/s limit: a limiter set too high meets real 429s, which are retried to success", async () => {
  const { sim, baseUrl } = await startSim({ ratePerSecond: 3 });
  const c = clientFor(baseUrl, { perSecond: 20, maxAttempts: 8 });
  const settled = await Promise.allSettled(Array.from({ length: 8 }, () => c.getQuota()));
  for (const s of settled) if (s.status === "rejected") assert.ok(isTrack17ClientError(s.reason), String(s.reason));
  assert.ok(sim.counters().http429 > 0, "the simulator refused some calls with 429");
  assert.is(settled.filter((s) => s.status === "fulfilled").length, 8, "all retried to success");
});

test("at 17TRACK's documented 3/s the same burst meets no 429 at all", async () => {
  const { sim, baseUrl } = await startSim({ ratePerSecond: 3 });
  const c = clientFor(baseUrl, { perSecond: 3, maxAttempts: 1 });
  const results = await Promise.all(Array.from({ length: 8 }, () => c.getQuota()));
  assert.is(results.length, 8);
  assert.is(sim.counters().http429, 0);
});

test.run();
