// Exact wire cases against a tiny node:http stub (real HTTP, real Redis limiter): shapes the simulator
// does not produce by default, plus retry / breaker / audit mechanics with precise request counts.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createTrack17Client, type Track17ClientOptions } from "../../src/upstream/client.js";
import {
  Track17AuthError,
  Track17ProtocolError,
  Track17RequestError,
  Track17UnavailableError,
} from "../../src/upstream/errors.js";
import { createTrack17Limiter, limiterKeys, type Track17Limiter } from "../../src/upstream/limiter.js";
import { createMemoryAuditSink } from "../../src/upstream/memory-audit-sink.js";
import { rejectionOf } from "../support/rejection.js";

interface Seen {
  path: string;
  token: string | undefined;
  contentType: string | undefined;
  body: unknown;
}
type Reply = { status: number; body: string; hang?: boolean };
type Handler = (req: Seen) => Reply;

const seen: Seen[] = [];
let handler: Handler = () => ({ status: 200, body: JSON.stringify({ code: 0, data: { accepted: [], rejected: [] } }) });
const hung = new Set<ServerResponse>();

const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  const s: Seen = {
    path: req.url ?? "",
    token: req.headers["17token"] as string | undefined,
    contentType: req.headers["content-type"],
    body: text ? JSON.parse(text) : undefined,
  };
  seen.push(s);
  const reply = handler(s);
  if (reply.hang) {
    hung.add(res);
    res.on("close", () => hung.delete(res));
    return;
  }
  res.writeHead(reply.status, { "content-type": "application/json" });
  res.end(reply.body);
});

const j = (v: unknown) => JSON.stringify(v);
const ok = (data: unknown): Reply => ({ status: 200, body: j({ code: 0, data }) });
const echoAccepted = (s: Seen): Reply =>
  ok({ accepted: (s.body as { number: string }[]).map((i) => ({ number: i.number, carrier: 3011 })), rejected: [] });

const redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: false });
const limiters: Track17Limiter[] = [];
let baseUrl = "";
let idSeq = 0;

function newLimiter(): Track17Limiter {
  const l = createTrack17Limiter({
    redis,
    id: `test-upstream-wire-${process.pid}-${idSeq++}`,
    perSecond: 50,
    perMinute: 10_000,
  });
  limiters.push(l);
  return l;
}

function newClient(over: Partial<Track17ClientOptions> = {}) {
  return createTrack17Client({
    baseUrl,
    apiKey: "k-123",
    limiter: newLimiter(),
    timeoutMs: 300,
    retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    breaker: { consecutiveFailures: 100, halfOpenAfterMs: 200 },
    ...over,
  });
}

