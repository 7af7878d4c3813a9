// The Postgres audit sink on a real migrated database: the api_audit_log row of one 17TRACK call, batching by size
// and by time, flush on close, tracking_id resolution, values Postgres would reject, and a database outage that costs
// audit rows but never blocks or fails the caller.
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPostgresAuditSink, type PostgresAuditSinkOptions } from "../../src/store/audit-sink.js";
import { createSequelize } from "../../src/store/sequelize.js";
import type { ExternalCallAudit } from "../../src/upstream/audit.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let db: TestDatabase;
const logs: { level: string; msg: string }[] = [];
const logger = {
  warn: (_obj: unknown, msg?: string) => void logs.push({ level: "warn", msg: msg ?? "" }),
  error: (_obj: unknown, msg?: string) => void logs.push({ level: "error", msg: msg ?? "" }),
} as PostgresAuditSinkOptions["logger"];

test.before(async () => {
  db = await createTestDatabase("store_audit_sink");
});

test.after(async () => {
  await db?.drop();
});

test.before.each(async () => {
  logs.length = 0;
  await db.sequelize.query("TRUNCATE api_audit_log");
});

function call(overrides: Partial<ExternalCallAudit> = {}): ExternalCallAudit {
  return {
    endpoint: "17track:gettrackinfo",
    apiEndpoint: "http://127.0.0.1:9999/track/v2.2/gettrackinfo",
    requestPayload: [{ number: "RR123456789CN" }],
    responseStatusCode: 200,
    responseBody: { code: 0, data: { accepted: [], rejected: [] } },
    responseTimeMs: 42.4,
    operationStatus: "SUCCESS",
    errorCode: null,
    errorMessage: null,
    trackingNumbers: ["RR123456789CN"],
    ...overrides,
  };
}

interface Row {
  tracking_id: string | null;
  endpoint: string;
  http_method: string;
  request_params: unknown;
  request_headers: unknown;
  external_api_called: boolean;
  api_provider: string;
  api_endpoint: string;
  api_request_payload: unknown;
  response_status_code: number | null;
  response_body: unknown;
  response_time_ms: number;
  operation_status: string;
  error_code: string | null;
  error_message: string | null;
  user_id: string | null;
  ip_address: string | null;
  created_at: Date;
}

const rows = () =>
  db.sequelize.query<Row>("SELECT * FROM api_audit_log ORDER BY audit_id", { type: QueryTypes.SELECT });

test("record() buffers without touching the database; close() writes the PRD §2.1.7 row", async () => {
  const sink = createPostgresAuditSink({ sequelize: db.sequelize, logger, flushIntervalMs: 60_000 });
  const before = Date.now();
  assert.is(sink.record(call()), undefined, "record is synchronous: nothing for the caller to await");
  assert.is(sink.pending, 1);
  assert.equal(await rows(), []);
  await sink.close();
  assert.is(sink.pending, 0);
  const [row, ...rest] = await rows();
  assert.equal(rest, []);
  assert.ok(row);
  assert.equal(
    { ...row, audit_id: undefined, created_at: undefined },
    {
      tracking_id: null,
      endpoint: "17track:gettrackinfo",
      http_method: "POST",
      request_params: { trackingNumbers: ["RR123456789CN"] },
      request_headers: null,
      external_api_called: true,
      api_provider: "17TRACK",
      api_endpoint: "http://127.0.0.1:9999/track/v2.2/gettrackinfo",
      api_request_payload: [{ number: "RR123456789CN" }],
      response_status_code: 200,
      response_body: { code: 0, data: { accepted: [], rejected: [] } },
      response_time_ms: 42,
      operation_status: "SUCCESS",
      error_code: null,
      error_message: null,
      user_id: null,
      ip_address: null,
      user_agent: null,
      created_at: undefined,
      audit_id: undefined,
    },
  );
  assert.ok(Math.abs(row.created_at.getTime() - before) < 5_000, "created_at is the call's time, in UTC");
  assert.is(logs.length, 0);
});

