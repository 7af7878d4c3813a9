// The server side of bench/cache.bench.ts, run as its own process so the 1,000 callers and the server do not share
// one event loop: two connect-node HTTP/2 (h2c) servers on random ports, serving TrackingService.GetTracking.
// - "constant": returns one prebuilt record (the ceiling of the stack: transport, framing, serialisation only).
// - "cached": reads through the tracking cache (Redis, then Postgres on a miss) exactly as the service will.
// Talks to the parent over IPC: {type: "ready", constantPort, cachedPort}, answers "stats" with the cache counters,
// exits on "stop". Not a bench itself (bench/run.ts only runs *.bench.ts).

import { once } from "node:events";
import http2 from "node:http2";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { pino } from "pino";
import { TrackingService } from "../gen/waybill/v1/tracking_service_pb.js";
import { createRedis } from "../src/cache/redis.js";
import { createStatusCache } from "../src/cache/status-cache.js";
import { createStatusCacheLedger } from "../src/cache/status-cache-ledger.js";
import { createTrackingCache } from "../src/cache/tracking-cache.js";
import { createTrackingLoader } from "../src/cache/tracking-loader.js";
import { createSequelize } from "../src/store/sequelize.js";
import { createTrackingReads } from "../src/store/tracking-reads.js";

export interface ServerArgs {
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
  /** A shipment whose record becomes the constant answer. */
  sampleId: string;
  /** StatusCache read deadline (CACHE_TIMEOUT_MS). */
  cacheTimeoutMs: number;
}

export type ServerMessage =
  | { type: "ready"; constantPort: number; cachedPort: number }
  | {
      type: "stats";
      hits: number;
      misses: number;
      errors: number;
      timeouts: number;
      /** Time spent in readRecord per call since the previous "stats", ms. */
      readP50: number;
      readP99: number;
    };

async function serve(routes: (r: ConnectRouter) => void): Promise<{ server: http2.Http2Server; port: number }> {
  const server = http2.createServer(connectNodeAdapter({ routes }));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as { port: number }).port };
}

async function main(args: ServerArgs): Promise<void> {
  const logger = pino({ level: "warn" });
  const sequelize = createSequelize({ databaseUrl: args.databaseUrl, poolMax: 20 });
  const redis = createRedis({ url: args.redisUrl, keyPrefix: args.keyPrefix, logger });
  await redis.connect();
  const ledger = createStatusCacheLedger({ sequelize, logger });
  const cache = createStatusCache({ redis, observer: ledger, logger, timeoutMs: args.cacheTimeoutMs });
  const loader = createTrackingLoader({ sequelize, reads: createTrackingReads(sequelize) });
  const tc = createTrackingCache({
    cache,
    redis,
    loader,
    ledger,
    logger,
    defaultStrategy: "DYNAMIC",
    fixedTtlSeconds: 600,
  });
  let reads: number[] = [];
  const constant = await loader.record(args.sampleId);
  if (!constant) throw new Error(`no shipment ${args.sampleId}`);

  const a = await serve((router) =>
    router.service(TrackingService, {
      getTracking: () => ({ record: constant }),
    }),
  );
  const b = await serve((router) =>
    router.service(TrackingService, {
      async getTracking(req) {
        if (req.lookup.case !== "trackingId") throw new ConnectError("by id only", Code.Unimplemented);
        const t0 = performance.now();
        const record = await tc.readRecord(req.lookup.value);
        reads.push(performance.now() - t0);
        if (!record) throw new ConnectError(`tracking ${req.lookup.value} not found`, Code.NotFound);
        return { record };
      },
    }),
  );

  process.on("message", (msg: unknown) => {
    if (msg === "stats") {
      const sorted = Float64Array.from(reads).sort();
      reads = [];
      const pct = (p: number) => (sorted.length ? (sorted[Math.floor((p / 100) * sorted.length)] as number) : 0);
      void cache.stats().then((s) => {
        const status = s.families.find((f) => f.name === "tracking:status");
        process.send?.({
          type: "stats",
          hits: status?.hits ?? 0,
          misses: status?.misses ?? 0,
          errors: s.errors,
          timeouts: s.timeouts,
          readP50: pct(50),
          readP99: pct(99),
        } satisfies ServerMessage);
      });
    } else if (msg === "stop") {
      a.server.close();
      b.server.close();
      void ledger
        .close()
        .then(() => sequelize.close())
        .finally(() => {
          redis.disconnect();
          process.exit(0);
        });
    }
  });
  process.send?.({ type: "ready", constantPort: a.port, cachedPort: b.port } satisfies ServerMessage);
}

// Only when started by the bench (it passes the arguments as JSON).
if (process.env.CACHE_BENCH_SERVER_ARGS) {
  main(JSON.parse(process.env.CACHE_BENCH_SERVER_ARGS) as ServerArgs).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
