// The plans of SearchTrackings / ListTrackingEvents at a realistic size: every common criterion and sort must be
// answered from an index (no sequential scan of tracking_records or tracking_events). Rows are generated in SQL;
// the reads run their real statements with EXPLAIN in front, so this checks exactly what production sends.
import { QueryTypes, type Sequelize } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CARRIER_SEED } from "../../src/domain/carriers/seed.js";
import { applyCarrierSeed } from "../../src/store/seed-carriers.js";
import {
  createTrackingReads,
  type EventPageQuery,
  type SearchQuery,
  type TrackingReads,
} from "../../src/store/tracking-reads.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const RECORDS = Number(process.env.PLAN_RECORDS ?? 200_000);

let db: TestDatabase;
let reads: TrackingReads;
let plans: string[] = [];
let big: string;
let codes: string[];

test.before(async () => {
  // uvu reports a failed hook only as "0 passed"; say why.
  await setup().catch((err: unknown) => {
    console.error("setup failed", err);
    throw err;
  });
});

async function setup() {
  db = await createTestDatabase("tracking-read-plans");
  const s = db.sequelize;
  await applyCarrierSeed(s, CARRIER_SEED);
  await s.query(`
    INSERT INTO tracking_records (tracking_number, carrier_id, current_status, customer_reference, order_id,
      destination_country, requires_attention, is_delivered, next_sync_at, created_at, updated_at, priority)
    SELECT 'TN' || lpad(g::text, 10, '0'), c.ids[1 + g % 40],
      (ARRAY['NOT_FOUND','INFO_RECEIVED','IN_TRANSIT','EXPIRED','AVAILABLE_FOR_PICKUP','OUT_FOR_DELIVERY',
             'DELIVERY_FAILURE','DELIVERED','EXCEPTION'])[1 + g % 9],
      'cust-' || (g % 5000), 'ord-' || g, (ARRAY['US','DE','CN','GB','FR'])[1 + g % 5], g % 97 = 0, g % 9 = 7,
      CASE WHEN g % 9 = 7 THEN NULL ELSE timestamp '2026-01-01' + (g % 10000) * interval '1 minute' END,
      timestamp '2025-01-01' + g * interval '37 second',
      timestamp '2025-06-01' + (g::bigint * 7919 % 300000) * interval '13 second', 1 + g % 10
    FROM generate_series(1, ${RECORDS}) g,
         (SELECT array_agg(carrier_id ORDER BY carrier_id) AS ids FROM carriers) c`);
  // Ten events for each of 20,000 records, and one shipment with a 50,000-event timeline.
  await s.query(`
    INSERT INTO tracking_events (tracking_id, event_sequence, event_status, location_country, location_city,
      event_timestamp)
    SELECT r.tracking_id, g, (ARRAY['IN_TRANSIT','DELIVERED','EXCEPTION'])[1 + g % 3], 'US', 'City' || (g % 50),
      timestamp '2026-01-01' + g * interval '1 hour'
    FROM (SELECT tracking_id FROM tracking_records ORDER BY tracking_number LIMIT 20000) r,
         generate_series(1, 10) g`);
  const [row] = await s.query<{ id: string }>(
    "SELECT tracking_id AS id FROM tracking_records ORDER BY tracking_number DESC LIMIT 1",
    { type: QueryTypes.SELECT },
  );
  big = row?.id ?? "";
  await s.query(
    `INSERT INTO tracking_events (tracking_id, event_sequence, event_status, location_country, location_city,
       event_timestamp)
     SELECT $1, 100 + g, (ARRAY['IN_TRANSIT','DELIVERED'])[1 + g % 2], 'DE', 'Berlin',
       timestamp '2026-01-01' + g * interval '1 second'
     FROM generate_series(1, 50000) g`,
    { bind: [big] },
  );
  await s.query("ANALYZE tracking_records; ANALYZE tracking_events; ANALYZE carriers");
  const carriers = await s.query<{ code: string }>(
    "SELECT carrier_code AS code FROM carriers ORDER BY carrier_id LIMIT 2",
    { type: QueryTypes.SELECT },
  );
  codes = carriers.map((r) => r.code);

  // Statements of the reads run as EXPLAIN; the carrier-code lookup (a 2-row answer the search needs) runs as is.
  const explaining = {
    async query(sql: string, opts: object) {
      if (sql.includes("WHERE carrier_code = ANY")) return s.query(sql, opts as never);
      const rows = await s.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, {
        ...(opts as { bind?: unknown[] }),
        type: QueryTypes.SELECT,
      });
      plans.push(rows.map((r) => r["QUERY PLAN"]).join("\n"));
      return [];
    },
  } as unknown as Sequelize;
  reads = createTrackingReads(explaining);
}
test.after(async () => {
  await db?.drop();
});

