// Agenda 6 as the scheduler (DESIGN "Scheduling"): Postgres backend (LISTEN/NOTIFY, table from migrations/0005,
// ensureSchema off) or MongoDB by configuration. Agenda's constructor connects at once and an unreachable database
// is an unhandled rejection that kills the process (stack.md §0.5c), so start() proves the database reachable first.
import { Agenda, type Job } from "agenda";
import pg from "pg";

export type AgendaBackendKind = "postgres" | "mongodb";

export interface SchedulerOptions {
  backend: AgendaBackendKind;
  /** Postgres URL (the service's database). */
  databaseUrl: string;
  /** Required when backend = mongodb. */
  mongodbUrl?: string;
  /** How often Agenda scans for due jobs; also the shortest useful repeat interval (stack.md §5). Default 1000 ms. */
  processEveryMs?: number;
  /**
   * Agenda's lock lifetime for a running job (a dead worker's job is retried after it). Our recurring jobs only start
   * work and return, so it is short: Agenda also keeps an un-unref'd watchdog timer of half this per run, which holds
   * the process open that long after stop(). Default 10 000 ms.
   */
  lockLifetimeMs?: number;
  name?: string;
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface RecurringJob {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

export interface Scheduler {
  start(jobs: readonly RecurringJob[]): Promise<void>;
  /** Stops polling, unlocks this process's jobs for other replicas, closes the backend's connections. Idempotent. */
  stop(): Promise<void>;
}

async function assertPostgresReachable(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1 FROM agenda_jobs LIMIT 0");
  } finally {
    await client.end().catch(() => {});
  }
}

async function createBackend(opts: SchedulerOptions) {
  if (opts.backend === "mongodb") {
    // Kept small on purpose: MongoDB cannot be tested on this machine (stack.md §0.9). Connect and ping first,
    // then hand Agenda the connected Db so its constructor has nothing left to fail on.
    if (!opts.mongodbUrl) throw new Error("AGENDA_BACKEND=mongodb needs MONGODB_URL");
    const [{ MongoClient }, { MongoBackend }] = await Promise.all([
      import("mongodb"),
      import("@agendajs/mongo-backend"),
    ]);
    const client = new MongoClient(opts.mongodbUrl, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    const db = client.db();
    await db.command({ ping: 1 });
    return { backend: new MongoBackend({ mongo: db }), close: () => client.close() };
  }
  await assertPostgresReachable(opts.databaseUrl);
  const { PostgresBackend } = await import("@agendajs/postgres-backend");
  // A small pool of our own (LISTEN holds one connection for good, stack.md §5), ended by us on stop: left to
  // Agenda, idle clients kept the process alive for pg's 30 s idle timeout after shutdown.
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
  pool.on("error", (err) => opts.logger.error({ err }, "agenda postgres pool error"));
  return {
    backend: new PostgresBackend({ pool, ensureSchema: false }),
    close: () => pool.end(),
  };
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  let agenda: Agenda | undefined;
  let closeBackend: (() => Promise<void>) | undefined;
  let stopping: Promise<void> | undefined;

  return {
    async start(jobs) {
      const { backend, close } = await createBackend(opts);
      closeBackend = close;
      agenda = new Agenda({
        backend,
        name: opts.name,
        processEvery: opts.processEveryMs ?? 1000,
        defaultLockLifetime: opts.lockLifetimeMs ?? 10_000,
      });
      agenda.on("error", (err: unknown) => opts.logger.error({ err }, "agenda error"));
      for (const job of jobs) {
        // concurrency 1 + Agenda's lock: one replica runs each recurring job at a time.
        agenda.define(
          job.name,
          async (_job: Job) => {
            await job.run();
          },
          { concurrency: 1 },
        );
      }
      await agenda.ready;
      await agenda.start();
      for (const job of jobs) await agenda.every(job.everyMs, job.name, undefined, { skipImmediate: false });
      opts.logger.info({ backend: opts.backend, jobs: jobs.map((j) => j.name) }, "scheduler started");
    },
    stop() {
      stopping ??= (async () => {
        if (agenda) await agenda.stop();
        if (closeBackend) await closeBackend();
      })();
      return stopping;
    },
  };
}
