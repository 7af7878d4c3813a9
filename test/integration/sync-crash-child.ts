// A sync worker run as its own process by sync-replicas.test.ts, which kills it with SIGKILL in the middle of a batch.
// Ingest is slowed down so the kill lands between shipments of one batch. Not a test file itself.
import { Redis } from "ioredis";
import { createSequelize } from "../../src/store/sequelize.js";
import { createSyncEngine } from "../../src/sync/engine.js";
import { createIngest } from "../../src/tracking/ingest.js";
import type { Ingest } from "../../src/tracking/ingest-port.js";
import { createTrack17Client } from "../../src/upstream/client.js";
import { createTrack17Limiter } from "../../src/upstream/limiter.js";
import { silent } from "./sync-fixtures.js";

// Does nothing when loaded by a test runner's file glob; the parent test passes these variables.
if (process.env.SYNC_CHILD_DATABASE_URL) {
  const env = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  const sequelize = createSequelize({ databaseUrl: env("SYNC_CHILD_DATABASE_URL"), poolMax: 3 });
  const limiter = createTrack17Limiter({
    redis: new Redis(env("SYNC_CHILD_REDIS_URL")),
    id: env("SYNC_CHILD_LIMITER_ID"),
    perSecond: 20,
    perMinute: 1200,
  });
  const real = createIngest({ sequelize, logger: silent });
  const slow: Ingest = {
    async ingest(input, t) {
      await new Promise((r) => setTimeout(r, 100));
      return real.ingest(input, t);
    },
  };
  const engine = createSyncEngine({
    sequelize,
    client: createTrack17Client({ baseUrl: env("SYNC_CHILD_SIM_URL"), apiKey: "sandbox-key", limiter }),
    limiter,
    ingest: slow,
    logger: silent,
    scheduler: null,
    concurrency: 1,
    leaseMs: Number(env("SYNC_CHILD_LEASE_MS")),
  });
  await engine.start();
  process.stdout.write("started\n");
}
