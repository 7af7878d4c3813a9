// Status reads through the cache (issue #6): 100,000 shipments seeded in Postgres, a server process with two
// connect-node HTTP/2 servers (bench/cache-bench-server.ts), and the gRPC callers in this process.
// - Ceiling: GetTracking answered by a bare handler returning a constant record (same message size), in the same run.
// - Cached: GetTracking reading through the tracking cache; callers pick shipments from a Zipf distribution.
//   1,000 callers (throughput and queueing) and 4 callers (per-call cost), each next to the ceiling.
// - Hit ratio: a cold phase from an empty cache, earlier traffic of the same mix read in-process (a running service
//   has served far more reads than a bench can send over gRPC), then the measured phase; each next to the ratio a
//   cache that never loses an entry would reach after as many reads (the compulsory misses of the mix).
// - Memory: MEMORY USAGE of a sample of cached entries → bytes per cached shipment, and per 100,000.
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { pino } from "pino";
import { QueryTypes, type Sequelize } from "sequelize";
import { TrackingService } from "../gen/waybill/v1/tracking_service_pb.js";
import { createRedis } from "../src/cache/redis.js";
import { createStatusCache } from "../src/cache/status-cache.js";
import { createTrackingCache } from "../src/cache/tracking-cache.js";
import { createTrackingLoader } from "../src/cache/tracking-loader.js";
import { cacheKeys } from "../src/domain/cache/keys.js";
import { createRandom } from "../src/simulator/hash.js";
import { createTrackingReads } from "../src/store/tracking-reads.js";
import { createTestDatabase } from "../test/support/db.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL } from "../test/support/redis.js";
import type { BenchResult } from "./bench-result.js";
import type { ServerArgs, ServerMessage } from "./cache-bench-server.js";

const RECORDS = Number(process.env.BENCH_CACHE_RECORDS ?? 100_000);
const CALLERS = Number(process.env.BENCH_CACHE_CALLERS ?? 1_000);
/** HTTP/2 connections the callers share (each a gRPC transport with its own session). */
const CONNECTIONS = Number(process.env.BENCH_CACHE_CONNECTIONS ?? 4);
const ZIPF_S = Number(process.env.BENCH_CACHE_ZIPF_S ?? 1.0);
const CEILING_MS = 5_000;
const COLD_MS = 6_000;
const MEASURE_MS = 8_000;
const MEMORY_SAMPLE = 500;
/** Earlier reads of the same mix before the measured phase (the cache a running service has), and their time box. */
const PRIOR_READS = Number(process.env.BENCH_CACHE_PRIOR_READS ?? 300_000);
const PRIOR_MS = 20_000;
const PRIOR_CONCURRENCY = 64;
const LOCAL_READS = 30_000;
const FEW_CALLERS = 4;
const FEW_MS = 3_000;
/** The StatusCache read deadline the server runs with (the proposed CACHE_TIMEOUT_MS default; 50 ms misfires here). */
const CACHE_TIMEOUT_MS = Number(process.env.BENCH_CACHE_TIMEOUT_MS ?? 250);