function assertIndexed(label: string) {
  const plan = plans.join("\n");
  plans = [];
  assert.ok(plan.length > 0, `${label}: no plan captured`);
  assert.not.match(plan, /Seq Scan on tracking_(records|events)/, `${label}:\n${plan}`);
}

const searches: [string, Partial<SearchQuery>][] = [
  ["no criteria, newest first", {}],
  ["one status", { criteria: { statuses: ["IN_TRANSIT"] } }],
  ["two statuses, by update", { criteria: { statuses: ["DELIVERED", "EXCEPTION"] }, sort: "updated_at", order: "asc" }],
  ["customer reference", { criteria: { customerReference: "cust-42" } }],
  ["order id", { criteria: { orderId: "ord-4242" } }],
  ["number prefix", { criteria: { numberPrefix: "TN00000042" } }],
  ["number prefix by number", { criteria: { numberPrefix: "TN0000004" }, sort: "tracking_number", order: "asc" }],
  ["destination", { criteria: { destinationCountry: "DE" } }],
  ["requires attention", { criteria: { requiresAttention: true } }],
  ["undelivered", { criteria: { delivered: false } }],
  ["created range", { criteria: { createdFrom: new Date("2025-02-01"), createdTo: new Date("2025-02-02") } }],
  ["updated range", { criteria: { updatedFrom: new Date("2025-06-10"), updatedTo: new Date("2025-06-11") } }],
  [
    "next sync, after a cursor",
    {
      sort: "next_sync_at",
      order: "asc",
      after: { k: "2026-01-02 00:00:00", id: "00000000-0000-0000-0000-000000000000" },
    },
  ],
  [
    "number order, after a cursor",
    {
      sort: "tracking_number",
      order: "desc",
      after: { k: "TN0000100000", id: "00000000-0000-0000-0000-000000000000" },
    },
  ],
];
for (const [label, q] of searches) {
  test(`search plan is index-driven: ${label}`, async () => {
    await reads.search({ criteria: {}, sort: "created_at", order: "desc", limit: 51, ...q });
    assertIndexed(label);
  });
}

test("search plan is index-driven: one carrier, and two carriers with a status and a cursor", async () => {
  await reads.search({ criteria: { carrierCodes: [codes[0] ?? ""] }, sort: "created_at", order: "desc", limit: 51 });
  assertIndexed("one carrier");
  await reads.search({
    criteria: { carrierCodes: codes, statuses: ["IN_TRANSIT"] },
    sort: "created_at",
    order: "desc",
    limit: 51,
    after: { k: "2025-03-01 00:00:00", id: "ffffffff-0000-0000-0000-000000000000" },
  });
  assertIndexed("two carriers + status + cursor");
});

const eventPages: [string, Partial<EventPageQuery>][] = [
  ["first page", {}],
  ["a page after a cursor, descending", { order: "desc", after: { t: "2026-01-01 06:00:00", id: "999999999" } }],
  ["a time range", { filter: { from: new Date("2026-01-01T05:00:00Z"), to: new Date("2026-01-01T06:00:00Z") } }],
  ["country and city", { filter: { country: "DE", city: "berlin" } }],
];
for (const [label, q] of eventPages) {
  test(`events plan is index-driven on a 50,000-event timeline: ${label}`, async () => {
    await reads.listEvents(big, { filter: {}, order: "asc", limit: 1000, ...q });
    assertIndexed(label);
  });
}

test("newest-event probe walks the timeline index backwards", async () => {
  await reads.latestEvents([big]);
  const plan = plans.join("\n");
  plans = [];
  assert.match(plan, /Index Scan Backward using idx_events_tracking_time/);
});

test.run();
