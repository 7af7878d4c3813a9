// Starts the real app (the composition root production runs) on port 0 with its own database and Redis prefix.
import { pino } from "pino";
import { type App, createApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config.js";
import { createTestDatabase } from "./db.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from "./redis.js";

export interface TestApp {
  app: App;
  port: number;
  baseUrl: string;
  config: Config;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  stop(): Promise<void>;
}

export async function startTestApp(suite: string, env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase(suite);
  const prefix = uniquePrefix(suite);
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SHUTDOWN_GRACE_MS: "500",
    HEALTH_PROBE_MS: "200",
    ...env,
  });
  const app = createApp(config, { logger: pino({ level: config.logLevel }) });
  const { port } = await app.start();
  return {
    app,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    db,
    async stop() {
      await app.stop("test done");
      await db.drop();
      await deleteKeysWithPrefix(prefix);
    },
  };
}

/** Points the app's 17TRACK client at a simulator, with a limiter loose enough that it never slows a suite down. */
export function simulatorEnv(simUrl: string, apiKey: string): Record<string, string> {
  return {
    TRACK17_API_KEY: apiKey,
    TRACK17_BASE_URL: `${simUrl}/track/v2.2`,
    TRACK17_RATE_PER_SECOND: "20",
    TRACK17_RATE_PER_MINUTE: "1000",
  };
}
