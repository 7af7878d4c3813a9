// Multi-replica safety (issue 5 "Done when"): two dispatchers on one Postgres and Redis never sync a record twice and
// together stay within the 17TRACK limit; a worker killed with SIGKILL mid-batch loses nothing; Agenda on the
// Postgres backend drives the dispatcher and refuses to start on an unreachable database instead of crashing.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { withDatabase } from "../../src/store/database-url.js";
import { createSequelize } from "../../src/store/sequelize.js";
import { createScheduler } from "../../src/sync/scheduler.js";
import { TEST_REDIS_URL } from "../support/redis.js";
import { createSyncWorld, jobCounts, type SyncWorld, silent, waitFor } from "./sync-fixtures.js";

const RATE = 4;
let w: SyncWorld;
const extraPools: { close(): Promise<void> }[] = [];
const children: ChildProcess[] = [];

test.before(async () => {
  w = await createSyncWorld("sync_replicas", { ratePerSecond: RATE });
});
test.after.each(async () => {
  await w.stopEngines();
});
test.after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const p of extraPools) await p.close();
  await w.close();
});

const perRecord = (ids: string[]) =>
  w.db.sequelize.query<{ tracking_id: string; completed: string; other: string }>(
    `SELECT tracking_id, count(*) FILTER (WHERE job_status = 'COMPLETED') AS completed,
       count(*) FILTER (WHERE job_status NOT IN ('COMPLETED', 'CANCELLED')) AS other
     FROM sync_jobs WHERE tracking_id = ANY($1::uuid[]) GROUP BY 1`,
    { type: QueryTypes.SELECT, bind: [ids] },
  );

test("two dispatchers on one database sync every record exactly once and stay within the limit", async () => {
  const ids = await w.addShipments(320);
  const before = await w.counters();
  const second = createSequelize({ databaseUrl: w.db.databaseUrl, poolMax: 5 });
  extraPools.push(second);
  // Same limiter id, separate Redis connections: one cluster-wide budget of RATE calls per second.
  const a = w.newEngine({ concurrency: 2, limiter: w.newLimiter(RATE, RATE * 60) });
  const b = w.newEngine({ concurrency: 2, limiter: w.newLimiter(RATE, RATE * 60), sequelize: second });
  a.dispatcher.start();
  b.dispatcher.start();
  await waitFor("320 completed", async () => (await jobCounts(w.db.sequelize, ids)).COMPLETED === 320, 20_000);
  const rows = await perRecord(ids);
  assert.is(rows.length, 320);
  assert.ok(
    rows.every((r) => Number(r.completed) === 1 && Number(r.other) === 0),
    "exactly one completed job per record",
  );
  assert.is((await jobCounts(w.db.sequelize, ids)).CANCELLED, undefined, "no lease was lost");
  const after = await w.counters();
  assert.is((after.calls.gettrackinfo ?? 0) - (before.calls.gettrackinfo ?? 0), 8, "320 numbers in 8 calls");
  assert.is(after.http429 - before.http429, 0, "the simulator's 4/s limit was never hit");
  assert.ok(a.metrics.counters.claimed > 0 && b.metrics.counters.claimed > 0, "both replicas worked");
  assert.is(a.metrics.counters.claimed + b.metrics.counters.claimed, 320);
});

test("a worker killed with SIGKILL mid-batch loses nothing: its leases expire and another worker finishes", async () => {
  const ids = await w.addShipments(40);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./sync-crash-child.ts", import.meta.url))],
    {
      env: {
        ...process.env,
        SYNC_CHILD_DATABASE_URL: w.db.databaseUrl,
        SYNC_CHILD_REDIS_URL: TEST_REDIS_URL,
        SYNC_CHILD_LIMITER_ID: w.limiterId,
        SYNC_CHILD_SIM_URL: `${w.simUrl}/track/v2.2`,
        SYNC_CHILD_LEASE_MS: "1500",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  await waitFor("the child synced a few", async () => ((await jobCounts(w.db.sequelize, ids)).COMPLETED ?? 0) >= 3);
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const atKill = await jobCounts(w.db.sequelize, ids);
  assert.ok((atKill.RUNNING ?? 0) > 0, "the kill left a batch half done");
  const done = atKill.COMPLETED ?? 0;

  const engine = w.newEngine();
  engine.dispatcher.start();
  await waitFor("every record completed", async () => (await jobCounts(w.db.sequelize, ids)).COMPLETED === 40);
  const rows = await perRecord(ids);
  assert.ok(
    rows.every((r) => Number(r.completed) === 1 && Number(r.other) === 0),
    "each record completed once",
  );
  const cancelled = await w.db.sequelize.query<{ error_code: string }>(
    "SELECT error_code FROM sync_jobs WHERE tracking_id = ANY($1::uuid[]) AND job_status = 'CANCELLED'",
    { type: QueryTypes.SELECT, bind: [ids] },
  );
  assert.is(cancelled.length, 40 - done, "the dead worker's unfinished jobs were closed");
  assert.ok(cancelled.every((c) => c.error_code === "LEASE_EXPIRED"));
});

test("Agenda on the Postgres backend runs the recurring dispatch job, which syncs due records", async () => {
  const scheduler = createScheduler({
    backend: "postgres",
    databaseUrl: w.db.databaseUrl,
    processEveryMs: 200,
    lockLifetimeMs: 2000,
    logger: silent,
  });
  // The in-process loop would do the work on its own; a long poll leaves it to the Agenda job.
  const engine = w.newEngine({ scheduler, dispatchEveryMs: 300, pollMs: 60_000 });
  await engine.start();
  const ids = await w.addShipments(3);
  await waitFor("synced through the Agenda job", async () => (await jobCounts(w.db.sequelize, ids)).COMPLETED === 3);
  const [job] = await w.db.sequelize.query<{ last_run_at: Date | null }>(
    "SELECT last_run_at FROM agenda_jobs WHERE name = 'sync-dispatch'",
    { type: QueryTypes.SELECT },
  );
  assert.ok(job?.last_run_at, "the recurring job ran");
  await engine.stop();
});

test("the scheduler refuses to start when Postgres is unreachable (no unhandled rejection)", async () => {
  const scheduler = createScheduler({
    backend: "postgres",
    databaseUrl: withDatabase(w.db.databaseUrl, "waybill_no_such_database"),
    logger: silent,
  });
  let failed = false;
  await scheduler.start([]).catch(() => {
    failed = true;
  });
  assert.ok(failed);
  await scheduler.stop();
});

test.run();
