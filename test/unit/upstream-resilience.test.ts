import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  Track17AuthError,
  Track17ProtocolError,
  Track17RateLimitedError,
  Track17RequestError,
  Track17UnavailableError,
  type UnavailableReason,
} from "../../src/upstream/errors.js";
import { countsAgainstBreaker, isRetryable } from "../../src/upstream/resilience.js";

const base = { endpoint: "register", httpStatus: null, code: null, message: "m" };
const unavailable = (reason: UnavailableReason, notProcessed = false) =>
  new Track17UnavailableError({ ...base, reason, notProcessed });

const cases: { name: string; err: unknown; safe: boolean; unsafe: boolean; breaker: boolean }[] = [
  {
    name: "429",
    err: new Track17RateLimitedError({ ...base, httpStatus: 429 }),
    safe: true,
    unsafe: true,
    breaker: false,
  },
  { name: "500", err: unavailable("http"), safe: true, unsafe: false, breaker: true },
  { name: "503 (not processed)", err: unavailable("http", true), safe: true, unsafe: true, breaker: true },
  { name: "-18010003 internal error", err: unavailable("upstream_internal"), safe: true, unsafe: false, breaker: true },
  { name: "network reset", err: unavailable("network"), safe: true, unsafe: false, breaker: true },
  { name: "connection refused", err: unavailable("network", true), safe: true, unsafe: true, breaker: true },
  { name: "timeout", err: unavailable("timeout"), safe: true, unsafe: false, breaker: true },
  { name: "limiter failure", err: unavailable("limiter", true), safe: true, unsafe: true, breaker: false },
  { name: "circuit open", err: unavailable("circuit_open", true), safe: false, unsafe: false, breaker: false },
  {
    name: "auth 401",
    err: new Track17AuthError({ ...base, httpStatus: 401 }),
    safe: false,
    unsafe: false,
    breaker: false,
  },
  {
    name: "request error",
    err: new Track17RequestError({ ...base, code: -18010013 }),
    safe: false,
    unsafe: false,
    breaker: false,
  },
  { name: "malformed JSON", err: new Track17ProtocolError(base), safe: false, unsafe: false, breaker: true },
  { name: "a foreign error", err: new Error("x"), safe: false, unsafe: false, breaker: false },
];

for (const c of cases) {
  test(`${c.name}: retry(replay-safe)=${c.safe} retry(unsafe)=${c.unsafe} breaker=${c.breaker}`, () => {
    assert.is(isRetryable(c.err, true), c.safe);
    assert.is(isRetryable(c.err, false), c.unsafe);
    assert.is(countsAgainstBreaker(c.err), c.breaker);
  });
}

test.run();
