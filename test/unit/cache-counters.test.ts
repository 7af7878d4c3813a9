// The cache's in-memory counters and its deadline helper, without Redis.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CacheTimeoutError, within } from "../../src/cache/bounded.js";
import { CacheCounters, hitRatio } from "../../src/cache/cache-counters.js";

test("counters tally per family and per strategy; every family and strategy is listed", () => {
  const c = new CacheCounters();
  c.hit("tracking:status:a", "DYNAMIC");
  c.hit("tracking:status:b", "ADAPTIVE");
  c.miss("tracking:status:c", "DYNAMIC");
  c.miss("tracking:events:a", undefined);
  c.hit("carrier:metadata:usps", undefined);
  c.miss("unrelated", undefined);
  const s = c.snapshot();
  assert.is(s.hits, 3);
  assert.is(s.misses, 3);
  const fam = Object.fromEntries(s.families.map((f) => [f.name, [f.hits, f.misses]]));
  assert.equal(fam, {
    "tracking:status": [2, 1],
    "tracking:events": [0, 1],
    "carrier:metadata": [1, 0],
    "sync:active": [0, 0],
    "tracking:hot": [0, 0],
    ratelimit: [0, 0],
    other: [0, 1],
  });
  const strat = Object.fromEntries(s.strategies.map((x) => [x.name, [x.hits, x.misses, x.hitRatio]]));
  assert.equal(strat, { FIXED: [0, 0, 0], DYNAMIC: [1, 1, 0.5], ADAPTIVE: [1, 0, 1] });
});

const ratios: [number, number, number][] = [
  [0, 0, 0],
  [1, 0, 1],
  [0, 5, 0],
  [3, 1, 0.75],
];
for (const [h, m, r] of ratios) test(`hitRatio(${h}, ${m}) = ${r}`, () => assert.is(hitRatio(h, m), r));

test("within passes a prompt result through", async () => {
  assert.is(await within(Promise.resolve(7), 50), 7);
});

test("within passes a prompt rejection through", async () => {
  const err = await within(Promise.reject(new Error("boom")), 50).catch((e: unknown) => e);
  assert.match((err as Error).message, "boom");
});

test("within rejects with CacheTimeoutError when late, and the late rejection stays handled", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (r: unknown) => unhandled.push(r);
  process.on("unhandledRejection", onUnhandled);
  try {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error("late")), 30));
    const err = await within(late, 5).catch((e: unknown) => e);
    assert.instance(err, CacheTimeoutError);
    assert.is((err as CacheTimeoutError).ms, 5);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test.run();
