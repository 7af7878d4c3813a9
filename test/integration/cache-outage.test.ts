// Redis down or slow must never fail a read (issue #6): every call is a miss within the deadline, nothing throws,
// and the cache comes back by itself. The machine's Redis is never touched: the outages are a closed port, a client
// disconnected on purpose, and a redis-server of this suite's own that it kills, freezes and restarts.
import type { Redis } from "ioredis";
import { pino } from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRedis } from "../../src/cache/redis.js";
import { createStatusCache, type StatusCache } from "../../src/cache/status-cache.js";
import { cacheKeys } from "../../src/domain/cache/keys.js";
import { type PrivateRedis, startPrivateRedis } from "../support/private-redis.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";

const TIMEOUT_MS = 50;
/** A read may take the deadline plus event-loop noise; far below "the RPC waited for Redis". */
const READ_BOUND_MS = 500;
const logger = pino({ level: "silent" });
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const clients: Redis[] = [];
const servers: PrivateRedis[] = [];
const prefixes: string[] = [];

function client(url: string, prefix = uniquePrefix("cache_outage")): Redis {
  prefixes.push(prefix);
  const r = createRedis({ url, keyPrefix: prefix, logger });
  clients.push(r);
  return r;
}

// Installed only while this suite runs: uvu runs every file of a folder in one process.
test.before(() => {
  process.on("unhandledRejection", onUnhandled);
});

test.after(async () => {
  process.off("unhandledRejection", onUnhandled);
  for (const r of clients) r.disconnect();
  for (const s of servers) await s.kill();
  for (const p of prefixes) await deleteKeysWithPrefix(p);
});

async function privateServer(): Promise<PrivateRedis> {
  const server = await startPrivateRedis();
  servers.push(server);
  return server;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads `n` keys concurrently, asserting each answers undefined within the bound and none throws. */
async function assertMissesFast(cache: StatusCache, n: number): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const started = performance.now();
      const value = await cache.get(cacheKeys.status(`id-${i}`), { strategy: "DYNAMIC" });
      return { value, ms: performance.now() - started };
    }),
  );
  for (const { value, ms } of results) {
    assert.is(value, undefined);
    assert.ok(ms < READ_BOUND_MS, `a read took ${ms.toFixed(0)} ms`);
  }
}

/** Polls until the cache stores and reads back again, or fails after `ms`. */
async function waitForRecovery(cache: StatusCache, ms: number): Promise<number> {
  const started = Date.now();
  const key = cacheKeys.status("recovery-probe");
  while (Date.now() - started < ms) {
    if ((await cache.set(key, { ok: 1 }, 60)) && (await cache.get(key)) !== undefined) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`cache did not recover within ${ms} ms`);
}

test("nothing listening: every operation degrades within the deadline and nothing throws", async () => {
  const cache = createStatusCache({ redis: client("redis://127.0.0.1:1"), timeoutMs: TIMEOUT_MS });
  await assertMissesFast(cache, 200);
  assert.equal(await cache.getMany([cacheKeys.status("a"), cacheKeys.events("a")]), [undefined, undefined]);
  assert.is(await cache.set(cacheKeys.status("a"), { s: 1 }, 60), false);
  assert.is(await cache.setMany([{ key: cacheKeys.status("a"), value: 1, ttlSeconds: 60 }]), 0);
  assert.equal(await cache.invalidate([cacheKeys.status("a")], "x"), { removed: 0, ok: false });
  assert.equal(await cache.invalidatePattern("tracking:status:*", { maxKeys: 10, reason: "x" }), {
    removed: 0,
    ok: false,
    truncated: true,
  });
  const s = await cache.stats();
  assert.is(s.redisAvailable, false);
  assert.is(s.redisUsedMemoryBytes, undefined);
  assert.is(s.families.find((f) => f.name === "tracking:status")?.keys, undefined);
  assert.is(s.misses, 202); // 200 reads + getMany of 2
  assert.is(s.strategies.find((x) => x.name === "DYNAMIC")?.misses, 200);
  assert.ok(s.skipped + s.errors + s.timeouts >= 202, "every call is accounted for");
  assert.not.ok(cache.available());
});

