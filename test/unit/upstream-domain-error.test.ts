// Failed 17TRACK calls → the service's DomainError kinds (and so Connect codes), one named case per class.
import { Code } from "@connectrpc/connect";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DomainError, toConnectError } from "../../src/errors.js";
import { asDomainError, track17ToDomainError } from "../../src/upstream/domain-error.js";
import { Track17Error } from "../../src/upstream/error-codes.js";
import {
  Track17AuthError,
  type Track17ClientError,
  Track17ProtocolError,
  Track17QuotaExhaustedError,
  Track17RateLimitedError,
  Track17RequestError,
  Track17UnavailableError,
} from "../../src/upstream/errors.js";

const base = { endpoint: "register", httpStatus: 200, code: null, message: "m" };
const cases: { name: string; err: Track17ClientError; kind: string; code: Code }[] = [
  {
    name: "quota exhausted (local guard)",
    err: new Track17QuotaExhaustedError({ quotaRemain: 0, todayUsed: 5, dailyCap: 0, requested: 3 }),
    kind: "resource_exhausted",
    code: Code.ResourceExhausted,
  },
  {
    name: "bad API key",
    err: new Track17AuthError({ ...base, httpStatus: 401, code: Track17Error.InvalidKey }),
    kind: "failed_precondition",
    code: Code.FailedPrecondition,
  },
  {
    name: "429",
    err: new Track17RateLimitedError({ ...base, httpStatus: 429 }),
    kind: "unavailable",
    code: Code.Unavailable,
  },
  {
    name: "timeout",
    err: new Track17UnavailableError({ ...base, httpStatus: null, reason: "timeout" }),
    kind: "unavailable",
    code: Code.Unavailable,
  },
  {
    name: "open circuit",
    err: new Track17UnavailableError({ ...base, httpStatus: null, reason: "circuit_open" }),
    kind: "unavailable",
    code: Code.Unavailable,
  },
  { name: "malformed answer", err: new Track17ProtocolError(base), kind: "unavailable", code: Code.Unavailable },
  {
    name: "request error on the caller's input (-18010012)",
    err: new Track17RequestError({ ...base, code: Track17Error.FormatInvalid }),
    kind: "invalid_argument",
    code: Code.InvalidArgument,
  },
  {
    name: "request-level daily cap (-18019907)",
    err: new Track17RequestError({ ...base, code: Track17Error.DailyLimitExceeded }),
    kind: "resource_exhausted",
    code: Code.ResourceExhausted,
  },
  {
    name: "request error of our integration (-18010204 webhook not set)",
    err: new Track17RequestError({ ...base, endpoint: "push", code: Track17Error.WebhookNotSet }),
    kind: "failed_precondition",
    code: Code.FailedPrecondition,
  },
];

for (const c of cases) {
  test(`${c.name} → ${c.kind}`, () => {
    const d = track17ToDomainError(c.err);
    assert.instance(d, DomainError);
    assert.is(d.kind, c.kind);
    assert.is(d.cause, c.err);
    assert.ok(d.message.startsWith(`17TRACK ${c.err.endpoint}: `), d.message);
    assert.is(toConnectError(d).code, c.code);
  });
}

test("the quota message says what happened and what was refused", () => {
  const d = track17ToDomainError(
    new Track17QuotaExhaustedError({ quotaRemain: 0, todayUsed: 5, dailyCap: 0, requested: 3 }),
  );
  assert.match(d.message, /quota exhausted: quota remaining 0, daily cap none; refused to register 3/);
});

test("asDomainError passes anything else through", () => {
  const other = new Error("boom");
  assert.is(asDomainError(other), other);
  assert.instance(asDomainError(new Track17RateLimitedError({ ...base, httpStatus: 429 })), DomainError);
});

test.run();