const STATUSES = ["IN_TRANSIT", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED", "DELIVERED", "EXCEPTION"];
const CITIES = ["Hamburg", "Leipzig", "Memphis", "Louisville", "Shenzhen", "Singapore", "Rotterdam", "Chicago"];

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Deterministic PRNG (the simulator's mulberry32), so every run reads the same mix. */
const rng = createRandom;

/** Zipf(s) over n ranks by inverse CDF (binary search). */
function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cdf[k - 1] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] = (cdf[i] as number) / sum;
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** 100,000 shipments with three events each, in two statements. */
async function seed(sequelize: Sequelize): Promise<string[]> {
  const [carrier] = await sequelize.query<{ id: number }>(
    `INSERT INTO carriers (carrier_code, carrier_name) VALUES ('bench-post', 'Bench Post') RETURNING carrier_id AS id`,
    { type: QueryTypes.SELECT },
  );
  const rows = await sequelize.query<{ id: string }>(
    `INSERT INTO tracking_records (tracking_number, carrier_id, current_status, current_location,
       current_location_country, current_location_city, origin_country, destination_country, registration_state,
       cache_strategy, is_delivered, event_count, customer_reference, order_id)
     SELECT 'BENCH' || lpad(g::text, 10, '0'), $1, s.status, s.city || ', DE', 'DE', s.city, 'CN', 'DE', 'ACCEPTED',
       (ARRAY['DYNAMIC','DYNAMIC','DYNAMIC','FIXED','ADAPTIVE'])[1 + g % 5], s.status = 'DELIVERED', 3,
       'cust-' || (g % 977), 'order-' || g
     FROM generate_series(1, $2::int) AS g
     CROSS JOIN LATERAL (SELECT ($3::text[])[1 + g % array_length($3::text[], 1)] AS status,
                                ($4::text[])[1 + g % array_length($4::text[], 1)] AS city) s
     RETURNING tracking_id AS id`,
    { bind: [carrier?.id, RECORDS, STATUSES, CITIES], type: QueryTypes.SELECT },
  );
  await sequelize.query(
    `INSERT INTO tracking_events (tracking_id, event_sequence, event_status, event_timestamp, location_country,
       location_city, event_description, fingerprint)
     SELECT r.tracking_id, e.n, CASE WHEN e.n = 3 THEN r.current_status ELSE 'IN_TRANSIT' END,
       (now() AT TIME ZONE 'UTC') - make_interval(hours => 24 * (4 - e.n)), 'DE', r.current_location_city,
       'Shipment processed at sorting facility ' || e.n, md5(r.tracking_id::text || e.n)
     FROM tracking_records r CROSS JOIN generate_series(1, 3) AS e(n)`,
  );
  await sequelize.query("ANALYZE tracking_records; ANALYZE tracking_events");
  return rows.map((r) => r.id);
}

interface Phase {
  latencies: Float64Array;
  requests: number;
  errors: number;
  seconds: number;
}

/** CALLERS concurrent loops, each awaiting its call before the next, for `ms`. */
async function load(transports: Transport[], pick: () => string, ms: number, callers = CALLERS): Promise<Phase> {
  const clients = transports.map((t) => createClient(TrackingService, t));
  const lat: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + ms;
  const caller = async (i: number) => {
    const client = clients[i % clients.length] as (typeof clients)[number];
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await client.getTracking({ lookup: { case: "trackingId", value: pick() } });
        lat.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, (_, i) => caller(i)));
  const seconds = (performance.now() - started) / 1000;
  return { latencies: Float64Array.from(lat).sort(), requests: lat.length, errors, seconds };
}

function startServer(args: ServerArgs): Promise<{ child: ChildProcess; ready: ServerMessage & { type: "ready" } }> {
  const child = fork(fileURLToPath(new URL("./cache-bench-server.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, CACHE_BENCH_SERVER_ARGS: JSON.stringify(args) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on("message", (m: ServerMessage) => {
      if (m.type === "ready") resolve({ child, ready: m });
    });
  });
}

type Stats = Extract<ServerMessage, { type: "stats" }>;

function stats(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve) => {
    const on = (m: ServerMessage) => {
      if (m.type !== "stats") return;
      child.off("message", on);
      resolve(m);
    };
    child.on("message", on);
    child.send("stats");
  });
}

/** Reads the in-process cache directly (no gRPC), `concurrency` at a time, until `count` reads or `ms` elapsed. */
async function priorTraffic(read: (id: string) => Promise<unknown>, pick: () => string, count: number, ms: number) {
  let done = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (done < count && performance.now() < end) {
      done++;
      await read(pick());
    }
  };
  await Promise.all(Array.from({ length: PRIOR_CONCURRENCY }, worker));
  return done;
}

/** Expected hit ratio of the next read under Zipf(s) over n once `reads` reads have filled the cache (no expiry). */
function expectedHitRatio(n: number, s: number, reads: number): number {
  let sum = 0;
  for (let k = 1; k <= n; k++) sum += 1 / k ** s;
  let hit = 0;
  for (let k = 1; k <= n; k++) {
    const p = 1 / k ** s / sum;
    hit += p * (1 - (1 - p) ** reads);
  }
  return hit;
}