test("a full batch is written at once, a partial one after the interval, in record order", async () => {
  const sink = createPostgresAuditSink({ sequelize: db.sequelize, logger, batchSize: 5, flushIntervalMs: 150 });
  for (let i = 0; i < 5; i++) sink.record(call({ trackingNumbers: [`N${i}`], responseTimeMs: i }));
  await new Promise((r) => setTimeout(r, 60));
  assert.is((await rows()).length, 5, "the batch of 5 went without waiting for the timer");
  for (let i = 5; i < 7; i++) sink.record(call({ trackingNumbers: [`N${i}`], responseTimeMs: i }));
  await new Promise((r) => setTimeout(r, 60));
  assert.is((await rows()).length, 5, "a partial batch waits for the interval");
  await new Promise((r) => setTimeout(r, 250));
  const all = await rows();
  assert.equal(
    all.map((r) => r.response_time_ms),
    [0, 1, 2, 3, 4, 5, 6],
  );
  await sink.close();
});

test("tracking_id is set when the call was about one number naming exactly one record", async () => {
  const [a, b] = await db.models.Carrier.bulkCreate([
    { carrierCode: "audit-a", carrierName: "A" },
    { carrierCode: "audit-b", carrierName: "B" },
  ]);
  assert.ok(a && b);
  const one = await db.models.TrackingRecord.create({
    trackingNumber: "ONE",
    carrierId: a.carrierId,
    currentStatus: "IN_TRANSIT",
  });
  await db.models.TrackingRecord.create({
    trackingNumber: "TWICE",
    carrierId: a.carrierId,
    currentStatus: "IN_TRANSIT",
  });
  await db.models.TrackingRecord.create({
    trackingNumber: "TWICE",
    carrierId: b.carrierId,
    currentStatus: "IN_TRANSIT",
  });
  const sink = createPostgresAuditSink({ sequelize: db.sequelize, logger });
  sink.record(call({ trackingNumbers: ["ONE"] }));
  sink.record(call({ trackingNumbers: ["TWICE"] }));
  sink.record(call({ trackingNumbers: ["ONE", "TWICE"] }));
  sink.record(call({ trackingNumbers: ["UNKNOWN"] }));
  await sink.close();
  assert.equal(
    (await rows()).map((r) => r.tracking_id),
    [one.trackingId, null, null, null],
  );
});

test("values Postgres would reject are made storable instead of failing the batch", async () => {
  const sink = createPostgresAuditSink({ sequelize: db.sequelize, logger });
  sink.record(
    call({
      endpoint: `17track:${"x".repeat(300)}`,
      requestPayload: { big: 12345678901234567890n, nul: "a\u0000b" },
      responseStatusCode: null,
      responseBody: "<html>bad gateway\u0000</html>",
      operationStatus: "FAILURE",
      errorCode: `NETWORK_${"E".repeat(80)}`,
      errorMessage: "socket hang up\u0000",
    }),
  );
  await sink.close();
  const [row] = await rows();
  assert.ok(row);
  assert.is(row.endpoint.length, 200);
  assert.equal(row.api_request_payload, { big: "12345678901234567890", nul: "ab" });
  assert.is(row.response_body, "<html>bad gateway</html>");
  assert.is(row.error_code?.length, 50);
  assert.is(row.error_message, "socket hang up");
  assert.is(row.operation_status, "FAILURE");
  assert.is(logs.length, 0, JSON.stringify(logs));
});

test("database down: record() stays instant, rows are retried, then dropped with a log; close() resolves", async () => {
  // A pool on a database that does not exist: every insert fails, as in an outage.
  const broken = createSequelize({ databaseUrl: `${db.databaseUrl}_missing`, poolMax: 1 });
  const sink = createPostgresAuditSink({ sequelize: broken, logger, batchSize: 2, maxAttempts: 2, maxBuffered: 3 });
  try {
    const started = performance.now();
    for (let i = 0; i < 5; i++) sink.record(call({ trackingNumbers: [`D${i}`] }));
    assert.ok(performance.now() - started < 50, "recording never waits on the database");
    await sink.flush();
    await sink.close();
    assert.is(sink.pending, 0);
    assert.is(sink.dropped, 5, "every row given up and counted");
    assert.ok(logs.some((l) => l.level === "warn" && /insert failed/.test(l.msg)));
    assert.ok(logs.some((l) => l.level === "error" && /dropped/.test(l.msg)));
    sink.record(call());
    assert.is(sink.dropped, 6, "after close a row is dropped, not buffered");
  } finally {
    await broken.close();
  }
});

test.run();
