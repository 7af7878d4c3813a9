// The cluster-wide limiter on the real Redis: shared budget across instances, the per-minute reservoir,
// self-healing after its keys vanish (Redis 7 patch), and Redis outages that must not crash the process.
import { Redis } from "ioredis";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createTrack17Limiter, limiterKeys, type Track17Limiter } from "../../src/upstream/limiter.js";
import type { UpstreamLogger } from "../../src/upstream/logger.js";
import { maxInWindow } from "../support/max-in-window.js";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);

const clients: Redis[] = [];
const limiters: Track17Limiter[] = [];
const ids: string[] = [];
let seq = 0;

function redisClient(): Redis {
  const r = new Redis({ host: "127.0.0.1", port: 6379 });
  clients.push(r);
  return r;
}
function newId(): string {
  const id = `test-upstream-limiter-${process.pid}-${seq++}`;
  ids.push(id);
  return id;
}
function limiter(redis: Redis, id: string, perSecond: number, perMinute: number): Track17Limiter {
  const l = createTrack17Limiter({ redis, id, perSecond, perMinute });
  limiters.push(l);
  return l;
}

async function scanKeys(redis: Redis, id: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `b_${id}_*`, "COUNT", 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== "0");
  return found;
}

test.after(async () => {
  for (const l of limiters) await l.stop();
  const admin = redisClient();
  for (const id of ids) {
    const keys = await scanKeys(admin, id);
    if (keys.length) await admin.del(...keys);
  }
  for (const c of clients) await c.quit().catch(() => c.disconnect());
  process.off("unhandledRejection", onUnhandled);
  assert.equal(unhandled, [], "no unhandled rejections");
});

test("two instances with the same id (separate ioredis clients) share one per-second budget", async () => {
  const id = newId();
  const a = limiter(redisClient(), id, 10, 10_000);
  const b = limiter(redisClient(), id, 10, 10_000);
  await Promise.all([a.ready(), b.ready()]);
  const starts: number[] = [];
  const by = { a: 0, b: 0 };
  const job = (who: "a" | "b") => async () => {
    starts.push(performance.now());
    by[who]++;
  };
  const t0 = performance.now();
  await Promise.all([
    ...Array.from({ length: 13 }, () => a.schedule(job("a"))),
    ...Array.from({ length: 13 }, () => b.schedule(job("b"))),
  ]);
  const elapsed = performance.now() - t0;
  assert.is(starts.length, 26);
  assert.ok(by.a > 0 && by.b > 0, `both instances ran jobs (${by.a}/${by.b})`);
  assert.ok(maxInWindow(starts, 1000) <= 10, `max in 1 s = ${maxInWindow(starts, 1000)}`);
  // 26 starts spaced >= 100 ms need >= 2.5 s: the two instances did not each spend a budget of their own.
  assert.ok(elapsed >= 2500, `elapsed ${Math.round(elapsed)} ms`);
});

test("the per-minute reservoir is shared: only perMinute calls run, the rest wait", async () => {
  const id = newId();
  const a = limiter(redisClient(), id, 50, 8);
  const b = limiter(redisClient(), id, 50, 8);
  await Promise.all([a.ready(), b.ready()]);
  let ran = 0;
  const pending = [
    ...Array.from({ length: 6 }, () => a.schedule(async () => ran++)),
    ...Array.from({ length: 6 }, () => b.schedule(async () => ran++)),
  ];
  // Dropped when the limiters stop (after.each): observe the rejections so none goes unhandled.
  for (const p of pending) p.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1200));
  assert.is(ran, 8);
  const usage = await a.usage();
  assert.is(usage.reservoir, 0);
  assert.is(usage.queued, 4);
  await a.stop();
  await b.stop();
});

test("deleting the limiter's Redis keys mid-run: the next schedule() still works", async () => {
  const redis = redisClient();
  const id = newId();
  const l = limiter(redis, id, 20, 1000);
  await l.ready();
  let ran = 0;
  await Promise.all(Array.from({ length: 5 }, () => l.schedule(async () => ran++)));
  const keys = await scanKeys(redis, id);
  assert.ok(keys.includes(`b_${id}_settings`), `keys found by SCAN: ${keys.join(", ")}`);
  assert.ok(
    keys.every((k) => limiterKeys(id).includes(k)),
    "limiterKeys() names them all",
  );
  await redis.del(...keys);
  assert.equal(await scanKeys(redis, id), []);
  const more = await Promise.all(Array.from({ length: 3 }, () => l.schedule(async () => ++ran)));
  assert.equal(more.sort(), [6, 7, 8]);
  assert.ok((await scanKeys(redis, id)).includes(`b_${id}_settings`), "state re-initialised");
});

test("keys deleted while two instances have calls queued: every call still runs, spacing still holds", async () => {
  const id = newId();
  const admin = redisClient();
  const a = limiter(redisClient(), id, 10, 10_000);
  const b = limiter(redisClient(), id, 10, 10_000);
  await Promise.all([a.ready(), b.ready()]);
  const starts: number[] = [];
  const job = async () => {
    starts.push(performance.now());
  };
  const all = Promise.all([
    ...Array.from({ length: 10 }, () => a.schedule(job)),
    ...Array.from({ length: 10 }, () => b.schedule(job)),
  ]);
  await new Promise((r) => setTimeout(r, 450));
  const keys = await scanKeys(admin, id);
  assert.ok(keys.length > 0 && starts.length < 20, `deleted mid-run (${starts.length} ran so far)`);
  await admin.del(...keys);
  await all;
  assert.is(starts.length, 20);
  // Calls booked before the loss still run; the hold after re-initialisation keeps the fresh schedule
  // from running beside them (without it: 15 starts in 1 s at 10/s).
  assert.ok(maxInWindow(starts, 1000) <= 10, `max in 1 s = ${maxInWindow(starts, 1000)}`);
  assert.ok((await scanKeys(admin, id)).includes(`b_${id}_settings`), "state re-initialised");
});

test("usage() reports cluster running/queued and the reservoir", async () => {
  const l = limiter(redisClient(), newId(), 5, 100);
  await l.ready();
  assert.equal(await l.usage(), { running: 0, queued: 0, reservoir: 100 });
  await l.schedule(async () => undefined);
  assert.is((await l.usage()).reservoir, 99);
});

test("Redis unreachable: errors are logged, nothing crashes, stop() returns", async () => {
  const errors: unknown[] = [];
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error: (obj: unknown) => errors.push(obj),
  } as unknown as UpstreamLogger;
  const dead = new Redis({ host: "127.0.0.1", port: 1, retryStrategy: () => 200, maxRetriesPerRequest: 1 });
  clients.push(dead);
  const l = createTrack17Limiter({
    redis: dead,
    id: newId(),
    perSecond: 5,
    perMinute: 100,
    logger,
    stopTimeoutMs: 300,
  });
  const job = l.schedule(async () => "never");
  job.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(errors.length > 0, "connection errors were logged");
  await l.stop();
  let settled = false;
  await job.then(
    () => (settled = true),
    () => (settled = true),
  );
  assert.ok(settled, "the queued job was dropped on stop");
});

test.run();
