// Finishing a claimed job (PRD §3.4.2, §3.4.3), each in one transaction with its effects:
// - complete: ingest the answer, reschedule by the rule, complete the job row (events, timings);
// - fail: the rule's retry curve (a pending RETRY job) or, past max attempts, the dead-letter state;
// - delay: put a whole batch back untouched (429, open circuit).
// Every write is conditional on the job row still being RUNNING in our batch: if our lease ran out and another worker
// took the record, we change nothing.
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { planNextSync, planRetry } from "../domain/sync/next-sync.js";
import { retryDelayMs } from "../domain/sync/retry-delay.js";
import type { ScheduleRule } from "../domain/sync/schedule-rule.js";
import type { Ingest } from "../tracking/ingest-port.js";
import type { TrackInfo } from "../upstream/wire.js";
import { type ClaimedJob, iso } from "./claim.js";
import type { SyncMetrics } from "./metrics.js";
import { ruleForRow, SYNC_STATE_COLUMNS, type SyncStateRow, syncStateOf } from "./sync-state.js";

export interface OutcomeLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutcomeDeps {
  sequelize: Sequelize;
  ingest: Ingest;
  metrics: SyncMetrics;
  logger: OutcomeLogger;
  /** Spread of retry delays (fraction); default 0.1. */
  retryJitter?: number;
}

export interface Timings {
  apiResponseTimeMs: number | null;
  processingTimeMs: number;
}

async function lockJobs(sequelize: Sequelize, job: ClaimedJob, t: Transaction): Promise<number> {
  const rows = await sequelize.query<{ job_id: string }>(
    `SELECT job_id FROM sync_jobs WHERE job_batch_id = $1 AND tracking_id = $2 AND job_status = 'RUNNING' FOR UPDATE`,
    { type: QueryTypes.SELECT, bind: [job.batchId, job.trackingId], transaction: t },
  );
  return rows.length;
}

async function loadState(sequelize: Sequelize, trackingId: string, t: Transaction) {
  const [row] = await sequelize.query<SyncStateRow>(
    `SELECT ${SYNC_STATE_COLUMNS} FROM tracking_records WHERE tracking_id = $1`,
    { type: QueryTypes.SELECT, bind: [trackingId], transaction: t },
  );
  return row;
}

/** The next sync, but never later than a pending MANUAL/RETRY job of the record (ScheduleSync during a run). */
const RESCHEDULE = `next_sync_at = LEAST($2::timestamp,
  (SELECT min(scheduled_at) FROM sync_jobs WHERE tracking_id = $1 AND job_status = 'PENDING'))`;

export type CompleteResult = "completed" | "lost" | "gone";

export async function completeJob(
  deps: OutcomeDeps,
  job: ClaimedJob,
  trackInfo: TrackInfo,
  rules: readonly ScheduleRule[],
  timings: () => Timings,
  now: () => Date,
): Promise<CompleteResult> {
  const { sequelize } = deps;
  return sequelize.transaction(async (t) => {
    if ((await lockJobs(sequelize, job, t)) === 0) return "lost";
    const result = await deps.ingest.ingest(
      {
        trackingNumber: job.trackingNumber,
        track17CarrierKey: job.track17CarrierKey,
        trackingId: job.trackingId,
        trackInfo,
        source: "SYNC",
      },
      t,
    );
    const at = now();
    const row = await loadState(sequelize, job.trackingId, t);
    if (!result || !row) {
      await sequelize.query(
        `UPDATE sync_jobs SET job_status = 'CANCELLED', completed_at = $3, updated_at = $3, error_code = 'NO_RECORD',
           error_message = 'the shipment was deleted while it was being synced'
         WHERE job_batch_id = $1 AND tracking_id = $2 AND job_status = 'RUNNING'`,
        { bind: [job.batchId, job.trackingId, iso(at)], transaction: t },
      );
      return "gone";
    }
    const plan = planNextSync(ruleForRow(rules, row), syncStateOf(row, at), at);
    // A retry still waiting from an earlier failure has nothing left to do after this success.
    await sequelize.query(
      `UPDATE sync_jobs SET job_status = 'CANCELLED', completed_at = $2, updated_at = $2, error_code = 'SUPERSEDED',
         error_message = 'a later sync of the shipment succeeded'
       WHERE tracking_id = $1 AND job_status = 'PENDING' AND job_type = 'RETRY'`,
      { bind: [job.trackingId, iso(at)], transaction: t },
    );
    await sequelize.query(
      `UPDATE tracking_records SET ${RESCHEDULE}, last_synced_at = $3, sync_retry_count = 0, updated_at = $3,
         sync_interval_minutes = COALESCE($4, sync_interval_minutes)
       WHERE tracking_id = $1`,
      {
        bind: [job.trackingId, plan.nextSyncAt ? iso(plan.nextSyncAt) : null, iso(at), plan.intervalMinutes],
        transaction: t,
      },
    );
    const tm = timings();
    await sequelize.query(
      `UPDATE sync_jobs SET job_status = 'COMPLETED', completed_at = $3, updated_at = $3, events_fetched = $4,
         events_new = $5, status_changed = $6, api_response_time_ms = $7, processing_time_ms = $8
       WHERE job_batch_id = $1 AND tracking_id = $2 AND job_status = 'RUNNING'`,
      {
        bind: [
          job.batchId,
          job.trackingId,
          iso(at),
          result.eventsSeen,
          result.newEvents,
          result.statusChanged,
          tm.apiResponseTimeMs,
          tm.processingTimeMs,
        ],
        transaction: t,
      },
    );
    deps.metrics.counters.synced++;
    return "completed";
  });
}

