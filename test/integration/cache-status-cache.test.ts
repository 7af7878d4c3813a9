// The status cache on the machine's Redis, under a key prefix of its own: TTLs as each strategy chose them, typed
// reads, MGET, invalidation, bounded and counted pattern invalidation (SCAN under ioredis's keyPrefix), statistics.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRedis } from "../../src/cache/redis.js";
import {
  type CacheEntry,
  type CacheObserver,
  createStatusCache,
  type StatusCache,
} from "../../src/cache/status-cache.js";
import { cacheKeys, FAMILY_TTL_SECONDS } from "../../src/domain/cache/keys.js";
import { type CacheStrategy, chooseTtl } from "../../src/domain/cache/ttl.js";
import { DomainError } from "../../src/errors.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";

const logger = pino({ level: "silent" });
const prefixes: string[] = [];
const clients: Redis[] = [];

function client(prefix: string): Redis {
  prefixes.push(prefix);
  const r = createRedis({ url: TEST_REDIS_URL, keyPrefix: prefix, logger });
  clients.push(r);
  return r;
}
/** A cache over a fresh prefix, and a raw client on the same prefix to look behind its back. */
function fresh(observer?: CacheObserver): { cache: StatusCache; raw: Redis; prefix: string } {
  const prefix = uniquePrefix("cache");
  const raw = client(prefix);
  // Generous deadline: this suite is about behaviour on a healthy Redis, not about timeouts on a busy CI box.
  return { cache: createStatusCache({ redis: client(prefix), timeoutMs: 1_000, observer }), raw, prefix };
}

test.after(async () => {
  for (const r of clients) r.disconnect();
  for (const p of prefixes) await deleteKeysWithPrefix(p);
});

async function rejectsWith(call: () => Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await call();
  } catch (err) {
    assert.match((err as Error).message, message);
    return;
  }
  assert.unreachable("should reject");
}

const NOW = new Date("2026-12-04T12:00:00Z");
const h = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000);
const ttlCases: [string, CacheStrategy, string, Date[] | undefined, number][] = [
  ["FIXED 10 min", "FIXED", "IN_TRANSIT", undefined, 600],
  ["DYNAMIC in transit 1 h", "DYNAMIC", "IN_TRANSIT", undefined, 3_600],
  ["DYNAMIC out for delivery 15 min", "DYNAMIC", "OUT_FOR_DELIVERY", undefined, 900],
  ["DYNAMIC delivered 24 h", "DYNAMIC", "DELIVERED", undefined, 86_400],
  ["ADAPTIVE every 4 h → 2 h", "ADAPTIVE", "IN_TRANSIT", [h(12), h(8), h(4), h(0)], 7_200],
  ["ADAPTIVE without history → DYNAMIC exception 30 min", "ADAPTIVE", "EXCEPTION", undefined, 1_800],
];
for (const [name, strategy, status, times, expected] of ttlCases) {
  test(`set stores the TTL the strategy chose: ${name}`, async () => {
    const { cache, raw } = fresh();
    const id = randomUUID();
    const { ttlSeconds } = chooseTtl({
      strategy,
      status,
      fixedTtlSeconds: 600,
      changeHistory: times && { changeTimes: times },
      now: NOW,
    });
    assert.ok(await cache.set(cacheKeys.status(id), { status }, ttlSeconds, { strategy }));
    const ttl = await raw.ttl(cacheKeys.status(id));
    assert.ok(ttl <= expected && ttl >= expected - 2, `TTL ${ttl}, expected ${expected}`);
    assert.equal(await cache.get(cacheKeys.status(id)), { status });
  });
}

test("families with fixed TTLs keep PRD §2.2's values", async () => {
  const { cache, raw } = fresh();
  const id = randomUUID();
  const entries: CacheEntry<unknown>[] = [
    { key: cacheKeys.events(id), value: [{ e: 1 }], ttlSeconds: FAMILY_TTL_SECONDS["tracking:events"] },
    {
      key: cacheKeys.carrierMetadata("usps"),
      value: { n: "USPS" },
      ttlSeconds: FAMILY_TTL_SECONDS["carrier:metadata"],
    },
    { key: cacheKeys.syncActive(id), value: { job: 1 }, ttlSeconds: FAMILY_TTL_SECONDS["sync:active"] },
    { key: cacheKeys.hot("RR123456789CN"), value: id, ttlSeconds: FAMILY_TTL_SECONDS["tracking:hot"] },
  ];
  assert.is(await cache.setMany(entries), 4);
  for (const e of entries) {
    const ttl = await raw.ttl(e.key);
    assert.ok(ttl <= e.ttlSeconds && ttl >= e.ttlSeconds - 2, `${e.key}: ${ttl}`);
  }
  assert.is(await cache.get(cacheKeys.hot("RR123456789CN")), id);
});

