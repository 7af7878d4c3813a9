// The composition root (STYLE §7): builds every adapter once, hands them to the modules that need them, and owns the
// order of start-up and shutdown. Tests start exactly this on port 0.
import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import type { Logger } from "pino";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import { CacheService } from "../gen/waybill/v1/cache_service_pb.js";
import { CarrierService } from "../gen/waybill/v1/carrier_service_pb.js";
import { SyncService } from "../gen/waybill/v1/sync_service_pb.js";
import { TrackingService } from "../gen/waybill/v1/tracking_service_pb.js";
import { createRedis } from "./cache/redis.js";
import { createStatusCache } from "./cache/status-cache.js";
import { createStatusCacheLedger } from "./cache/status-cache-ledger.js";
import { createTrackingCache } from "./cache/tracking-cache.js";
import { createTrackingLoader } from "./cache/tracking-loader.js";
import { createUpstream } from "./compose/upstream.js";
import type { Config } from "./config.js";
import { CARRIER_SEED } from "./domain/carriers/seed.js";
import { createLogger } from "./logger.js";
import { createCacheService } from "./rpc/cache-service.js";
import { createCarrierService } from "./rpc/carrier-service.js";
import { createSyncService } from "./rpc/sync-service.js";
import { createTrackingService } from "./rpc/tracking-service.js";
import { startDependencyProbes } from "./server/dependency-probe.js";
import { createHealthRegistry } from "./server/health.js";
import { createHttpHandler } from "./server/http-handler.js";
import { createInterceptors } from "./server/interceptors.js";
import { createListener } from "./server/listener.js";
import { registerReflection } from "./server/reflection.js";
import { createTrack17Webhook } from "./server/webhook-17track.js";
import { createCarrierRepo } from "./store/carrier-repo.js";
import { migrateUp } from "./store/migrator.js";
import { applyCarrierSeed } from "./store/seed-carriers.js";
import { createSequelize } from "./store/sequelize.js";
import { createTrackingReads } from "./store/tracking-reads.js";
import { createWatchReads } from "./store/watch-reads.js";
import { createSyncEngine } from "./sync/engine.js";
import { createScheduler } from "./sync/scheduler.js";
import { CHANGES_REDIS_CHANNEL, createChangePublisher } from "./tracking/change-publisher.js";
import { createTrackingCommands } from "./tracking/commands.js";
import { createIngest } from "./tracking/ingest.js";
import { createPushInbox } from "./tracking/push-inbox.js";
import { createRegistration } from "./tracking/register.js";
import { createRegistrar } from "./tracking/registrar.js";
import { createWatchHub } from "./tracking/watch-hub.js";

export const API_SERVICES: readonly DescService[] = [TrackingService, SyncService, CacheService, CarrierService];

export interface App {
  start(): Promise<{ port: number }>;
  /** Idempotent, ordered, each step isolated: health off, stop accepting, let calls finish, end streams, close pools. */
  stop(reason?: string): Promise<void>;
  readonly logger: Logger;
}