export interface Failure {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type FailResult = "retry" | "dead" | "lost";

export async function failJob(
  deps: OutcomeDeps,
  job: ClaimedJob,
  failure: Failure,
  rules: readonly ScheduleRule[],
  timings: Timings,
  now: Date,
): Promise<FailResult> {
  const { sequelize } = deps;
  const outcome = await sequelize.transaction(async (t): Promise<FailResult> => {
    if ((await lockJobs(sequelize, job, t)) === 0) return "lost";
    const row = await loadState(sequelize, job.trackingId, t);
    if (!row) return "lost";
    const rule = ruleForRow(rules, row);
    const finish = (status: string, delayMinutes: number | null) =>
      sequelize.query(
        `UPDATE sync_jobs SET job_status = $3, completed_at = $4, updated_at = $4, error_code = $5, error_message = $6,
           error_details = $7::jsonb, retry_delay_minutes = $8, api_response_time_ms = $9, processing_time_ms = $10
         WHERE job_batch_id = $1 AND tracking_id = $2 AND job_status = 'RUNNING'`,
        {
          bind: [
            job.batchId,
            job.trackingId,
            status,
            iso(now),
            failure.code.slice(0, 50),
            failure.message,
            JSON.stringify(failure.details),
            delayMinutes,
            timings.apiResponseTimeMs,
            timings.processingTimeMs,
          ],
          transaction: t,
        },
      );

    if (job.attempt < job.maxAttempts) {
      const delay = retryDelayMs({
        strategy: rule.retryStrategy,
        initialDelayMs: rule.initialRetryDelayMinutes * 60_000,
        attempt: job.attempt,
        jitter: deps.retryJitter ?? 0.1,
      });
      const retryAt = planRetry(rule, delay, now);
      await finish("FAILED", Math.ceil(delay / 60_000));
      await sequelize.query(
        `INSERT INTO sync_jobs (tracking_id, job_type, job_priority, job_status, scheduled_at, attempt_number,
           max_attempts, created_at, updated_at)
         VALUES ($1, 'RETRY', $2, 'PENDING', $3, $4, $5, $6, $6)`,
        {
          bind: [job.trackingId, job.priority, iso(retryAt), job.attempt + 1, job.maxAttempts, iso(now)],
          transaction: t,
        },
      );
      await sequelize.query(
        `UPDATE tracking_records SET next_sync_at = $2, sync_retry_count = $3, max_sync_retries = $4, updated_at = $5
         WHERE tracking_id = $1`,
        { bind: [job.trackingId, iso(retryAt), job.attempt, job.maxAttempts, iso(now)], transaction: t },
      );
      return "retry";
    }
    // Dead letter (PRD §3.4.3): kept 7 days, the record flagged; it stays on its normal schedule so a lasting fix
    // upstream heals it without anyone acting.
    await finish("DEAD", null);
    const plan = planNextSync(rule, syncStateOf(row, now), now);
    await sequelize.query(
      `UPDATE tracking_records SET ${RESCHEDULE}, requires_attention = true, sync_retry_count = 0, updated_at = $3
       WHERE tracking_id = $1`,
      { bind: [job.trackingId, plan.nextSyncAt ? iso(plan.nextSyncAt) : null, iso(now)], transaction: t },
    );
    return "dead";
  });
  if (outcome === "retry") deps.metrics.counters.failed++;
  if (outcome === "dead") {
    deps.metrics.counters.failed++;
    deps.metrics.counters.deadLettered++;
    deps.logger.error(
      {
        alert: "sync_dead_letter",
        trackingId: job.trackingId,
        batchId: job.batchId,
        attempts: job.attempt,
        ...failure,
      },
      "sync job dead-lettered after its last attempt; shipment flagged requires_attention",
    );
  }
  return outcome;
}

/** Puts a batch back as PENDING for `delayMs` without counting an attempt (429, open circuit, limiter down). */
export async function delayBatch(
  sequelize: Sequelize,
  batchId: string,
  delayMs: number,
  failure: { code: string; message: string },
  now: Date,
): Promise<number> {
  const until = iso(new Date(now.getTime() + delayMs));
  return sequelize.transaction(async (t) => {
    const rows = await sequelize.query<{ tracking_id: string }>(
      `UPDATE sync_jobs SET job_status = 'PENDING', scheduled_at = $2, started_at = NULL, updated_at = $3,
         error_code = $4, error_message = $5
       WHERE job_batch_id = $1 AND job_status = 'RUNNING' RETURNING tracking_id`,
      { type: QueryTypes.SELECT, bind: [batchId, until, iso(now), failure.code, failure.message], transaction: t },
    );
    if (rows.length > 0) {
      await sequelize.query("UPDATE tracking_records SET next_sync_at = $2 WHERE tracking_id = ANY($1::uuid[])", {
        bind: [rows.map((r) => r.tracking_id), until],
        transaction: t,
      });
    }
    return rows.length;
  });
}