test("a miss is undefined; values round-trip as JSON", async () => {
  const { cache } = fresh();
  const id = randomUUID();
  assert.is(await cache.get(cacheKeys.status(id)), undefined);
  const value = { status: "IN_TRANSIT", location: "Leipzig, DE", timestamp: "2026-12-04T10:00:00Z", n: [1, null] };
  await cache.set(cacheKeys.status(id), value, 60);
  assert.equal(await cache.get<typeof value>(cacheKeys.status(id)), value);
});

test("getMany answers in order with one MGET, misses as undefined", async () => {
  const { cache } = fresh();
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  await cache.set(cacheKeys.status(a), { s: "A" }, 60);
  await cache.set(cacheKeys.status(c), { s: "C" }, 60);
  const got = await cache.getMany([cacheKeys.status(a), cacheKeys.status(b), cacheKeys.status(c)]);
  assert.equal(got, [{ s: "A" }, undefined, { s: "C" }]);
  assert.equal(await cache.getMany([]), []);
});

test("a value that is not ours is a miss, not an exception", async () => {
  const { cache, raw } = fresh();
  const key = cacheKeys.status(randomUUID());
  await raw.set(key, "{not json");
  assert.is(await cache.get(key), undefined);
  assert.is((await cache.stats()).errors, 1);
});

test("JSON that is not one of our envelopes is a miss too", async () => {
  const { cache, raw } = fresh();
  const key = cacheKeys.status(randomUUID());
  await raw.set(key, "42");
  assert.is(await cache.get(key), undefined);
  const s = await cache.stats();
  assert.equal([s.hits, s.misses, s.errors], [0, 1, 1]);
});

test("onlyIfAbsent: a read-through fill cannot overwrite the value ingest refreshed after its commit", async () => {
  const { cache, raw } = fresh();
  const key = cacheKeys.status(randomUUID());
  // Reader loaded the old row before ingest committed; ingest's refresh reaches Redis first.
  assert.ok(await cache.set(key, { status: "OUT_FOR_DELIVERY" }, 900));
  assert.is(await cache.set(key, { status: "IN_TRANSIT" }, 3_600, { onlyIfAbsent: true }), false);
  assert.equal(await cache.get(key), { status: "OUT_FOR_DELIVERY" });
  assert.ok((await raw.ttl(key)) <= 900, "the refused fill did not touch the TTL either");
  // With no entry the fill goes in, and a later refresh still replaces it.
  const other = cacheKeys.status(randomUUID());
  assert.ok(await cache.set(other, { status: "IN_TRANSIT" }, 3_600, { onlyIfAbsent: true }));
  assert.ok(await cache.set(other, { status: "DELIVERED" }, 86_400));
  assert.equal(await cache.get(other), { status: "DELIVERED" });
  const batch = await cache.setMany([
    { key, value: { status: "stale" }, ttlSeconds: 60, onlyIfAbsent: true },
    { key: cacheKeys.status(randomUUID()), value: { status: "new" }, ttlSeconds: 60, onlyIfAbsent: true },
  ]);
  assert.is(batch, 1, "setMany counts only what it stored");
});

test("set refuses a TTL below one second and undefined values (programming errors)", async () => {
  const { cache } = fresh();
  await rejectsWith(() => cache.set("tracking:status:x", { a: 1 }, 0), /TTL/);
  await rejectsWith(() => cache.set("tracking:status:x", undefined, 60), /undefined/);
});

