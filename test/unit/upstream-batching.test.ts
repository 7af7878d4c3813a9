import { test } from "uvu";
import * as assert from "uvu/assert";
import { chunk, emptyMerged, mergeInto } from "../../src/upstream/batching.js";
import { limiterSettings } from "../../src/upstream/limiter-settings.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const chunkCases: [number, number[]][] = [
  [0, []],
  [1, [1]],
  [39, [39]],
  [40, [40]],
  [41, [40, 1]],
  [80, [40, 40]],
  [81, [40, 40, 1]],
  [200, [40, 40, 40, 40, 40]],
];
for (const [n, sizes] of chunkCases) {
  test(`chunk(${n} items) -> batches of ${JSON.stringify(sizes)}`, () => {
    const batches = chunk(range(n));
    assert.equal(
      batches.map((b) => b.length),
      sizes,
    );
    assert.equal(batches.flat(), range(n), "order and content are kept");
  });
}

test("chunk rejects a non-positive size", () => {
  assert.throws(
    () => chunk([1], 0),
    (e: unknown) => e instanceof RangeError,
  );
});

test("mergeInto concatenates in batch order and keeps one raw per batch", () => {
  const m = emptyMerged<number, string>();
  mergeInto(m, { accepted: [1], rejected: ["a"], raw: { b: 1 } });
  mergeInto(m, { accepted: [2, 3], rejected: [], raw: { b: 2 } });
  assert.equal(m, { accepted: [1, 2, 3], rejected: ["a"], raw: [{ b: 1 }, { b: 2 }] });
});

const settingsCases = [
  {
    name: "17TRACK 3/s + PRD 100/min",
    input: { perSecond: 3, perMinute: 100 },
    expect: {
      minTime: 344,
      maxConcurrent: 3,
      reservoir: 100,
      reservoirRefreshAmount: 100,
      reservoirRefreshInterval: 60_000,
    },
  },
  {
    name: "no margin gives the bare 1000/perSecond rounded up",
    input: { perSecond: 3, perMinute: 100, spacingMargin: 0 },
    expect: {
      minTime: 334,
      maxConcurrent: 3,
      reservoir: 100,
      reservoirRefreshAmount: 100,
      reservoirRefreshInterval: 60_000,
    },
  },
  {
    name: "10/s test budget",
    input: { perSecond: 10, perMinute: 600 },
    expect: {
      minTime: 103,
      maxConcurrent: 10,
      reservoir: 600,
      reservoirRefreshAmount: 600,
      reservoirRefreshInterval: 60_000,
    },
  },
  {
    name: "explicit maxConcurrent wins",
    input: { perSecond: 3, perMinute: 100, maxConcurrent: 1 },
    expect: {
      minTime: 344,
      maxConcurrent: 1,
      reservoir: 100,
      reservoirRefreshAmount: 100,
      reservoirRefreshInterval: 60_000,
    },
  },
  {
    name: "fractional perSecond",
    input: { perSecond: 0.5, perMinute: 30, spacingMargin: 0 },
    expect: {
      minTime: 2000,
      maxConcurrent: 1,
      reservoir: 30,
      reservoirRefreshAmount: 30,
      reservoirRefreshInterval: 60_000,
    },
  },
];
for (const c of settingsCases) {
  test(`limiterSettings: ${c.name}`, () => assert.equal(limiterSettings(c.input), c.expect));
}

const badSettings = [
  { perSecond: 0, perMinute: 100 },
  { perSecond: 3, perMinute: 0 },
  { perSecond: 3, perMinute: 1.5 },
  { perSecond: Number.NaN, perMinute: 100 },
  { perSecond: 3, perMinute: 100, maxConcurrent: 0 },
  { perSecond: 3, perMinute: 100, spacingMargin: -0.1 },
];
for (const b of badSettings) {
  test(`limiterSettings rejects ${JSON.stringify(b)}`, () =>
    assert.throws(
      () => limiterSettings(b),
      (e: unknown) => e instanceof RangeError,
    ));
}

test.run();