export async function run(): Promise<BenchResult[]> {
  const db = await createTestDatabase("bench_cache");
  const prefix = `bench:cache:${randomBytes(4).toString("hex")}:`;
  let child: ChildProcess | undefined;
  const redis = createRedis({ url: TEST_REDIS_URL, keyPrefix: prefix, logger: pino({ level: "silent" }) });
  try {
    const t0 = performance.now();
    const ids = await seed(db.sequelize);
    console.log(`  seeded ${ids.length} shipments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const random = rng(42);
    // Ranks map to shuffled ids, so the hot shipments are spread over the table.
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
    }
    const rank = zipf(ids.length, ZIPF_S, random);
    const pickZipf = () => ids[rank()] as string;

    const server = await startServer({
      databaseUrl: db.databaseUrl,
      redisUrl: TEST_REDIS_URL,
      keyPrefix: prefix,
      sampleId: ids[0] as string,
      cacheTimeoutMs: CACHE_TIMEOUT_MS,
    });
    child = server.child;
    const transport = (port: number) =>
      Array.from({ length: CONNECTIONS }, () => createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));

    const constantTransports = transport(server.ready.constantPort);
    // JIT and connection warm-up, not measured.
    await load(constantTransports, () => ids[0] as string, 1_000);
    const ceiling = await load(constantTransports, () => ids[0] as string, CEILING_MS);
    const cachedTransports = transport(server.ready.cachedPort);
    const s0 = await stats(child);
    const cold = await load(cachedTransports, pickZipf, COLD_MS);
    const s1 = await stats(child);

    // Earlier traffic of the same mix, read through a cache of this process on the same Redis keys (fast: no gRPC).
    await redis.connect();
    const localCache = createStatusCache({ redis, timeoutMs: 2_000 });
    const tc = createTrackingCache({
      cache: localCache,
      redis,
      loader: createTrackingLoader({ sequelize: db.sequelize, reads: createTrackingReads(db.sequelize) }),
      defaultStrategy: "DYNAMIC",
      fixedTtlSeconds: 600,
      timeoutMs: 2_000,
    });
    const t1 = performance.now();
    const prior = await priorTraffic((id) => tc.readRecord(id), pickZipf, PRIOR_READS, PRIOR_MS);
    console.log(`  ${prior} earlier reads in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    // The same mix without 1,000 callers saturating two cores: hits are not turned into misses by late deadlines.
    const l0 = await localCache.stats();
    const local = await priorTraffic((id) => tc.readRecord(id), pickZipf, LOCAL_READS, 10_000);
    const l1 = await localCache.stats();
    const readsBefore = cold.requests + prior + local;
    const localRatio = (l1.hits - l0.hits) / Math.max(1, l1.hits - l0.hits + (l1.misses - l0.misses));
    const expectedLocal = expectedHitRatio(ids.length, ZIPF_S, cold.requests + prior);

    const s2 = await stats(child);
    const hot = await load(cachedTransports, pickZipf, MEASURE_MS);
    const s3 = await stats(child);
    // Unloaded latency: a few callers, so the figures are the per-call cost rather than queueing.
    const fewConstant = await load(constantTransports, () => ids[0] as string, FEW_MS, FEW_CALLERS);
    const fewCached = await load(cachedTransports, pickZipf, FEW_MS, FEW_CALLERS);
    const ratio = (a: Stats, b: Stats) => {
      const h = b.hits - a.hits;
      const m = b.misses - a.misses;
      return h + m === 0 ? 0 : h / (h + m);
    };

    // Bytes per cached shipment: status entries as GetTracking left them, events heads filled here for the sample.
    const sample = ids.slice(0, MEMORY_SAMPLE);
    for (const id of sample) {
      await tc.readRecord(id);
      await tc.readEventsHead(id);
    }
    // MEMORY USAGE's key is not prefixed by ioredis: ask with the full key on a client without prefix.
    const plain = createRedis({ url: TEST_REDIS_URL, keyPrefix: "", logger: pino({ level: "silent" }) });
    await plain.connect();
    const usage = async (key: (id: string) => string) => {
      let total = 0;
      for (const id of sample) total += Number((await plain.memory("USAGE", prefix + key(id))) ?? 0);
      return total / sample.length;
    };
    const statusBytes = await usage(cacheKeys.status);
    const eventsBytes = await usage(cacheKeys.events);
    plain.disconnect();

    // Steady state: every shipment cached once (what a TTL's worth of real polling, or WarmCache, leaves behind),
    // then the same Zipf mix. Shows the cache holds the whole working set and what the hit ratio settles at.
    const w0 = performance.now();
    const warmed = await tc.warm(ids);
    console.log(`  warmed ${warmed.warmed} shipments in ${((performance.now() - w0) / 1000).toFixed(1)} s`);
    const st0 = await localCache.stats();
    const steadyReads = await priorTraffic((id) => tc.readRecord(id), pickZipf, LOCAL_READS, 10_000);
    const st1 = await localCache.stats();
    const steadyRatio = (st1.hits - st0.hits) / Math.max(1, st1.hits - st0.hits + (st1.misses - st0.misses));

    const ms = (p: Phase, q: number) => percentile(p.latencies, q);
    const rps = (p: Phase) => p.requests / p.seconds;
    console.log(
      `  calls: ceiling ${ceiling.requests} (${ceiling.errors} errors), cold ${cold.requests} (${cold.errors} errors), measured ${hot.requests} (${hot.errors} errors); server cache timeouts ${s3.timeouts}, errors ${s3.errors}`,
    );
    const expected = expectedHitRatio(ids.length, ZIPF_S, readsBefore);
    return [
      {
        name: `GetTracking cached p50 (${CALLERS} callers, gRPC h2c)`,
        value: ms(hot, 50),
        unit: "ms",
        baseline: { name: "constant handler p50", value: ms(ceiling, 50) },
      },
      {
        name: "GetTracking cached p99",
        value: ms(hot, 99),
        unit: "ms",
        baseline: { name: "constant handler p99", value: ms(ceiling, 99) },
        goal: "< 200 (PRD)",
      },
      {
        name: "GetTracking cached req/s",
        value: rps(hot),
        unit: "req/s",
        baseline: { name: "constant handler req/s", value: rps(ceiling) },
      },
      {
        name: `GetTracking cached p50 (${FEW_CALLERS} callers)`,
        value: ms(fewCached, 50),
        unit: "ms",
        baseline: { name: "constant handler p50", value: ms(fewConstant, 50) },
      },
      {
        name: `GetTracking cached p99 (${FEW_CALLERS} callers)`,
        value: ms(fewCached, 99),
        unit: "ms",
        baseline: { name: "constant handler p99", value: ms(fewConstant, 99) },
      },
      {
        name: `GetTracking cached req/s (${FEW_CALLERS} callers)`,
        value: rps(fewCached),
        unit: "req/s",
        baseline: { name: "constant handler req/s", value: rps(fewConstant) },
      },
      { name: "cache read inside the handler p50 (measured phase)", value: s3.readP50, unit: "ms" },
      { name: "cache read inside the handler p99 (measured phase)", value: s3.readP99, unit: "ms" },
      {
        name: `hit ratio, Zipf s=${ZIPF_S} over ${ids.length}, after ${readsBefore} reads`,
        value: ratio(s2, s3) * 100,
        unit: "%",
        baseline: { name: "expected with no expiry", value: expected * 100 },
        goal: "> 95 (PRD > 80)",
      },
      {
        name: `hit ratio, steady state (all ${ids.length} cached once), ${steadyReads} Zipf reads`,
        value: steadyRatio * 100,
        unit: "%",
        goal: "> 95 (PRD > 80)",
      },
      {
        name: `hit ratio, same mix, 64 in-process readers, after ${cold.requests + prior} reads`,
        value: localRatio * 100,
        unit: "%",
        baseline: { name: "expected with no expiry", value: expectedLocal * 100 },
      },
      { name: "hit ratio, cold phase from an empty cache", value: ratio(s0, s1) * 100, unit: "%" },
      { name: "GetTracking p99, cold phase", value: ms(cold, 99), unit: "ms" },
      { name: "Redis bytes per cached shipment (status entry)", value: statusBytes, unit: "B" },
      { name: "Redis bytes, events head entry (3 events)", value: eventsBytes, unit: "B" },
      {
        name: "Redis per 100,000 shipments, status entries",
        value: (statusBytes * 100_000) / 1e6,
        unit: "MB",
        baseline: { name: "our budget", value: 100 },
        goal: "< 100 (PRD 2,000-4,000)",
      },
      {
        name: "Redis per 100,000 shipments, status + events",
        value: ((statusBytes + eventsBytes) * 100_000) / 1e6,
        unit: "MB",
      },
    ];
  } finally {
    redis.disconnect();
    if (child && child.exitCode === null) {
      const c = child;
      c.send("stop");
      await new Promise((r) => {
        const t = setTimeout(() => {
          c.kill("SIGKILL");
          r(undefined);
        }, 5_000);
        c.once("exit", () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    }
    await deleteKeysWithPrefix(prefix);
    await db.drop();
  }
}
