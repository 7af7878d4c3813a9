// Shared set-up of the sync-engine suites: a database of their own, the simulator over HTTP, a Redis-clustered limiter
// with a unique id, the real ingest, and helpers to create due shipments. Not a test file itself.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { pino } from "pino";
import { QueryTypes, type Sequelize } from "sequelize";
import { createSimulator, type Simulator } from "../../src/simulator/index.js";
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from "../../src/sync/engine.js";
import { createIngest } from "../../src/tracking/ingest.js";
import { createTrack17Client, type Track17Client } from "../../src/upstream/client.js";
import { createTrack17Limiter, limiterKeys, type Track17Limiter } from "../../src/upstream/limiter.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { TEST_REDIS_URL } from "../support/redis.js";

export const CARRIER_KEY = 3011;
export const silent = pino({ level: "silent" });

export interface SyncWorld {
  db: TestDatabase;
  sim: Simulator;
  simUrl: string;
  carrierId: number;
  limiterId: string;
  newLimiter(perSecond?: number, perMinute?: number): Track17Limiter;
  newClient(limiter?: Track17Limiter, retryAttempts?: number): Track17Client;
  newEngine(over?: Partial<SyncEngineOptions> & { sequelize?: Sequelize }): SyncEngine;
  /** Registers numbers at the simulator and inserts ACCEPTED records due at `dueAt`; returns tracking ids. */
  addShipments(count: number, dueAt?: Date, extra?: { priority?: number }): Promise<string[]>;
  counters(): Promise<{ calls: Record<string, number>; http429: number }>;
  control(path: string, body?: unknown, method?: string): Promise<unknown>;
  /** Stops every engine created so far (after each test, so a failed test cannot leak a running dispatcher). */
  stopEngines(): Promise<void>;
  close(): Promise<void>;
}

export async function createSyncWorld(suite: string, opts: { ratePerSecond?: number } = {}): Promise<SyncWorld> {
  const rate = opts.ratePerSecond ?? 20;
  const db = await createTestDatabase(suite);
  const sim = createSimulator({ ratePerSecond: rate, quotaTotal: 100_000 });
  const simUrl = await sim.listen();
  const redisClients: Redis[] = [];
  const limiters: Track17Limiter[] = [];
  const engines: SyncEngine[] = [];
  const limiterId = `test-${suite}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const [carrier] = await db.sequelize.query<{ carrier_id: number }>(
    `INSERT INTO carriers (carrier_code, carrier_name, track17_key) VALUES ('sync-test-post', 'Sync Test Post', $1)
     RETURNING carrier_id`,
    { type: QueryTypes.SELECT, bind: [CARRIER_KEY] },
  );
  const carrierId = (carrier as { carrier_id: number }).carrier_id;
  let seq = 0;

  const world: SyncWorld = {
    db,
    sim,
    simUrl,
    carrierId,
    limiterId,
    newLimiter(perSecond = rate, perMinute = rate * 60) {
      const redis = new Redis(TEST_REDIS_URL);
      redisClients.push(redis);
      const l = createTrack17Limiter({ redis, id: limiterId, perSecond, perMinute });
      limiters.push(l);
      return l;
    },
    newClient(limiter, retryAttempts = 2) {
      return createTrack17Client({
        baseUrl: `${simUrl}/track/v2.2`,
        apiKey: "sandbox-key",
        limiter: limiter ?? world.newLimiter(),
        timeoutMs: 5000,
        retry: { maxAttempts: retryAttempts, initialDelayMs: 10, maxDelayMs: 50 },
        breaker: { consecutiveFailures: 1000, halfOpenAfterMs: 1000 },
      });
    },
    newEngine(over = {}) {
      const limiter = over.limiter ?? world.newLimiter();
      const sequelize = over.sequelize ?? db.sequelize;
      const engine = createSyncEngine({
        sequelize,
        client: over.client ?? world.newClient(limiter as Track17Limiter),
        limiter,
        ingest: createIngest({ sequelize, logger: silent }),
        logger: silent,
        scheduler: null,
        pollMs: 500,
        retryJitter: 0,
        ruleCacheMs: 0,
        ...over,
      });
      engines.push(engine);
      return engine;
    },
    async addShipments(count, dueAt = new Date(Date.now() - 1000), extra = {}) {
      const numbers = Array.from(
        { length: count },
        () => `SY${String(seq++).padStart(6, "0")}${randomBytes(2).toString("hex").toUpperCase()}CN`,
      );
      const reg = world.newClient(world.newLimiter());
      const res = await reg.register(numbers.map((number) => ({ number, carrier: CARRIER_KEY })));
      if (res.rejected.length > 0) throw new Error(`simulator rejected ${res.rejected.length} registrations`);
      const rows = await db.sequelize.query<{ tracking_id: string }>(
        `INSERT INTO tracking_records (tracking_number, carrier_id, current_status, registration_state,
           track17_carrier_key, registered_at, next_sync_at, auto_refresh_enabled, priority)
         SELECT n, $2, 'NOT_FOUND', 'ACCEPTED', $3, now(), $4, true, $5 FROM unnest($1::text[]) AS n
         RETURNING tracking_id`,
        {
          type: QueryTypes.SELECT,
          bind: [numbers, carrierId, CARRIER_KEY, dueAt.toISOString(), extra.priority ?? 5],
        },
      );
      return rows.map((r) => r.tracking_id);
    },
    async control(path, body, method) {
      const res = await fetch(`${simUrl}/_sim/${path}`, {
        method: method ?? (body === undefined ? "GET" : "POST"),
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json();
    },
    counters: () => world.control("counters") as Promise<{ calls: Record<string, number>; http429: number }>,
    async stopEngines() {
      for (const e of engines.splice(0)) await e.stop();
    },
    async close() {
      await world.stopEngines();
      for (const l of limiters) await l.stop();
      const admin = redisClients[0];
      if (admin) await admin.del(...limiterKeys(limiterId)).catch(() => {});
      for (const r of redisClients) await r.quit().catch(() => r.disconnect());
      await sim.close();
      await db.drop();
    },
  };
  return world;
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function jobCounts(sequelize: Sequelize, ids?: string[]): Promise<Record<string, number>> {
  const rows = await sequelize.query<{ job_status: string; n: string }>(
    `SELECT job_status, count(*) AS n FROM sync_jobs ${ids ? "WHERE tracking_id = ANY($1::uuid[])" : ""} GROUP BY 1`,
    { type: QueryTypes.SELECT, bind: ids ? [ids] : [] },
  );
  return Object.fromEntries(rows.map((r) => [r.job_status, Number(r.n)]));
}
