// The simulator's control surface and transport behaviour over real HTTP: the 3 req/s limit (§1.1),
// injected faults (§1.2 codes, broken bodies, latency, hangs), counters, reset, the clock, and
// close() ending hanging sockets.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseArgs } from "../../src/simulator/cli-args.js";
import { createSimulator, RATE_LIMIT_CODE } from "../../src/simulator/index.js";
import { createSimCaller } from "../../src/simulator/testing.js";

const START = "2025-03-10T08:00:00.000Z";
const sim = createSimulator({ ratePerSecond: 10_000, clockMode: "frozen", startTime: new Date(START) });
let base = "";
let call: ReturnType<typeof createSimCaller>;
const extra: ReturnType<typeof createSimulator>[] = [];

test.before(async () => {
  base = await sim.listen();
  call = createSimCaller(base, "sandbox-key");
});
test.before.each(() => sim.reset());
test.after(async () => {
  await Promise.all([sim.close(), ...extra.map((s) => s.close())]);
});

interface ControlAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: control answers are inspected field by field.
  body: any;
}

const control = async (method: string, path: string, body?: unknown): Promise<ControlAnswer> => {
  const r = await fetch(`${base}/_sim/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("rate limit: a 4th request within a second → HTTP 429 with data.errors; OK after the window", async () => {
  const limited = createSimulator({ clockMode: "frozen" });
  extra.push(limited);
  const c = createSimCaller(await limited.listen(), "sandbox-key");
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await c("getquota", {}));
  assert.equal(
    results.map((r) => r.status),
    [200, 200, 200, 429],
  );
  const body = results[3]?.body;
  assert.is(body.code, RATE_LIMIT_CODE);
  assert.is(body.data.errors[0].code, RATE_LIMIT_CODE);
  // Another key has its own window.
  assert.is((await createSimCaller(limited.url ?? "", "other")("getquota", {})).status, 401);
  await sleep(1050);
  assert.is((await c("getquota", {})).status, 200);
  assert.is(limited.counters().http429, 1);
});

test("fault http500 / http503 / http429 hit the next call only", async () => {
  await control("POST", "faults", { kind: "http500" });
  const r500 = await call("getquota", {});
  assert.is(r500.status, 500);
  assert.is(r500.body.data.errors[0].code, -18010003);
  assert.is((await call("getquota", {})).status, 200);

  await control("POST", "faults", { kind: "http503" });
  const r503 = await call("getquota", {});
  assert.is(r503.status, 503);
  assert.is(r503.body, undefined, "a gateway page, not JSON");

  await control("POST", "faults", { kind: "http429", count: 2 });
  assert.is((await call("getquota", {})).status, 429);
  assert.is((await call("getquota", {})).status, 429);
  assert.is((await call("getquota", {})).status, 200);
  assert.is(sim.counters().http429, 2);
});

test("fault scoped to an endpoint leaves other endpoints alone", async () => {
  const added = await control("POST", "faults", { kind: "http500", endpoint: "gettrackinfo" });
  assert.equal(added.body.faults, [{ kind: "http500", count: 1, endpoint: "gettrackinfo", ms: 1000 }]);
  assert.is((await call("getquota", {})).status, 200);
  assert.is((await call("gettrackinfo", [{ number: "RR123456789CN" }])).status, 500);
  assert.equal((await control("GET", "faults")).body.faults, []);
});

test("fault malformed: HTTP 200 with a truncated JSON body", async () => {
  await control("POST", "faults", { kind: "malformed" });
  const r = await call("getquota", {});
  assert.is(r.status, 200);
  assert.is(r.body, undefined);
  assert.throws(() => JSON.parse(r.text));
});

test("fault latency delays the answer by `ms`", async () => {
  await control("POST", "faults", { kind: "latency", ms: 300 });
  const t0 = performance.now();
  const r = await call("getquota", {});
  const elapsed = performance.now() - t0;
  assert.is(r.status, 200);
  assert.ok(elapsed >= 280, `took ${elapsed} ms`);
});

test("fault hang: the client gives up via AbortSignal; the next call works", async () => {
  await control("POST", "faults", { kind: "hang" });
  const t0 = performance.now();
  try {
    await call("getquota", {}, { signal: AbortSignal.timeout(200) });
    assert.unreachable("should have timed out");
  } catch (err) {
    assert.is((err as Error).name, "TimeoutError");
  }
  assert.ok(performance.now() - t0 < 1000);
  assert.is((await call("getquota", {})).status, 200);
});

test("close() ends hanging requests and is idempotent", async () => {
  const s = createSimulator({ ratePerSecond: 100 });
  const c = createSimCaller(await s.listen(), "sandbox-key");
  s.addFault({ kind: "hang" });
  const pending = c("getquota", {}).then(
    () => "answered",
    () => "socket closed",
  );
  await sleep(50);
  const t0 = performance.now();
  await Promise.all([s.close(), s.close()]);
  assert.is(await pending, "socket closed");
  assert.ok(performance.now() - t0 < 1000);
  await s.close();
});

test("DELETE /_sim/faults clears pending faults", async () => {
  await control("POST", "faults", { kind: "http500", count: 5 });
  await control("DELETE", "faults");
  assert.is((await call("getquota", {})).status, 200);
  assert.is((await control("POST", "faults", { kind: "nope" })).status, 400);
});

test("counters: calls per endpoint, quota used, registrations, pushes", async () => {
  await call("register", [
    { number: "SIMCOUNT01", carrier: 3011 },
    { number: "SIMCOUNT02", carrier: 3011 },
  ]);
  await call("gettrackinfo", [{ number: "SIMCOUNT01" }]);
  await call("gettrackinfo", [{ number: "SIMCOUNT02" }]);
  await call("deletetrack", [{ number: "SIMCOUNT02" }]);
  await createSimCaller(base, "bad")("getquota", {});
  const r = await control("GET", "counters");
  assert.equal(r.body, {
    calls: { register: 1, gettrackinfo: 2, deletetrack: 1, getquota: 1 },
    http429: 0,
    quotaUsed: 2,
    registered: 1,
    pushes: { sent: 0, failed: 0 },
  });
});

test("clock: GET shows the simulated time; advance moves it; reset returns to the start", async () => {
  assert.equal((await control("GET", "clock")).body, { now: START, startTime: START, advancedMs: 0, mode: "frozen" });
  const adv = await control("POST", "clock/advance", { ms: 86_400_000 });
  assert.is(adv.body.now, "2025-03-11T08:00:00.000Z");
  assert.is(sim.now().toISOString(), "2025-03-11T08:00:00.000Z");
  assert.is((await control("POST", "clock/advance", { ms: -1 })).status, 400);
  await call("register", [{ number: "SIMRESET01", carrier: 3011 }]);
  await control("POST", "faults", { kind: "http500" });
  assert.is((await control("POST", "reset")).status, 200);
  assert.is((await control("GET", "clock")).body.now, START);
  assert.equal(sim.counters(), { calls: {}, http429: 0, quotaUsed: 0, registered: 0, pushes: { sent: 0, failed: 0 } });
  assert.is((await call("getquota", {})).status, 200, "faults wiped too");
  assert.is((await call("gettrackinfo", [{ number: "SIMRESET01" }])).body.data.rejected.length, 1);
});

test("running clock follows real time on top of advances", async () => {
  const live = createSimulator({ startTime: new Date(START) });
  extra.push(live);
  live.advanceClock(1000);
  await sleep(20);
  assert.ok(live.now().getTime() >= Date.parse(START) + 1020);
});

test("webhook URL can be set through /_sim/webhook; unknown control route → 404", async () => {
  assert.is((await control("POST", "webhook", { url: "http://127.0.0.1:9/hook" })).status, 200);
  assert.is((await control("POST", "webhook", { url: 5 })).status, 400);
  assert.is((await control("GET", "nothing-here")).status, 404);
});

test("handler can be mounted in another server", async () => {
  const { createServer } = await import("node:http");
  const s = createServer(sim.handler);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  const r = await createSimCaller(`http://127.0.0.1:${port}`, "sandbox-key")("getquota", {});
  assert.is(r.status, 200);
  await new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });
});

const argCases: [string, string[], object][] = [
  ["defaults", [], { port: 8787, host: "127.0.0.1" }],
  ["port and key", ["--port", "9000", "--api-key", "k"], { port: 9000, host: "127.0.0.1", apiKey: "k" }],
  [
    "inline values",
    ["--port=0", "--quota=5", "--webhook=http://x/y"],
    { port: 0, host: "127.0.0.1", quotaTotal: 5, webhookUrl: "http://x/y" },
  ],
];
for (const [name, argv, expected] of argCases) {
  test(`parseArgs: ${name}`, () => assert.equal(parseArgs(argv), expected));
}
test("parseArgs: rejects unknown flags and bad numbers", () => {
  assert.throws(() => parseArgs(["--nope"]), /unknown argument/);
  assert.throws(() => parseArgs(["--port", "abc"]), /non-negative integer/);
  assert.throws(() => parseArgs(["--port"]), /needs a value/);
});

test.run();
