// Builds the 17TRACK side for the composition root: in sandbox mode (no API key) the built-in simulator, started on
// loopback and reached over real HTTP; then the cluster-wide limiter, the audited client and the quota guard.
import { createHash, randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Sequelize } from "sequelize";
import type { Config } from "../config.js";
import { createDefaultSimulator } from "../simulator/defaults.js";
import type { Simulator } from "../simulator/index.js";
import { createPostgresAuditSink } from "../store/audit-sink.js";
import { createQuotaGuard, createTrack17Client, createTrack17Limiter } from "../upstream/index.js";

export interface Upstream {
  readonly apiKey: string;
  readonly sandbox: Simulator | undefined;
  readonly client: ReturnType<typeof createTrack17Client>;
  readonly limiter: ReturnType<typeof createTrack17Limiter>;
  readonly quota: ReturnType<typeof createQuotaGuard>;
  /** Starts the simulator (sandbox) and the quota guard. */
  start(): Promise<void>;
  /** Tells the sandbox simulator where to push (our own webhook, once our port is known). */
  pointSandboxAt(webhookUrl: string): void;
  stop(): Promise<void>;
}

export function createUpstream(config: Config, deps: { sequelize: Sequelize; logger: Logger }): Upstream {
  const logger = deps.logger.child({ component: "17track" });
  const sandbox = config.track17ApiKey === "";
  // A fresh key per sandbox run: the simulator signs pushes with it and our webhook verifies with it.
  const apiKey = sandbox ? `sandbox-${randomBytes(12).toString("hex")}` : config.track17ApiKey;
  const simulator = sandbox
    ? createDefaultSimulator({ apiKey, ratePerSecond: config.track17RatePerSecond })
    : undefined;
  let baseUrl = config.track17BaseUrl;
  // Bottleneck drives its own connections and key names (its Lua scripts and pub/sub channels ignore ioredis's
  // keyPrefix), so it gets a plain eager client and the deployment prefix goes into its id instead.
  const limiterRedis = new Redis(config.redisUrl, { connectionName: "waybill-limiter" });
  limiterRedis.on("error", (err) => logger.debug({ err: err.message }, "limiter redis error"));
  const limiter = createTrack17Limiter({
    redis: limiterRedis,
    // One budget per 17TRACK account, shared by every replica that uses the same key (the key itself never leaves).
    id: `${config.redisKeyPrefix}track17:${createHash("sha256").update(apiKey).digest("hex").slice(0, 16)}`,
    perSecond: config.track17RatePerSecond,
    perMinute: config.track17RatePerMinute,
    // 10 % between call starts rather than the library's 3 %: 17TRACK counts arrivals, and on a busy host one request
    // can leave late and the next on time, landing four inside one second (seen as a rare 429 under full test load).
    spacingMargin: 0.1,
    logger,
  });
  const audit = createPostgresAuditSink({ sequelize: deps.sequelize, logger });
  const client = createTrack17Client({
    baseUrl: () => baseUrl,
    apiKey,
    limiter,
    audit,
    timeoutMs: config.track17TimeoutMs,
    logger,
  });
  const quota = createQuotaGuard({ client, refreshMs: config.track17QuotaRefreshMs, logger });

  return {
    apiKey,
    sandbox: simulator,
    client,
    limiter,
    quota,
    async start() {
      if (simulator) {
        const url = await simulator.listen(config.simulatorPort, "127.0.0.1");
        baseUrl = `${url}/track/v2.2`;
        logger.warn(
          { simulator: baseUrl },
          "SANDBOX MODE: TRACK17_API_KEY is not set, so the built-in 17TRACK simulator answers every 17TRACK call; no real carrier data. Set TRACK17_API_KEY to track real parcels.",
        );
      }
      // Not awaited: a slow or unreachable upstream must not hold up start-up; the guard logs what it could not read.
      void quota.start();
    },
    pointSandboxAt(webhookUrl) {
      simulator?.setWebhookUrl(webhookUrl);
    },
    async stop() {
      quota.stop();
      await limiter.stop();
      await limiterRedis.quit().catch(() => limiterRedis.disconnect());
      await audit.close();
      await simulator?.close();
    },
  };
}
