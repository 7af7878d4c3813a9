// Ingest throughput: 100,000 events (1,000 shipments × 100 events) through the one ingest function, then the same
// answers again (the dedup path: nothing new), next to a raw COPY of the same rows into a scratch copy of
// tracking_events in the same run (the ceiling of getting these bytes into Postgres). Then BatchRegisterTrackings
// through the real server: 10 calls of 1,000 numbers.

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pino } from "pino";
import { QueryTypes } from "sequelize";
import { TrackingService } from "../gen/waybill/v1/tracking_service_pb.js";
import { normalizeTrackInfo } from "../src/domain/tracking/normalize.js";
import { createIngest } from "../src/tracking/ingest.js";
import type { TrackInfo } from "../src/upstream/wire.js";
import { startTestApp } from "../test/support/app.js";
import { ev, info, provider } from "../test/support/track-info.js";
import type { BenchResult } from "./bench-result.js";

const SHIPMENTS = 1_000;
const EVENTS_EACH = 100;
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 8);

function answer(n: number): TrackInfo {
  const base = Date.UTC(2026, 0, 1) + n * 60_000;
  const events = Array.from({ length: EVENTS_EACH }, (_, i) =>
    ev(new Date(base + (EVENTS_EACH - i) * 3_600_000).toISOString(), `Scan ${EVENTS_EACH - i} of shipment ${n}`),
  );
  return info([provider(100002, events)], "InTransit", "InTransit_Other");
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** The same rows as ingest writes, as COPY text, into an unindexed-constraint-free copy of tracking_events. */
async function copyBaseline(databaseUrl: string, answers: TrackInfo[], ids: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("CREATE TABLE bench_copy (LIKE tracking_events INCLUDING DEFAULTS INCLUDING INDEXES)");
    const esc = (v: unknown) =>
      v === null || v === undefined
        ? "\\N"
        : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
    function* lines() {
      for (const [i, a] of answers.entries()) {
        for (const [seq, e] of normalizeTrackInfo(a).events.entries()) {
          yield `${[ids[i], seq + 1, e.status, e.subStatus, e.statusCode, e.description, e.time.utc.toISOString(), JSON.stringify(e.raw), e.fingerprint, e.providerKey].map(esc).join("\t")}\n`;
        }
      }
    }
    const started = performance.now();
    await pipeline(
      Readable.from(lines()),
      client.query(
        copyFrom(
          "COPY bench_copy (tracking_id, event_sequence, event_status, event_substatus, event_status_code, event_description, event_timestamp, raw_event_data, fingerprint, provider_key) FROM STDIN",
        ),
      ),
    );
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

export async function run(): Promise<BenchResult[]> {
  const t = await startTestApp("bench-ingest");
  try {
    const s = t.db.sequelize;
    const ids = (
      await s.query<{ id: string }>(
        `INSERT INTO tracking_records (tracking_number, carrier_id, current_status, registration_state)
         SELECT 'BENCH' || lpad(g::text, 8, '0'), (SELECT carrier_id FROM carriers WHERE carrier_code = 'ups'),
                'NOT_FOUND', 'ACCEPTED'
         FROM generate_series(1, $1) g ORDER BY g RETURNING tracking_id AS id`,
        { bind: [SHIPMENTS], type: QueryTypes.SELECT },
      )
    ).map((r) => r.id);
    const answers = ids.map((_, i) => answer(i));
    const ingest = createIngest({ sequelize: s, logger: pino({ level: "silent" }) });
    const total = SHIPMENTS * EVENTS_EACH;

    const run1 = performance.now();
    await inParallel(
      ids.map((id, i) => ({ id, i })),
      ({ id, i }) => ingest.ingest({ trackingId: id, trackingNumber: "", trackInfo: answers[i], source: "SYNC" }),
    );
    const firstMs = performance.now() - run1;
    const run2 = performance.now();
    await inParallel(
      ids.map((id, i) => ({ id, i })),
      ({ id, i }) => ingest.ingest({ trackingId: id, trackingNumber: "", trackInfo: answers[i], source: "PUSH" }),
    );
    const dedupMs = performance.now() - run2;
    const [{ n }] = await s.query<{ n: number }>("SELECT count(*)::int AS n FROM tracking_events", {
      type: QueryTypes.SELECT,
    });
    if (n !== total) throw new Error(`expected ${total} events, found ${n}`);
    const copyMs = await copyBaseline(t.db.databaseUrl, answers, ids);
    const copyRate = total / (copyMs / 1000);

    const client = createClient(TrackingService, createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "2" }));
    const regStart = performance.now();
    for (let b = 0; b < 10; b++) {
      const items = Array.from({ length: 1000 }, (_, i) => ({
        trackingNumber: `WBREG${b}X${String(i).padStart(6, "0")}`,
      }));
      const res = await client.batchRegisterTrackings({ items });
      if (res.results.some((r) => r.error)) throw new Error("batch registration failed");
    }
    const regMs = performance.now() - regStart;

    return [
      {
        name: "ingest 100k new events (1k shipments, 8 parallel)",
        value: total / (firstMs / 1000),
        unit: "events/s",
        baseline: { name: "raw COPY of the same rows", value: copyRate },
        goal: ">= 20,000/s (PRD floor 1,000/s)",
      },
      {
        name: "ingest the same 100k again (dedup, 0 new)",
        value: total / (dedupMs / 1000),
        unit: "events/s",
        baseline: { name: "raw COPY of the same rows", value: copyRate },
      },
      {
        name: "BatchRegisterTrackings, 10 × 1,000 numbers over h2c",
        value: 10_000 / (regMs / 1000),
        unit: "numbers/s",
        goal: "constant SQL round trips per batch",
      },
    ];
  } finally {
    await t.stop();
  }
}
