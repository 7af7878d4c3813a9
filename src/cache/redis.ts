// One ioredis client per process. Commands fail fast while Redis is down (no offline queue piling up), so callers
// can fall back to Postgres; the client keeps reconnecting in the background.
import { Redis } from "ioredis";
import type { Logger } from "pino";

export function createRedis(opts: { url: string; keyPrefix: string; logger: Logger; name?: string }): Redis {
  const client = new Redis(opts.url, {
    keyPrefix: opts.keyPrefix || undefined,
    connectionName: opts.name ?? "waybill-monitor",
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
  });
  let lastError = "";
  client.on("error", (err: Error) => {
    // Reconnect attempts repeat the same error; log each distinct one once.
    if (err.message !== lastError) opts.logger.warn({ err: err.message }, "redis error");
    lastError = err.message;
  });
  client.on("ready", () => {
    if (lastError) opts.logger.info("redis reconnected");
    lastError = "";
  });
  return client;
}
