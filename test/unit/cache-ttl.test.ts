// TTL choice per strategy (issue #6) and the PRD §2.2 key names, families and invalidation patterns, as tables.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  cacheKeys,
  checkInvalidationPattern,
  classifyKey,
  escapeGlob,
  FAMILY_TTL_SECONDS,
} from "../../src/domain/cache/keys.js";
import { type ChangeHistory, type ChooseTtlInput, chooseTtl, DYNAMIC_TTL_SECONDS } from "../../src/domain/cache/ttl.js";
import { STATUSES } from "../../src/domain/tracking/status.js";

const NOW = new Date("2026-12-04T12:00:00Z");
const MIN = 60;
const HOUR = 3600;
/** Change times `hoursAgo` before NOW. */
const ago = (...hoursAgo: number[]): ChangeHistory => ({
  changeTimes: hoursAgo.map((h) => new Date(NOW.getTime() - h * HOUR * 1000)),
});

// --- FIXED ---------------------------------------------------------------------------------------------------------
const fixedCases: [string, Partial<ChooseTtlInput>, number][] = [
  ["uses the configured TTL", { fixedTtlSeconds: 900 }, 900],
  ["ignores the status", { status: "DELIVERED", fixedTtlSeconds: 120 }, 120],
  ["ignores the history", { fixedTtlSeconds: 300, changeHistory: ago(3, 2, 1) }, 300],
  ["floors fractional seconds", { fixedTtlSeconds: 59.9 }, 59],
];
for (const [name, over, expected] of fixedCases) {
  test(`FIXED ${name}`, () => {
    const got = chooseTtl({ strategy: "FIXED", status: "IN_TRANSIT", now: NOW, ...over });
    assert.is(got.ttlSeconds, expected);
    assert.match(got.reason, /^FIXED/);
  });
}
for (const bad of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY, 0.5]) {
  test(`FIXED refuses fixedTtlSeconds=${String(bad)}`, () => {
    assert.throws(
      () => chooseTtl({ strategy: "FIXED", status: "IN_TRANSIT", fixedTtlSeconds: bad, now: NOW }),
      /fixedTtlSeconds/,
    );
  });
}

// --- DYNAMIC -------------------------------------------------------------------------------------------------------
const dynamicCases: [string, number][] = [
  ["IN_TRANSIT", 1 * HOUR],
  ["OUT_FOR_DELIVERY", 15 * MIN],
  ["DELIVERED", 24 * HOUR],
  ["EXCEPTION", 30 * MIN],
  ["DELIVERY_FAILURE", 30 * MIN],
  ["AVAILABLE_FOR_PICKUP", 2 * HOUR],
  ["INFO_RECEIVED", 2 * HOUR],
  ["NOT_FOUND", 30 * MIN],
  ["EXPIRED", 24 * HOUR],
  ["TELEPORTED", 1 * HOUR],
  ["", 1 * HOUR],
  ["in_transit", 1 * HOUR],
];
for (const [status, expected] of dynamicCases) {
  test(`DYNAMIC ${JSON.stringify(status)} → ${expected} s`, () => {
    const got = chooseTtl({ strategy: "DYNAMIC", status, now: NOW, fixedTtlSeconds: 5, changeHistory: ago(2, 1, 0) });
    assert.is(got.ttlSeconds, expected);
    assert.match(got.reason, /^DYNAMIC: /);
  });
}
test("DYNAMIC covers every status of the domain", () => {
  for (const s of STATUSES) assert.ok(DYNAMIC_TTL_SECONDS[s] > 0, s);
});
test("DYNAMIC names an unknown status in its reason", () => {
  assert.is(
    chooseTtl({ strategy: "DYNAMIC", status: "TELEPORTED", now: NOW }).reason,
    "DYNAMIC: unknown status TELEPORTED",
  );
});

