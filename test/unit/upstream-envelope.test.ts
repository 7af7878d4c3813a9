import { test } from "uvu";
import * as assert from "uvu/assert";
import { interpretResponse, requestLevelError } from "../../src/upstream/envelope.js";
import {
  Track17AuthError,
  Track17ProtocolError,
  Track17RateLimitedError,
  Track17RequestError,
  Track17UnavailableError,
} from "../../src/upstream/errors.js";

type ErrClass = abstract new (...args: never[]) => Error;

interface Case {
  name: string;
  status: number;
  body: string;
  error?: ErrClass;
  code?: number | null;
  retryable?: boolean;
  notProcessed?: boolean;
  check?: (r: ReturnType<typeof interpretResponse>) => void;
}

const j = (v: unknown) => JSON.stringify(v);

const cases: Case[] = [
  {
    name: "200 code 0 with accepted/rejected is ok",
    status: 200,
    body: j({ code: 0, data: { accepted: [{ number: "A", carrier: 1 }], rejected: [] } }),
    check: (r) => {
      assert.ok(r.ok);
      if (r.ok) assert.equal((r.data as { accepted: unknown[] }).accepted.length, 1);
    },
  },
  {
    name: "200 with unknown top-level fields and null data is ok",
    status: 200,
    body: j({ code: 0, data: null, lastGatherTime: "x", extra: { deep: [1] } }),
    check: (r) => {
      assert.ok(r.ok);
      if (r.ok) assert.is(r.data, null);
    },
  },
  {
    name: "200 with page object (gettracklist) exposes page",
    status: 200,
    body: j({ page: { data_total: 43, page_total: 2, page_no: 1, page_size: 40 }, code: 0, data: { accepted: [] } }),
    check: (r) => {
      assert.ok(r.ok);
      if (r.ok) assert.equal(r.page, { data_total: 43, page_total: 2, page_no: 1, page_size: 40 });
    },
  },
  {
    name: "200 with page fields null does not crash",
    status: 200,
    body: j({ page: { data_total: null }, code: 0, data: {} }),
    check: (r) => {
      assert.ok(r.ok);
      if (r.ok) assert.equal(r.page, { data_total: 0, page_total: 0, page_no: 0, page_size: 0 });
    },
  },
  {
    name: "200 code as numeric string 0 is ok",
    status: 200,
    body: j({ code: "0", data: { accepted: [] } }),
    check: (r) => assert.ok(r.ok),
  },
  {
    name: "HTTP 401 with -18010002 body is an auth error",
    status: 401,
    body: j({ code: -18010002, data: { errors: [{ code: -18010002, message: "Invalid security key." }] } }),
    error: Track17AuthError,
    code: -18010002,
    retryable: false,
  },
  {
    name: "HTTP 401 with empty body is an auth error with null code",
    status: 401,
    body: "",
    error: Track17AuthError,
    code: null,
  },
  {
    name: "HTTP 200 with code -18010002 and data null is an auth error",
    status: 200,
    body: j({ code: -18010002, data: null }),
    error: Track17AuthError,
    code: -18010002,
  },
  {
    name: "HTTP 200 with code 0 and data.errors -18010002 is an auth error",
    status: 200,
    body: j({ code: 0, data: { errors: [{ code: -18010002, message: "Invalid security key." }] } }),
    error: Track17AuthError,
    code: -18010002,
  },
  {
    name: "HTTP 200 with -18010001 (IP whitelist) is an auth error",
    status: 200,
    body: j({ code: -18010001, data: { errors: [{ code: -18010001, message: "IP" }] } }),
    error: Track17AuthError,
    code: -18010001,
  },
  {
    name: "HTTP 200 with -18010004 (account disabled) is an auth error",
    status: 200,
    body: j({ code: -18010004, data: null }),
    error: Track17AuthError,
    code: -18010004,
  },
  {
    name: "HTTP 200 with -18010005 (unauthorized) is an auth error",
    status: 200,
    body: j({ code: -18010005, data: null }),
    error: Track17AuthError,
    code: -18010005,
  },
  {
    name: "code 0 + data.errors -18010013 is a request error (§1.3 documented shape)",
    status: 200,
    body: j({ code: 0, data: { errors: [{ code: -18010013, message: "Submitted data is invalid." }] } }),
    error: Track17RequestError,
    code: -18010013,
    retryable: false,
  },
  {
    name: "code -18010014 + data.errors is a request error",
    status: 200,
    body: j({
      code: -18010014,
      data: { errors: [{ code: -18010014, message: "Tracking numbers exceed the 40 limit." }] },
    }),
    error: Track17RequestError,
    code: -18010014,
  },
  {
    name: "non-zero code without data.errors is a request error with the table message",
    status: 200,
    body: j({ code: -18010013, data: null }),
    error: Track17RequestError,
    code: -18010013,
    check: (r) => {
      if (!r.ok) assert.is(r.error.message, "Submitted data is invalid.");
    },
  },
  {
    name: "data.errors entry without a code falls back to the top-level code",
    status: 200,
    body: j({ code: -18010014, data: { errors: [{}] } }),
    error: Track17RequestError,
    code: -18010014,
  },
  {
    name: "empty data.errors array with code 0 is still a failure",
    status: 200,
    body: j({ code: 0, data: { errors: [] } }),
    error: Track17RequestError,
    code: -18010013,
  },
  {
    name: "code -18010003 (internal error) is retryable unavailability",
    status: 200,
    body: j({ code: -18010003, data: null }),
    error: Track17UnavailableError,
    code: -18010003,
    retryable: true,
  },
  {
    name: "request-level -18019908 (quota) is a request error carrying the code",
    status: 200,
    body: j({ code: -18019908, data: { errors: [{ code: -18019908, message: "Your quotas have run out." }] } }),
    error: Track17RequestError,
    code: -18019908,
  },
  {
    name: "HTTP 429 is rate limited",
    status: 429,
    body: "Too Many Requests",
    error: Track17RateLimitedError,
    retryable: true,
  },
  {
    name: "HTTP 500 is unavailable and may have been processed",
    status: 500,
    body: "oops",
    error: Track17UnavailableError,
    retryable: true,
    notProcessed: false,
  },
  {
    name: "HTTP 503 is unavailable and not processed",
    status: 503,
    body: "",
    error: Track17UnavailableError,
    notProcessed: true,
  },
  { name: "HTTP 502 is unavailable", status: 502, body: "<html>", error: Track17UnavailableError },
  { name: "HTTP 404 (wrong URL) is a request error", status: 404, body: "Not Found", error: Track17RequestError },
  {
    name: "HTTP 200 with malformed JSON is a protocol error",
    status: 200,
    body: '{"code":0,"data":',
    error: Track17ProtocolError,
  },
  { name: "HTTP 200 with empty body is a protocol error", status: 200, body: "", error: Track17ProtocolError },
  { name: "HTTP 200 with a JSON array is a protocol error", status: 200, body: "[]", error: Track17ProtocolError },
  { name: "HTTP 200 with JSON null is a protocol error", status: 200, body: "null", error: Track17ProtocolError },
  {
    name: "HTTP 200 without code is a protocol error",
    status: 200,
    body: j({ data: {} }),
    error: Track17ProtocolError,
  },
];

for (const c of cases) {
  test(c.name, () => {
    const r = interpretResponse({ endpoint: "register", httpStatus: c.status, bodyText: c.body });
    if (c.error) {
      assert.not.ok(r.ok, "expected a failure");
      if (!r.ok) {
        assert.instance(r.error, c.error);
        assert.is(r.error.endpoint, "register");
        assert.is(r.error.httpStatus, c.status);
        if (c.code !== undefined) assert.is(r.error.code, c.code);
        if (c.retryable !== undefined) assert.is(r.error.retryable, c.retryable);
        if (c.notProcessed !== undefined) assert.is((r.error as Track17UnavailableError).notProcessed, c.notProcessed);
        assert.ok(r.error.message.length > 0);
      }
    }
    c.check?.(r);
  });
}

test("requestLevelError: none for a clean envelope", () => {
  assert.is(requestLevelError({ code: 0, data: { accepted: [] } }), null);
  assert.is(requestLevelError("not an object"), null);
});

test.run();
