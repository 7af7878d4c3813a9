// The sync engine assembled (PRD §3.4): rules, dispatcher, batch runner, scheduler and the operations behind
// SyncService. The composition root builds one per process and calls start() once Postgres is reachable.
import type { Sequelize } from "sequelize";
import type { Ingest } from "../tracking/ingest-port.js";
import type { Track17Client } from "../upstream/client.js";
import type { LimiterUsage, Track17Limiter } from "../upstream/limiter.js";
import { createBatchRunner } from "./batch-runner.js";
import type { ClaimedJob } from "./claim.js";
import { createDispatcher, type Dispatcher } from "./dispatcher.js";
import type { DelayPolicy } from "./failure.js";
import { claimForExecution, retryJob, scheduleSync } from "./job-ops.js";
import {
  getJob,
  type JobFilter,
  listJobs,
  purgeDeadLetters,
  type SyncJobView,
  type SyncStatistics,
  statistics,
} from "./job-queries.js";
import { createSyncMetrics, type SyncMetrics } from "./metrics.js";
import { rescheduleMatching } from "./reschedule.js";
import { createRuleStore, type RuleInput, type RuleStore, type StoredRule } from "./rule-store.js";
import type { RecurringJob, Scheduler } from "./scheduler.js";

export interface SyncLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SyncEngineOptions {
  sequelize: Sequelize;
  client: Pick<Track17Client, "getTrackInfo">;
  limiter: Pick<Track17Limiter, "usage" | "settings">;
  ingest: Ingest;
  logger: SyncLogger;
  /** Agenda; null runs the in-process dispatcher only (tests, tools). */
  scheduler: Scheduler | null;
  /** More recurring jobs for the same scheduler (e.g. the registrar's kick, so registration runs on Agenda too). */
  recurring?: readonly RecurringJob[];
  /** Batches in flight per process (SYNC_CONCURRENCY). Default 10. */
  concurrency?: number;
  /** Numbers per gettrackinfo call, ≤ 40 (SYNC_BATCH_SIZE). Default 40. */
  batchSize?: number;
  /** Claim lease (SYNC_LEASE_MS). Default 300 000. */
  leaseMs?: number;
  /** Longest in-process sleep between claims. Default 5000. */
  pollMs?: number;
  /** Interval of the recurring Agenda dispatch job (SYNC_DISPATCH_EVERY_MS). Default 5000. */
  dispatchEveryMs?: number;
  /** Configured 17TRACK limits, reported by GetSyncStatistics. */
  limits?: { perSecond: number; perMinute: number };
  delays?: DelayPolicy;
  retryJitter?: number;
  /** Shipments of one batch ingested in parallel (SYNC_INGEST_CONCURRENCY). Default 2. */
  ingestConcurrency?: number;
  ruleCacheMs?: number;
  metrics?: SyncMetrics;
  now?: () => Date;
}

export interface LimiterReport extends LimiterUsage {
  perSecond: number;
  perMinute: number;
}

export interface SyncEngine {
  readonly dispatcher: Dispatcher;
  readonly metrics: SyncMetrics;
  readonly rules: RuleStore;
  start(): Promise<void>;
  stop(): Promise<void>;
  scheduleSync(trackingId: string, at: Date | undefined, priority: number | undefined): Promise<SyncJobView>;
  executeJob(jobId: string): Promise<SyncJobView>;
  retryJob(jobId: string): Promise<SyncJobView>;
  listJobs(filter: JobFilter): Promise<SyncJobView[]>;
  statistics(since: Date): Promise<SyncStatistics & { limiter: LimiterReport }>;
  listRules(includeInactive: boolean): Promise<StoredRule[]>;
  upsertRule(input: RuleInput): Promise<{ rule: StoredRule; created: boolean; rescheduled: number }>;
  deleteRule(ruleName: string): Promise<{ ruleName: string; rescheduled: number }>;
}