test("invalidate unlinks the keys, counts them and tells the observer once Redis confirmed", async () => {
  const seen: [readonly string[], string][] = [];
  const { cache, raw } = fresh({ invalidated: (keys, reason) => seen.push([keys, reason]) });
  const id = randomUUID();
  await cache.set(cacheKeys.status(id), { s: 1 }, 60);
  await cache.set(cacheKeys.events(id), [1], 60);
  const result = await cache.invalidate(cacheKeys.ofTracking(id), "status changed");
  assert.equal(result, { removed: 2, ok: true });
  assert.is(await raw.exists(cacheKeys.status(id), cacheKeys.events(id)), 0);
  assert.equal(seen, [[cacheKeys.ofTracking(id), "status changed"]]);
  assert.equal(await cache.invalidate([cacheKeys.status(id)], "again"), { removed: 0, ok: true });
  assert.equal(await cache.invalidate([], "nothing"), { removed: 0, ok: true });
});

async function fill(cache: StatusCache, n: number, key: (i: number) => string): Promise<void> {
  const entries = Array.from({ length: n }, (_, i) => ({ key: key(i), value: { i }, ttlSeconds: 600 }));
  assert.is(await cache.setMany(entries), n);
}

test("invalidatePattern removes every match across SCAN batches and leaves other families alone", async () => {
  const seen: string[] = [];
  const { cache, raw } = fresh({ invalidated: (keys) => seen.push(...keys) });
  await fill(cache, 1_234, (i) => cacheKeys.status(`id-${i}`));
  await fill(cache, 50, (i) => cacheKeys.events(`id-${i}`));
  await fill(cache, 5, (i) => cacheKeys.carrierMetadata(`c${i}`));
  const result = await cache.invalidatePattern("tracking:status:*", { maxKeys: 10_000, reason: "test" });
  assert.equal(result, { removed: 1_234, ok: true, truncated: false });
  assert.is(seen.length, 1_234);
  assert.ok(
    seen.every((k) => k.startsWith("tracking:status:")),
    "observer sees unprefixed keys",
  );
  const stats = await cache.stats();
  const keys = Object.fromEntries(stats.families.map((f) => [f.name, f.keys]));
  assert.is(keys["tracking:status"], 0);
  assert.is(keys["tracking:events"], 50);
  assert.is(keys["carrier:metadata"], 5);
  assert.is(await raw.exists(cacheKeys.events("id-0")), 1);
});

test("invalidatePattern stops at maxKeys and says it was truncated", async () => {
  const { cache } = fresh();
  await fill(cache, 300, (i) => cacheKeys.hot(`TN${i}`));
  const first = await cache.invalidatePattern("tracking:hot:*", { maxKeys: 120, reason: "bounded" });
  assert.equal(first, { removed: 120, ok: true, truncated: true });
  const rest = await cache.invalidatePattern("tracking:hot:*", { maxKeys: 1_000, reason: "bounded" });
  assert.equal(rest, { removed: 180, ok: true, truncated: false });
  const exact = await cache.invalidatePattern("tracking:hot:*", { maxKeys: 1, reason: "empty" });
  assert.equal(exact, { removed: 0, ok: true, truncated: false });
});

test("invalidatePattern honours ? and a partial id, and reaches nothing outside its prefix", async () => {
  const a = fresh();
  const b = fresh();
  for (const { cache } of [a, b]) await fill(cache, 30, (i) => cacheKeys.status(`ab${i}`));
  const result = await a.cache.invalidatePattern("tracking:status:ab?", { maxKeys: 100, reason: "glob" });
  assert.equal(result, { removed: 10, ok: true, truncated: false });
  const aKeys = (await a.cache.stats()).families.find((f) => f.name === "tracking:status")?.keys;
  const bKeys = (await b.cache.stats()).families.find((f) => f.name === "tracking:status")?.keys;
  assert.is(aKeys, 20);
  assert.is(bKeys, 30, "another deployment's keys are untouched");
});

test("a prefix with glob characters is matched literally", async () => {
  const prefix = `${uniquePrefix("cache")}[x]*?:`;
  const cache = createStatusCache({ redis: client(prefix), timeoutMs: 1_000 });
  const decoy = createStatusCache({ redis: client(prefix.replace("[x]*?", "x-decoy")), timeoutMs: 1_000 });
  await fill(cache, 3, (i) => cacheKeys.status(`k${i}`));
  await fill(decoy, 3, (i) => cacheKeys.status(`k${i}`));
  assert.equal(await cache.invalidatePattern("tracking:status:*", { maxKeys: 10, reason: "t" }), {
    removed: 3,
    ok: true,
    truncated: false,
  });
  assert.is((await decoy.getMany([0, 1, 2].map((i) => cacheKeys.status(`k${i}`)))).filter(Boolean).length, 3);
});

