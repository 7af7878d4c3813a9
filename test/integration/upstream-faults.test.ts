// Fault-injected upstream (simulator `/_sim/faults`): 429 bursts, 500/503, hang → timeout, malformed JSON.
// Nothing may surface as an unhandled error, retries follow the configuration, the breaker opens and
// recovers, and the simulator's own 3/s-style limit (raised to 10/s here for speed) is never hit.
import { Redis } from "ioredis";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type CountersSnapshot, createSimulator, type FaultInput } from "../../src/simulator/index.js";
import { createTrack17Client, type Track17ClientOptions } from "../../src/upstream/client.js";
import {
  isTrack17ClientError,
  Track17ProtocolError,
  Track17RateLimitedError,
  Track17UnavailableError,
} from "../../src/upstream/errors.js";
import { createTrack17Limiter, limiterKeys, type Track17Limiter } from "../../src/upstream/limiter.js";
import { createMemoryAuditSink } from "../../src/upstream/memory-audit-sink.js";
import { maxInWindow } from "../support/max-in-window.js";
import { rejectionOf } from "../support/rejection.js";

const unexpected: unknown[] = [];
const onUnhandled = (reason: unknown) => unexpected.push(reason);
process.on("unhandledRejection", onUnhandled);
process.on("uncaughtException", onUnhandled);

const RATE = 10;
const sim = createSimulator({ ratePerSecond: RATE, detect: (n) => (n.endsWith("CN") ? 3011 : undefined) });
const redisClients: Redis[] = [];
const limiters: Track17Limiter[] = [];
let simUrl = "";
let seq = 0;

function newLimiter(id: string): Track17Limiter {
  const redis = new Redis({ host: "127.0.0.1", port: 6379 });
  redisClients.push(redis);
  const l = createTrack17Limiter({ redis, id, perSecond: RATE, perMinute: 6000 });
  limiters.push(l);
  return l;
}
const newId = () => `test-upstream-faults-${process.pid}-${seq++}`;

function newClient(over: Partial<Track17ClientOptions> = {}) {
  return createTrack17Client({
    baseUrl: `${simUrl}/track/v2.2`,
    apiKey: "sandbox-key",
    limiter: over.limiter ?? newLimiter(newId()),
    timeoutMs: 300,
    retry: { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 50 },
    breaker: { consecutiveFailures: 50, halfOpenAfterMs: 300 },
    ...over,
  });
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${simUrl}/_sim/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.is(res.status, 200, `control ${path}`);
  return res.json();
}
const fault = (f: FaultInput) => control("faults", f);
const counters = () => control("counters") as Promise<CountersSnapshot>;

const N1 = "RR000000001CN";

test.before(async () => {
  simUrl = await sim.listen();
  const client = newClient();
  await client.register([{ number: N1 }]);
});

test.before.each(async () => {
  await fetch(`${simUrl}/_sim/faults`, { method: "DELETE" });
});

test.after(async () => {
  for (const l of limiters) await l.stop();
  for (const l of limiters) await (redisClients[0] as Redis).del(...limiterKeys(l.id));
  for (const r of redisClients) await r.quit();
  await sim.close();
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  assert.equal(unexpected, [], "no unhandled rejection or uncaught exception");
});

test("500s are retried as configured (maxAttempts 4 → succeeds on the 3rd call)", async () => {
  const before = (await counters()).calls.gettrackinfo ?? 0;
  await fault({ kind: "http500", count: 2, endpoint: "gettrackinfo" });
  const r = await newClient().getTrackInfo([{ number: N1 }]);
  assert.is(r.accepted.length, 1);
  assert.is((await counters()).calls.gettrackinfo, before + 3);
});

test("retries give up after maxAttempts with Track17UnavailableError", async () => {
  const before = (await counters()).calls.getquota ?? 0;
  await fault({ kind: "http503", count: 10, endpoint: "getquota" });
  const err = await rejectionOf(newClient({ retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } }).getQuota());
  assert.instance(err, Track17UnavailableError);
  assert.is((await counters()).calls.getquota, before + 3);
});

test("a 429 burst is retried through the limiter and succeeds", async () => {
  const before = await counters();
  await fault({ kind: "http429", count: 3, endpoint: "gettrackinfo" });
  const r = await newClient().getTrackInfo([{ number: N1 }]);
  assert.is(r.accepted.length, 1);
  const after = await counters();
  assert.is((after.calls.gettrackinfo ?? 0) - (before.calls.gettrackinfo ?? 0), 4);
  assert.is(after.http429 - before.http429, 3, "only the injected 429s");
});