export function createSyncEngine(opts: SyncEngineOptions): SyncEngine {
  const { sequelize, logger } = opts;
  const now = opts.now ?? (() => new Date());
  const leaseMs = opts.leaseMs ?? 300_000;
  const metrics = opts.metrics ?? createSyncMetrics();
  const rules = createRuleStore({ sequelize, cacheMs: opts.ruleCacheMs });
  const activeRules = () => rules.active();
  const runBatch = createBatchRunner({
    sequelize,
    client: opts.client,
    ingest: opts.ingest,
    metrics,
    logger,
    rules: activeRules,
    delays: opts.delays,
    retryJitter: opts.retryJitter,
    ingestConcurrency: opts.ingestConcurrency,
    now,
  });
  const dispatcher = createDispatcher({
    sequelize,
    runBatch,
    rules: activeRules,
    metrics,
    logger,
    concurrency: opts.concurrency,
    batchSize: opts.batchSize,
    leaseMs,
    pollMs: opts.pollMs,
    now,
  });
  const ops = { sequelize, rules: activeRules, leaseMs };

  const mustGet = async (jobId: string) => {
    const job = await getJob(sequelize, jobId);
    if (!job) throw new Error(`sync job ${jobId} vanished`);
    return job;
  };

  let stopping: Promise<void> | undefined;

  return {
    dispatcher,
    metrics,
    rules,
    async start() {
      await opts.scheduler?.start([
        { name: "sync-dispatch", everyMs: opts.dispatchEveryMs ?? 5000, run: () => dispatcher.kick() },
        {
          name: "sync-dead-letter-purge",
          everyMs: 60 * 60 * 1000,
          run: async () => {
            const n = await purgeDeadLetters(sequelize, now());
            if (n > 0) logger.info({ purged: n }, "dead-lettered sync jobs older than 7 days removed");
          },
        },
        ...(opts.recurring ?? []),
      ]);
      dispatcher.start();
    },
    stop() {
      stopping ??= (async () => {
        await dispatcher.stop().catch((err: unknown) => logger.error({ err }, "sync dispatcher stop failed"));
        await opts.scheduler?.stop().catch((err: unknown) => logger.error({ err }, "scheduler stop failed"));
      })();
      return stopping;
    },
    async scheduleSync(trackingId, at, priority) {
      const jobId = await scheduleSync(ops, { trackingId, at: at ?? now(), priority });
      void dispatcher.kick();
      return mustGet(jobId);
    },
    async executeJob(jobId) {
      const job: ClaimedJob = await claimForExecution(ops, jobId, now());
      await runBatch([job]);
      const [done] = await listJobs(sequelize, { statuses: [], types: [], batchId: job.batchId, limit: 1 });
      return done ?? mustGet(jobId);
    },
    async retryJob(jobId) {
      const id = await retryJob(ops, jobId, now());
      void dispatcher.kick();
      return mustGet(id);
    },
    listJobs: (filter) => listJobs(sequelize, filter),
    async statistics(since) {
      const [stats, usage] = await Promise.all([
        statistics(sequelize, since, now()),
        opts.limiter.usage().catch(() => ({ running: -1, queued: -1, reservoir: null })),
      ]);
      const s = opts.limiter.settings;
      return {
        ...stats,
        limiter: {
          ...usage,
          perMinute: opts.limits?.perMinute ?? s.reservoirRefreshAmount,
          perSecond: opts.limits?.perSecond ?? Math.floor(1000 / s.minTime),
        },
      };
    },
    listRules: (includeInactive) => rules.list(includeInactive),
    async upsertRule(input) {
      const { rule, created, previous } = await sequelize.transaction((t) => rules.upsert(input, t));
      rules.invalidate();
      const rescheduled = await rescheduleMatching(
        sequelize,
        await rules.active(),
        previous ? [previous, rule] : [rule],
        now(),
      );
      void dispatcher.kick();
      return { rule, created, rescheduled };
    },
    async deleteRule(ruleName) {
      const rule = await sequelize.transaction((t) => rules.remove(ruleName, t));
      rules.invalidate();
      const rescheduled = await rescheduleMatching(sequelize, await rules.active(), [rule], now());
      void dispatcher.kick();
      return { ruleName: rule.ruleName, rescheduled };
    },
  };
}
