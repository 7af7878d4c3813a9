// What a failed gettrackinfo means for its batch (PRD §3.4.3): 429 / open circuit / limiter only delay it; anything
// else counts as a failed attempt. Plus the split into calls of ≤ 40 (reference §1.1).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { toBatches } from "../../src/domain/sync/batches.js";
import { classifyBatchError } from "../../src/sync/failure.js";
import {
  Track17AuthError,
  Track17ProtocolError,
  Track17RateLimitedError,
  Track17UnavailableError,
  type UnavailableReason,
} from "../../src/upstream/errors.js";

const base = { endpoint: "gettrackinfo", httpStatus: null, code: null, message: "x" };
const unavailable = (reason: UnavailableReason) => new Track17UnavailableError({ ...base, reason });

const cases: [string, unknown, string, string][] = [
  ["429", new Track17RateLimitedError({ ...base, httpStatus: 429 }), "delay", "RATE_LIMITED"],
  ["open circuit", unavailable("circuit_open"), "delay", "CIRCUIT_OPEN"],
  ["limiter unusable (Redis down, stopping)", unavailable("limiter"), "delay", "LIMITER_UNAVAILABLE"],
  ["5xx after retries", unavailable("http"), "fail", "UPSTREAM_UNAVAILABLE"],
  ["timeout", unavailable("timeout"), "fail", "UPSTREAM_UNAVAILABLE"],
  ["auth with a 17TRACK code", new Track17AuthError({ ...base, code: -18010001 }), "fail", "-18010001"],
  ["malformed body", new Track17ProtocolError(base), "fail", "Track17ProtocolError"],
  ["a bug", new TypeError("boom"), "fail", "INTERNAL"],
];
for (const [name, err, kind, code] of cases) {
  test(name, () => {
    const f = classifyBatchError(err);
    assert.is(f.kind, kind);
    assert.is(f.code, code);
  });
}

test("delays come from the policy", () => {
  const f = classifyBatchError(new Track17RateLimitedError(base), { rateLimitedMs: 5, circuitOpenMs: 6, limiterMs: 7 });
  assert.is(f.kind === "delay" && f.delayMs, 5);
});

test("batches of at most 40, in claim order", () => {
  const items = Array.from({ length: 95 }, (_, i) => i);
  assert.equal(
    toBatches(items).map((b) => b.length),
    [40, 40, 15],
  );
  assert.equal(
    toBatches(items, 100).map((b) => b.length),
    [40, 40, 15],
  );
  assert.equal(toBatches(items.slice(0, 5), 2), [[0, 1], [2, 3], [4]]);
  assert.equal(toBatches([]), []);
});

test.run();