test.before(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/track/v2.2/`;
});

test.before.each(() => {
  seen.length = 0;
  handler = echoAccepted;
});

test.after(async () => {
  for (const l of limiters) await l.stop();
  for (const l of limiters) await redis.del(...limiterKeys(l.id));
  for (const res of hung) res.destroy();
  server.closeAllConnections();
  server.close();
  await redis.quit();
});

test("sends POST /track/v2.2/<endpoint> with the 17token header and a JSON array body", async () => {
  const client = newClient();
  const r = await client.getTrackInfo([{ number: "RR1CN", carrier: 3011 }]);
  assert.is(seen.length, 1);
  assert.equal(seen[0], {
    path: "/track/v2.2/gettrackinfo",
    token: "k-123",
    contentType: "application/json",
    body: [{ number: "RR1CN", carrier: 3011 }],
  });
  assert.equal(r.accepted, [{ number: "RR1CN", carrier: 3011 }]);
  assert.equal(r.raw, [{ code: 0, data: { accepted: [{ number: "RR1CN", carrier: 3011 }], rejected: [] } }]);
});

test("HTTP 200 with code -18010002 is a Track17AuthError, never retried", async () => {
  handler = () => ({ status: 200, body: j({ code: -18010002, data: null }) });
  const audit = createMemoryAuditSink();
  const err = await rejectionOf(newClient({ audit }).register([{ number: "A1" }]));
  assert.instance(err, Track17AuthError);
  assert.is((err as Track17AuthError).code, -18010002);
  assert.is((err as Track17AuthError).httpStatus, 200);
  assert.is(seen.length, 1);
  assert.is(audit.entries.length, 1);
  assert.is(audit.entries[0]?.operationStatus, "FAILURE");
  assert.is(audit.entries[0]?.errorCode, "-18010002");
});

test("HTTP 401 is a Track17AuthError, never retried", async () => {
  handler = () => ({
    status: 401,
    body: j({ code: -18010002, data: { errors: [{ code: -18010002, message: "Invalid security key." }] } }),
  });
  const err = await rejectionOf(newClient().getQuota());
  assert.instance(err, Track17AuthError);
  assert.is(seen.length, 1);
});

test("41 numbers are sent as 40 + 1 and merged in order", async () => {
  const numbers = Array.from({ length: 41 }, (_, i) => `N${i}`);
  const r = await newClient().stopTrack(numbers.map((number) => ({ number })));
  assert.equal(
    seen.map((s) => (s.body as unknown[]).length),
    [40, 1],
  );
  assert.equal(
    r.accepted.map((a) => a.number),
    numbers,
  );
  assert.is(r.raw.length, 2);
});

test("5xx is retried with backoff and every attempt is audited", async () => {
  let n = 0;
  handler = (s) => (++n < 3 ? { status: 500, body: "boom" } : echoAccepted(s));
  const audit = createMemoryAuditSink();
  const r = await newClient({ audit }).getTrackInfo([{ number: "A" }]);
  assert.is(r.accepted.length, 1);
  assert.is(seen.length, 3);
  assert.equal(
    audit.entries.map((e) => [e.responseStatusCode, e.operationStatus, e.errorCode]),
    [
      [500, "FAILURE", "HTTP_500"],
      [500, "FAILURE", "HTTP_500"],
      [200, "SUCCESS", null],
    ],
  );
  assert.equal(audit.entries[0]?.trackingNumbers, ["A"]);
  assert.is(audit.entries[0]?.endpoint, "17track:gettrackinfo");
  assert.ok(audit.entries[0]?.apiEndpoint.endsWith("/track/v2.2/gettrackinfo"));
  assert.not.ok(JSON.stringify(audit.entries).includes("k-123"), "the API key is never audited");
});

test("retries stop after maxAttempts and surface Track17UnavailableError", async () => {
  handler = () => ({ status: 503, body: "" });
  const err = await rejectionOf(newClient().getTrackInfo([{ number: "A" }]));
  assert.instance(err, Track17UnavailableError);
  assert.is((err as Track17UnavailableError).retryable, true);
  assert.is(seen.length, 3);
});

test("a hung upstream times out per attempt and is retried", async () => {
  handler = () => ({ status: 0, body: "", hang: true });
  const started = Date.now();
  const err = await rejectionOf(newClient({ timeoutMs: 150 }).getTrackInfo([{ number: "A" }]));
  assert.instance(err, Track17UnavailableError);
  assert.is((err as Track17UnavailableError).reason, "timeout");
  assert.is(seen.length, 3);
  assert.ok(Date.now() - started < 2000);
});

test("retrack (not replay-safe) is not retried after a 500 but is after a 503", async () => {
  handler = () => ({ status: 500, body: "" });
  await rejectionOf(newClient().retrack([{ number: "A" }]));
  assert.is(seen.length, 1);
  seen.length = 0;
  let n = 0;
  handler = (s) => (++n < 2 ? { status: 503, body: "" } : echoAccepted(s));
  const r = await newClient().retrack([{ number: "A" }]);
  assert.is(r.accepted.length, 1);
  assert.is(seen.length, 2);
});

test("malformed JSON is a Track17ProtocolError, not retried", async () => {
  handler = () => ({ status: 200, body: '{"code":0,"data":{"accep' });
  const audit = createMemoryAuditSink();
  const err = await rejectionOf(newClient({ audit }).getTrackInfo([{ number: "A" }]));
  assert.instance(err, Track17ProtocolError);
  assert.is(seen.length, 1);
  assert.is(audit.entries[0]?.errorCode, "MALFORMED_RESPONSE");
  assert.is(audit.entries[0]?.responseBody, '{"code":0,"data":{"accep');
});

test("request-level data.errors is a Track17RequestError, not retried", async () => {
  handler = () => ({
    status: 200,
    body: j({ code: 0, data: { errors: [{ code: -18010013, message: "Submitted data is invalid." }] } }),
  });
  const err = await rejectionOf(newClient().register([{ number: "A" }]));
  assert.instance(err, Track17RequestError);
  assert.is((err as Track17RequestError).code, -18010013);
  assert.is(seen.length, 1);
});

test("a failing batch carries the results of the batches before it in `partial`", async () => {
  let n = 0;
  handler = (s) => (++n === 1 ? echoAccepted(s) : { status: 200, body: j({ code: -18010013, data: null }) });
  const err = await rejectionOf(newClient().register(Array.from({ length: 45 }, (_, i) => ({ number: `P${i}` }))));
  assert.instance(err, Track17RequestError);
  assert.is((err as Track17RequestError).partial?.accepted.length, 40);
  assert.is(seen.length, 2);
});

test("partial item failure is audited as PARTIAL; already-registered counts as success", async () => {
  handler = () =>
    ok({
      accepted: [{ origin: 1, number: "A", carrier: 3011, email: null, tag: null, lang: null }],
      rejected: [
        { number: "B", carrier: 3011, error: { code: -18019901, message: "Tracking number B is already registered." } },
        { number: "C", error: { code: -18010012, message: "The format of 'C' is invalid." } },
      ],
    });
  const audit = createMemoryAuditSink();
  const r = await newClient({ audit }).register([{ number: "A" }, { number: "B" }, { number: "C" }]);
  assert.equal(
    r.accepted.map((a) => [a.number, a.alreadyRegistered]),
    [
      ["A", false],
      ["B", true],
    ],
  );
  assert.equal(
    r.rejected.map((x) => [x.number, x.reason]),
    [["C", "invalid_format"]],
  );
  assert.is(audit.entries[0]?.operationStatus, "PARTIAL");
  assert.is(audit.entries[0]?.errorCode, "-18010012");
});

test("an audit sink that throws or rejects never fails the call", async () => {
  const throwing = newClient({
    audit: {
      record() {
        throw new Error("sink down");
      },
    },
  });
  assert.is((await throwing.getTrackInfo([{ number: "A" }])).accepted.length, 1);
  const rejecting = newClient({ audit: { record: () => Promise.reject(new Error("sink down")) } });
  assert.is((await rejecting.getTrackInfo([{ number: "A" }])).accepted.length, 1);
});

test("breaker opens after N consecutive failures, fails fast while open, closes after a good probe", async () => {
  handler = () => ({ status: 500, body: "" });
  const client = newClient({
    retry: { maxAttempts: 1, initialDelayMs: 5, maxDelayMs: 5 },
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 250 },
  });
  for (let i = 0; i < 3; i++) await rejectionOf(client.getQuota());
  assert.is(seen.length, 3);
  assert.is(client.circuitState(), "open");
  const fast = await rejectionOf(client.getQuota());
  assert.instance(fast, Track17UnavailableError);
  assert.ok((fast as Track17UnavailableError).circuitOpen);
  assert.is(seen.length, 3, "no request while open");
  await new Promise((r) => setTimeout(r, 300));
  handler = () => ok({ quota_total: 10, quota_used: 1, quota_remain: 9, today_used: 1, max_track_daily: 0 });
  const q = await client.getQuota();
  assert.is(q.quota.quota_remain, 9);
  assert.is(client.circuitState(), "closed");
});

test("auth errors do not open the breaker", async () => {
  handler = () => ({ status: 401, body: "" });
  const client = newClient({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } });
  for (let i = 0; i < 4; i++) await rejectionOf(client.getQuota());
  assert.is(client.circuitState(), "closed");
  assert.is(seen.length, 4);
});

test("a stopped limiter surfaces as Track17UnavailableError (reason limiter), not a raw error", async () => {
  const limiter = newLimiter();
  const client = createTrack17Client({ baseUrl, apiKey: "k", limiter, retry: { maxAttempts: 1 } });
  await limiter.stop();
  const err = await rejectionOf(client.getQuota());
  assert.instance(err, Track17UnavailableError);
  assert.is((err as Track17UnavailableError).reason, "limiter");
  assert.is(seen.length, 0);
});

test("empty input makes no call", async () => {
  const r = await newClient().register([]);
  assert.equal(r, { accepted: [], rejected: [], raw: [] });
  assert.is(seen.length, 0);
});

test.run();