for (const [pattern, maxKeys] of [
  ["ratelimit:ip:*", 10],
  ["*", 10],
  ["tracking:status:[a]*", 10],
  ["tracking:status:*", 0],
] as const) {
  test(`invalidatePattern refuses ${pattern} / maxKeys ${maxKeys} as invalid_argument`, async () => {
    const { cache } = fresh();
    try {
      await cache.invalidatePattern(pattern, { maxKeys, reason: "x" });
      assert.unreachable("should throw");
    } catch (err) {
      assert.instance(err, DomainError);
      assert.is((err as DomainError).kind, "invalid_argument");
    }
  });
}

test("stats: hits and misses per family and strategy, key counts, Redis memory", async () => {
  const hits: string[] = [];
  const { cache } = fresh({ hit: (key) => hits.push(key) });
  const [a, b] = [randomUUID(), randomUUID()];
  await cache.set(cacheKeys.status(a), { s: "A" }, 60, { strategy: "ADAPTIVE" });
  await cache.set(cacheKeys.events(a), [], 60);
  await cache.set(cacheKeys.carrierMetadata("dhl"), {}, 60);
  await cache.get(cacheKeys.status(a), { strategy: "DYNAMIC" }); // hit, counted under the stored ADAPTIVE
  await cache.get(cacheKeys.status(a));
  await cache.get(cacheKeys.status(b), { strategy: "DYNAMIC" }); // miss, counted under the hint
  await cache.getMany([cacheKeys.events(a), cacheKeys.events(b)]);
  await cache.get(cacheKeys.carrierMetadata("dhl"));

  const s = await cache.stats();
  assert.is(s.hits, 4);
  assert.is(s.misses, 2);
  assert.is(s.hitRatio, 4 / 6);
  const fam = Object.fromEntries(s.families.map((f) => [f.name, f]));
  assert.equal(fam["tracking:status"], { name: "tracking:status", hits: 2, misses: 1, hitRatio: 2 / 3, keys: 1 });
  assert.equal(fam["tracking:events"], { name: "tracking:events", hits: 1, misses: 1, hitRatio: 0.5, keys: 1 });
  assert.equal(fam["carrier:metadata"], { name: "carrier:metadata", hits: 1, misses: 0, hitRatio: 1, keys: 1 });
  assert.equal(fam["tracking:hot"], { name: "tracking:hot", hits: 0, misses: 0, hitRatio: 0, keys: 0 });
  const strat = Object.fromEntries(s.strategies.map((x) => [x.name, x]));
  assert.equal(strat.ADAPTIVE, { name: "ADAPTIVE", hits: 2, misses: 0, hitRatio: 1 });
  assert.equal(strat.DYNAMIC, { name: "DYNAMIC", hits: 0, misses: 1, hitRatio: 0 });
  assert.ok(s.keyCountsComplete);
  assert.ok((s.redisUsedMemoryBytes ?? 0) > 0);
  assert.ok(s.redisAvailable);
  assert.is(s.errors + s.timeouts, 0);
  assert.equal(hits, [cacheKeys.status(a), cacheKeys.status(a), cacheKeys.events(a), cacheKeys.carrierMetadata("dhl")]);
});

test("stats stops counting keys at keyCountLimit and says the counts are partial", async () => {
  const prefix = uniquePrefix("cache");
  const cache = createStatusCache({ redis: client(prefix), timeoutMs: 1_000, keyCountLimit: 100, batchSize: 50 });
  await fill(cache, 400, (i) => cacheKeys.hot(`N${i}`));
  const s = await cache.stats();
  assert.not.ok(s.keyCountsComplete);
  const hot = s.families.find((f) => f.name === "tracking:hot")?.keys ?? 0;
  assert.ok(hot >= 100 && hot < 400, `counted ${hot}`);
});

test.run();