test("a client disconnected on purpose reads as misses, and works again once reconnected", async () => {
  const redis = client(TEST_REDIS_URL);
  const cache = createStatusCache({ redis, timeoutMs: TIMEOUT_MS });
  await cache.set(cacheKeys.status("d"), { s: "D" }, 60);
  assert.equal(await cache.get(cacheKeys.status("d")), { s: "D" });
  redis.disconnect();
  await assertMissesFast(cache, 50);
  assert.not.ok(cache.available());
  await redis.connect();
  assert.equal(await cache.get(cacheKeys.status("d")), { s: "D" });
  assert.ok(cache.available());
});

test("own redis-server killed under read load, then restarted: reads never fail and the cache recovers", async () => {
  const server = await privateServer();
  const cache = createStatusCache({ redis: client(server.url), timeoutMs: TIMEOUT_MS });
  const key = cacheKeys.status("k");
  assert.ok(await cache.set(key, { s: "before" }, 600));
  assert.equal(await cache.get(key), { s: "before" });

  // A steady read load across the whole outage: each read is timed and none may throw.
  let running = true;
  let reads = 0;
  let slowest = 0;
  const thrown: unknown[] = [];
  const load = (async () => {
    while (running) {
      const batch = Array.from({ length: 20 }, async () => {
        const started = performance.now();
        try {
          await cache.get(key);
        } catch (err) {
          thrown.push(err);
        }
        slowest = Math.max(slowest, performance.now() - started);
        reads++;
      });
      await Promise.all(batch);
      await sleep(5);
    }
  })();

  await sleep(100);
  await server.kill();
  await sleep(300);
  await assertMissesFast(cache, 100);
  assert.not.ok(cache.available());
  assert.is((await cache.stats()).redisAvailable, false);

  await server.start();
  await waitForRecovery(cache, 10_000);
  // The restarted server kept nothing (no persistence): a miss now, a hit after the next fill.
  assert.is(await cache.get(key), undefined);
  await cache.set(key, { s: "after" }, 600);
  assert.equal(await cache.get(key), { s: "after" });
  assert.ok(cache.available());
  running = false;
  await load;
  assert.equal(thrown, []);
  assert.ok(reads > 100, `only ${reads} reads ran`);
  assert.ok(slowest < READ_BOUND_MS, `slowest read ${slowest.toFixed(0)} ms`);
  await server.kill();
});

test("own redis-server frozen (connected but silent): reads time out as misses, then pause; thaw recovers", async () => {
  const server = await privateServer();
  const redis = client(server.url);
  // A pause long enough that a slow test machine still sends the second wave inside it.
  const cache = createStatusCache({ redis, timeoutMs: TIMEOUT_MS, pauseMs: 2_000 });
  const key = cacheKeys.status("frozen");
  await cache.set(key, { s: 1 }, 600);
  server.freeze();
  try {
    await assertMissesFast(cache, 100);
    assert.ok((await cache.stats()).timeouts >= 100);
    // Timeouts in a row pause sending: the next reads are misses without waiting out the deadline.
    await assertMissesFast(cache, 100);
    const s = await cache.stats();
    assert.is(s.timeouts, 100, "the second wave was not sent to the frozen server");
    assert.ok(s.skipped >= 100, `skipped ${s.skipped}`);
    assert.is(s.redisAvailable, false);
  } finally {
    server.thaw();
  }
  await waitForRecovery(cache, 10_000);
  assert.equal(await cache.get(key), { s: 1 });
  assert.ok(cache.available());
  await server.kill();
});

test("no promise was left to reject unhandled", async () => {
  await sleep(200);
  assert.equal(unhandled, []);
});

test.run();