// --- ADAPTIVE ------------------------------------------------------------------------------------------------------
const adaptiveCases: [string, string, ChangeHistory | undefined, number, RegExp][] = [
  ["no history → DYNAMIC", "IN_TRANSIT", undefined, 1 * HOUR, /too little history/],
  ["one change → DYNAMIC", "IN_TRANSIT", ago(5), 1 * HOUR, /too little history/],
  ["two changes (one interval) → DYNAMIC", "EXCEPTION", ago(5, 1), 30 * MIN, /too little history/],
  ["duplicate times count once", "IN_TRANSIT", ago(4, 4, 4), 1 * HOUR, /too little history/],
  ["future times are ignored", "IN_TRANSIT", ago(-3, -1, 2), 1 * HOUR, /too little history/],
  ["invalid dates are ignored", "IN_TRANSIT", { changeTimes: [new Date("x"), new Date("y"), NOW] }, HOUR, /too little/],
  ["every 4 h → 2 h", "IN_TRANSIT", ago(12, 8, 4, 0), 2 * HOUR, /half the mean change interval of 14400 s$/],
  ["order does not matter", "IN_TRANSIT", ago(0, 12, 4, 8), 2 * HOUR, /14400 s$/],
  ["uneven gaps use the mean (1 h, 5 h → 3 h → 1.5 h)", "IN_TRANSIT", ago(6, 5, 0), 1.5 * HOUR, /10800 s/],
  ["every 10 min → raised to 15 min", "IN_TRANSIT", ago(0.5, 1 / 3, 1 / 6, 0), 15 * MIN, /raised to the minimum/],
  ["every 3 days → cut to 24 h", "INFO_RECEIVED", ago(144, 72, 0), 24 * HOUR, /cut to the maximum/],
  ["exactly 30 min apart → 15 min, no clamp", "EXCEPTION", ago(1, 0.5, 0), 15 * MIN, /1800 s$/],
  ["exactly 48 h apart → 24 h, no clamp", "IN_TRANSIT", ago(96, 48, 0), 24 * HOUR, /172800 s$/],
  ["DELIVERED → DYNAMIC 24 h however busy", "DELIVERED", ago(0.5, 0.25, 0), 24 * HOUR, /terminal status/],
  ["EXPIRED → DYNAMIC 24 h", "EXPIRED", ago(3, 2, 1), 24 * HOUR, /terminal status/],
  [
    "only the 10 most recent changes count",
    "IN_TRANSIT",
    // 10 changes 1 h apart, preceded by old ones 100 h apart that would drag the mean up.
    ago(500, 400, 300, 200, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
    30 * MIN,
    /3600 s$/,
  ],
  [
    "rate: 8 changes in 24 h → 1.5 h",
    "IN_TRANSIT",
    { observedChanges: 8, windowSeconds: 24 * HOUR },
    1.5 * HOUR,
    /10800/,
  ],
  ["rate: 1 change → DYNAMIC", "OUT_FOR_DELIVERY", { observedChanges: 1, windowSeconds: HOUR }, 15 * MIN, /too little/],
  ["rate: empty window → DYNAMIC", "IN_TRANSIT", { observedChanges: 5, windowSeconds: 0 }, 1 * HOUR, /too little/],
  ["rate: NaN → DYNAMIC", "IN_TRANSIT", { observedChanges: Number.NaN, windowSeconds: HOUR }, 1 * HOUR, /too little/],
  [
    "rate: 2 in 7 days → 24 h",
    "IN_TRANSIT",
    { observedChanges: 2, windowSeconds: 7 * 24 * HOUR },
    24 * HOUR,
    /maximum/,
  ],
];
for (const [name, status, changeHistory, expected, reason] of adaptiveCases) {
  test(`ADAPTIVE ${name}`, () => {
    const got = chooseTtl({ strategy: "ADAPTIVE", status, changeHistory, now: NOW });
    assert.is(got.ttlSeconds, expected);
    assert.match(got.reason, /^ADAPTIVE/);
    assert.match(got.reason, reason);
  });
}
test("ADAPTIVE falls back to DYNAMIC's value of the status and says so", () => {
  const got = chooseTtl({ strategy: "ADAPTIVE", status: "OUT_FOR_DELIVERY", now: NOW });
  assert.equal(got, { ttlSeconds: 15 * MIN, reason: "ADAPTIVE→DYNAMIC: OUT_FOR_DELIVERY (too little history)" });
});

// --- keys ----------------------------------------------------------------------------------------------------------
const ID = "6f1c2a9e-8d4b-4c1e-9a47-0b2e3f5d7c11";
const builders: [string, string, string][] = [
  ["status", cacheKeys.status(ID), `tracking:status:${ID}`],
  ["events", cacheKeys.events(ID), `tracking:events:${ID}`],
  ["carrier metadata", cacheKeys.carrierMetadata("usps"), "carrier:metadata:usps"],
  ["sync active", cacheKeys.syncActive(ID), `sync:active:${ID}`],
  ["hot", cacheKeys.hot("1Z999AA10123456784"), "tracking:hot:1Z999AA10123456784"],
];
for (const [name, got, expected] of builders) test(`key ${name} = ${expected}`, () => assert.is(got, expected));
test("ofTracking lists status and events, and hot only with a number", () => {
  assert.equal(cacheKeys.ofTracking(ID), [`tracking:status:${ID}`, `tracking:events:${ID}`]);
  assert.equal(cacheKeys.ofTracking(ID, "RR123"), [
    `tracking:status:${ID}`,
    `tracking:events:${ID}`,
    "tracking:hot:RR123",
  ]);
});
for (const bad of ["", " ", "a b", "a\nb", "tab\t"]) {
  test(`key builders refuse ${JSON.stringify(bad)}`, () => {
    assert.throws(() => cacheKeys.status(bad), /invalid tracking id/);
    assert.throws(() => cacheKeys.hot(bad), /invalid tracking number/);
  });
}
test("family TTLs follow PRD §2.2", () => {
  assert.equal(FAMILY_TTL_SECONDS, {
    "tracking:events": 6 * HOUR,
    "carrier:metadata": 24 * HOUR,
    "sync:active": 1 * HOUR,
    "tracking:hot": 15 * MIN,
  });
});

const classified: [string, string][] = [
  [`tracking:status:${ID}`, "tracking:status"],
  [`tracking:events:${ID}`, "tracking:events"],
  ["carrier:metadata:usps", "carrier:metadata"],
  [`sync:active:${ID}`, "sync:active"],
  ["tracking:hot:RR123", "tracking:hot"],
  ["ratelimit:ip:10.0.0.1", "ratelimit"],
  ["ratelimit:api:17track", "ratelimit"],
  ["tracking:status:", "other"],
  ["tracking:statusX:1", "other"],
  ["tracking:other:1", "other"],
  ["b_track17_settings", "other"],
  ["", "other"],
];
for (const [key, family] of classified)
  test(`classifyKey(${JSON.stringify(key)}) = ${family}`, () => assert.is(classifyKey(key), family));

const patterns: [string, string | RegExp][] = [
  ["tracking:status:*", "tracking:status"],
  ["tracking:events:6f1c*", "tracking:events"],
  ["carrier:metadata:us?s", "carrier:metadata"],
  ["sync:active:*", "sync:active"],
  ["tracking:hot:1Z*", "tracking:hot"],
  ["*", /must start with/],
  ["tracking:*", /must start with/],
  ["tracking:status", /must start with/],
  ["tracking:status:", /matches nothing/],
  ["ratelimit:ip:*", /must start with/],
  ["b_*", /must start with/],
  ["TRACKING:STATUS:*", /must start with/],
  ["tracking:status:[ab]*", /only \* and \?/],
  ["tracking:status:\\*", /only \* and \?/],
  ["tracking:status:a b", /whitespace/],
  ["tracking:status:a\u0000", /control/],
  [`tracking:status:${"x".repeat(190)}`, /longer than 200/],
];
for (const [pattern, expected] of patterns) {
  test(`checkInvalidationPattern(${JSON.stringify(pattern.slice(0, 30))})`, () => {
    const got = checkInvalidationPattern(pattern);
    if (typeof expected === "string") assert.equal(got, { value: { pattern, family: expected } });
    else assert.match("error" in got ? got.error : "(accepted)", expected);
  });
}
test("escapeGlob makes a prefix literal", () => {
  assert.is(escapeGlob("wm:prod:"), "wm:prod:");
  assert.is(escapeGlob("a*b?c[d]e\\f"), "a\\*b\\?c\\[d\\]e\\\\f");
});

test.run();