test("a 429 burst longer than the retries surfaces as Track17RateLimitedError", async () => {
  await fault({ kind: "http429", count: 4, endpoint: "getquota" });
  const err = await rejectionOf(newClient().getQuota());
  assert.instance(err, Track17RateLimitedError);
});

test("a hung request times out and the retry succeeds; the timeout is audited", async () => {
  const audit = createMemoryAuditSink();
  await fault({ kind: "hang", count: 1, endpoint: "gettrackinfo" });
  const started = Date.now();
  const r = await newClient({ audit }).getTrackInfo([{ number: N1 }]);
  assert.is(r.accepted.length, 1);
  assert.ok(Date.now() - started >= 300, "waited for the timeout");
  assert.equal(
    audit.entries.map((e) => [e.operationStatus, e.errorCode]),
    [
      ["FAILURE", "TIMEOUT"],
      ["SUCCESS", null],
    ],
  );
});

test("malformed JSON is a Track17ProtocolError and is not retried", async () => {
  const before = (await counters()).calls.gettrackinfo ?? 0;
  await fault({ kind: "malformed", count: 1, endpoint: "gettrackinfo" });
  const err = await rejectionOf(newClient().getTrackInfo([{ number: N1 }]));
  assert.instance(err, Track17ProtocolError);
  assert.is((await counters()).calls.gettrackinfo, before + 1);
});

test("the breaker opens after consecutive failures, fails fast, then recovers after half-open", async () => {
  const client = newClient({
    retry: { maxAttempts: 1, initialDelayMs: 5, maxDelayMs: 5 },
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 },
  });
  await fault({ kind: "http503", count: 3, endpoint: "getquota" });
  for (let i = 0; i < 3; i++) assert.instance(await rejectionOf(client.getQuota()), Track17UnavailableError);
  assert.is(client.circuitState(), "open");
  const calls = (await counters()).calls.getquota;
  const fast = await rejectionOf(client.getQuota());
  assert.instance(fast, Track17UnavailableError);
  assert.ok((fast as Track17UnavailableError).circuitOpen);
  assert.is((await counters()).calls.getquota, calls, "no request while the circuit is open");
  await new Promise((r) => setTimeout(r, 350));
  const q = await client.getQuota();
  assert.ok(q.quota.quota_total > 0);
  assert.is(client.circuitState(), "closed");
});

test("two replicas under mixed faults: typed outcomes only, and zero 429s from the simulator's own limit", async () => {
  const id = newId();
  // Every request put on the wire, retries included, by either replica.
  const sent: number[] = [];
  const timedFetch: typeof fetch = (input, init) => {
    sent.push(performance.now());
    return fetch(input, init);
  };
  const a = newClient({ limiter: newLimiter(id), fetch: timedFetch });
  const b = newClient({ limiter: newLimiter(id), fetch: timedFetch });
  const before = await counters();
  const injected429 = 2;
  await fault({ kind: "http429", count: injected429, endpoint: "gettrackinfo" });
  await fault({ kind: "http500", count: 2, endpoint: "gettrackinfo" });
  await fault({ kind: "http503", count: 1, endpoint: "gettrackinfo" });
  await fault({ kind: "malformed", count: 1, endpoint: "gettrackinfo" });
  await fault({ kind: "hang", count: 1, endpoint: "gettrackinfo" });
  const calls = [
    ...Array.from({ length: 12 }, () => a.getTrackInfo([{ number: N1 }])),
    ...Array.from({ length: 12 }, () => b.getTrackInfo([{ number: N1 }])),
  ];
  const settled = await Promise.allSettled(calls);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
  for (const f of failures) assert.ok(isTrack17ClientError(f.reason), `typed error, got ${String(f.reason)}`);
  // Only the malformed answer is not retried; every other fault is absorbed by a retry.
  assert.is(failures.length, 1);
  assert.instance(failures[0]?.reason, Track17ProtocolError);
  const after = await counters();
  assert.is(after.http429 - before.http429, injected429, "no 429 from the simulator's rate limit");
  // 24 calls + 6 retries (2×429, 2×500, 1×503, 1×hang).
  assert.is((after.calls.gettrackinfo ?? 0) - (before.calls.gettrackinfo ?? 0), 30);
  assert.is(sent.length, 30);
  assert.ok(maxInWindow(sent, 1000) <= RATE, `max requests sent in 1 s = ${maxInWindow(sent, 1000)} (limit ${RATE})`);
});

test.run();