export function createApp(config: Config, opts: { logger?: Logger } = {}): App {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const shutdown = new AbortController();
  const serviceNames = API_SERVICES.map((s) => s.typeName);
  const health = createHealthRegistry(serviceNames);
  const sequelize = createSequelize({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax });
  const redis = createRedis({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, logger });
  const carriers = createCarrierRepo(sequelize);
  const upstream = createUpstream(config, { sequelize, logger });
  const ingest = createIngest({ sequelize, logger });
  const reads = createTrackingReads(sequelize);
  const registration = createRegistration({ sequelize });
  const registrar = createRegistrar({ sequelize, register: (items) => upstream.quota.register(items), logger });
  const inbox = createPushInbox({ sequelize, ingest, logger });
  const commands = createTrackingCommands({ sequelize, client: upstream.client, ingest });
  // Cache (issue #6): the status_cache ledger observes the cache, the tracking cache reads through it, and the change
  // publisher below marks changed shipments stale after each commit (trackingCache.onChanges).
  const ledger = createStatusCacheLedger({ sequelize, logger, flushIntervalMs: config.cacheLedgerFlushMs });
  const cache = createStatusCache({ redis, observer: ledger, logger, timeoutMs: config.cacheTimeoutMs });
  const cacheLoader = createTrackingLoader({ sequelize, reads });
  const trackingCache = createTrackingCache({
    cache,
    redis,
    loader: cacheLoader,
    ledger,
    logger,
    defaultStrategy: config.cacheDefaultStrategy,
    fixedTtlSeconds: config.cacheFixedTtlSeconds,
    timeoutMs: config.cacheTimeoutMs,
  });
  // Committed changes → (cache refresh, Redis channel) → every process's watch hub → its Watch streams. Pub/sub
  // channels are not key-prefixed by ioredis, so the deployment prefix is put in the channel name.
  const changesChannel = `${config.redisKeyPrefix}${CHANGES_REDIS_CHANNEL}`;
  const publisher = createChangePublisher({
    sequelize,
    databaseUrl: config.databaseUrl,
    handlers: [trackingCache.onChanges],
    redis,
    redisChannel: changesChannel,
    pollMs: config.changeFeedPollMs,
    retentionDays: config.changeFeedRetentionDays,
    logger: logger.child({ component: "change-publisher" }),
  });
  const hub = createWatchHub({ subscriber: redis.duplicate(), channel: changesChannel, logger });
  const scheduler = createScheduler({
    backend: config.agendaBackend,
    databaseUrl: config.databaseUrl,
    mongodbUrl: config.mongodbUrl || undefined,
    processEveryMs: config.agendaProcessEveryMs,
    logger: logger.child({ component: "agenda" }),
  });
  const sync = createSyncEngine({
    sequelize,
    client: upstream.client,
    limiter: upstream.limiter,
    ingest,
    logger: logger.child({ component: "sync" }),
    scheduler,
    concurrency: config.syncConcurrency,
    batchSize: config.syncBatchSize,
    ingestConcurrency: config.syncIngestConcurrency,
    leaseMs: config.syncLeaseMs,
    dispatchEveryMs: config.syncDispatchEveryMs,
    limits: { perSecond: config.track17RatePerSecond, perMinute: config.track17RatePerMinute },
    // Registration at 17TRACK rides the same Agenda schedule (cluster-wide), besides the registrar's own kicks.
    recurring: [{ name: "tracking-register", everyMs: 5_000, run: () => registrar.kick() }],
  });

  const routes = (router: ConnectRouter) => {
    router.service(Health, health.impl);
    router.service(CarrierService, createCarrierService({ carriers }));
    router.service(
      TrackingService,
      createTrackingService({
        sequelize,
        reads,
        trackingCache,
        registration,
        commands,
        hub,
        watchReads: createWatchReads(sequelize),
        onRegistered: () => void registrar.kick(),
      }),
    );
    router.service(SyncService, createSyncService({ engine: sync }));
    router.service(
      CacheService,
      createCacheService({
        sequelize,
        cache,
        trackingCache,
        loader: cacheLoader,
        defaultStrategy: config.cacheDefaultStrategy,
      }),
    );
    registerReflection(router, [...API_SERVICES, Health]);
  };

  const listener = createListener(
    createHttpHandler({
      routes,
      interceptors: createInterceptors(logger),
      plainRoutes: { "/webhooks/17track": createTrack17Webhook({ apiKey: upstream.apiKey, inbox }) },
      corsOrigins: config.corsOrigins,
      shutdownSignal: shutdown.signal,
      onPlainRouteError: (err, path) => logger.error({ err, path }, "http route failed"),
    }),
  );

  let probes: ReturnType<typeof startDependencyProbes> | undefined;
  // Carrier statistics: avg_delivery_days follows our own deliveries (one statement for all carriers).
  let averages: NodeJS.Timeout | undefined;
  const refreshAverages = () =>
    carriers.refreshAverages().catch((err: unknown) => logger.warn({ err }, "carrier averages not refreshed"));
  let stopping: Promise<void> | undefined;

  async function start() {
    if (config.migrateOnStart) await migrateUp({ databaseUrl: config.databaseUrl, logger });
    await sequelize.authenticate();
    await applyCarrierSeed(sequelize, CARRIER_SEED);
    await redis.connect().catch((err: unknown) => {
      // Redis is a cache and a coordinator, not the system of record: start degraded and let health say so.
      logger.warn({ err: (err as Error).message }, "redis unreachable at start-up; continuing degraded");
    });
    probes = startDependencyProbes({
      probes: [
        { name: "postgres", check: () => sequelize.query("SELECT 1").then(() => undefined) },
        {
          name: "redis",
          check: () => redis.ping().then(() => undefined),
          // Degraded, not down: reads fall through to Postgres (the cache never fails an RPC).
          services: [CacheService.typeName],
        },
      ],
      health,
      services: serviceNames,
      intervalMs: config.healthProbeMs,
      timeoutMs: Math.min(1_000, config.healthProbeMs),
      logger,
    });
    await probes.runOnce();
    await upstream.start();
    await sync.start();
    await hub.start();
    await publisher.start();
    registrar.start();
    inbox.start();
    void refreshAverages();
    averages = setInterval(refreshAverages, 10 * 60_000).unref();
    const port = await listener.listen(config.port, config.host);
    upstream.pointSandboxAt(`http://127.0.0.1:${port}/webhooks/17track`);
    logger.info({ port, host: config.host }, "waybill monitor listening");
    return { port };
  }

  async function step(name: string, fn: () => unknown) {
    try {
      await fn();
    } catch (err) {
      logger.error({ err, step: name }, "shutdown step failed");
    }
  }

  function stop(reason = "stop requested") {
    stopping ??= (async () => {
      logger.info({ reason }, "shutting down");
      await step("health", () => health.shutdown());
      await step("probes", () => probes?.stop());
      // In-flight calls get the grace period; streams are then told to end, then stragglers are cut.
      const drained = listener.stopAccepting();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref());
      await step("drain", () => Promise.race([drained, grace]));
      await step("streams", () => shutdown.abort());
      await step("drain-after-abort", () =>
        Promise.race([drained, new Promise<void>((r) => setTimeout(r, 1_000).unref())]),
      );
      await step("connections", () => listener.destroyAll());
      clearInterval(averages);
      await step("sync", () => sync.stop());
      await step("change-publisher", () => publisher.stop());
      await step("watch-hub", () => hub.stop());
      await step("registrar", () => registrar.stop());
      await step("push-inbox", () => inbox.stop());
      await step("upstream", () => upstream.stop());
      await step("cache-ledger", () => ledger.close());
      await step("redis", () => redis.quit().catch(() => redis.disconnect()));
      await step("postgres", () => sequelize.close());
      logger.info("shut down");
    })();
    return stopping;
  }

  return { start, stop, logger };
}
