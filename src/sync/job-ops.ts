// The write RPCs on jobs (PRD §4.3.2): schedule a sync, run a job now, re-queue a failed or dead job. They only write
// rows; the dispatcher (or, for ExecuteSyncJob, this process right away) does the syncing, so the same lease and job
// bookkeeping apply as for scheduled work.
import { randomUUID } from "node:crypto";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { matchRule, type ScheduleRule } from "../domain/sync/schedule-rule.js";
import type { Status } from "../domain/tracking/status.js";
import { failedPrecondition, notFound } from "../errors.js";
import { type ClaimedJob, iso } from "./claim.js";

interface RecordRow {
  tracking_id: string;
  tracking_number: string;
  track17_carrier_key: number | null;
  carrier_id: number;
  current_status: Status;
  destination_country: string | null;
  priority: number;
  registration_state: string;
  tracking_stopped: boolean;
  auto_refresh_enabled: boolean | null;
}

interface JobRow {
  job_id: string;
  tracking_id: string;
  job_status: string;
  job_priority: number | null;
  attempt_number: number | null;
  max_attempts: number | null;
  scheduled_at: Date;
}

async function lockRecord(sequelize: Sequelize, trackingId: string, t: Transaction): Promise<RecordRow> {
  let rows: RecordRow[];
  try {
    rows = await sequelize.query<RecordRow>(
      `SELECT tracking_id, tracking_number, track17_carrier_key, carrier_id, current_status, destination_country,
         priority, registration_state, tracking_stopped, auto_refresh_enabled
       FROM tracking_records WHERE tracking_id = $1 FOR UPDATE NOWAIT`,
      { type: QueryTypes.SELECT, bind: [trackingId], transaction: t },
    );
  } catch (err) {
    // 55P03 lock_not_available: a dispatcher is claiming or finishing this shipment this very moment.
    if ((err as { original?: { code?: string } }).original?.code === "55P03") {
      throw failedPrecondition(`shipment ${trackingId} is being synced right now; try again in a moment`);
    }
    throw err;
  }
  const rec = rows[0];
  if (!rec) throw notFound(`shipment ${trackingId}`);
  if (rec.registration_state !== "ACCEPTED") {
    throw failedPrecondition(
      `shipment ${trackingId} is not registered at 17TRACK (registration ${rec.registration_state}); it can be synced once registration is accepted`,
    );
  }
  if (rec.tracking_stopped) {
    throw failedPrecondition(`17TRACK stopped tracking shipment ${trackingId}; retrack it before syncing`);
  }
  return rec;
}

async function runningJob(sequelize: Sequelize, trackingId: string, t: Transaction): Promise<string | undefined> {
  const [row] = await sequelize.query<{ job_id: string }>(
    "SELECT job_id FROM sync_jobs WHERE tracking_id = $1 AND job_status = 'RUNNING' LIMIT 1",
    { type: QueryTypes.SELECT, bind: [trackingId], transaction: t },
  );
  return row?.job_id;
}

async function lockJob(sequelize: Sequelize, jobId: string, t: Transaction): Promise<JobRow> {
  const [job] = await sequelize.query<JobRow>(
    `SELECT job_id, tracking_id, job_status, job_priority, attempt_number, max_attempts, scheduled_at
     FROM sync_jobs WHERE job_id = $1 FOR UPDATE`,
    { type: QueryTypes.SELECT, bind: [jobId], transaction: t },
  );
  if (!job) throw notFound(`sync job ${jobId}`);
  return job;
}

/** Moves the record's next sync forward to `at`, unless a worker holds it (then its completion honours the job). */
async function pullForward(sequelize: Sequelize, trackingId: string, at: Date, t: Transaction) {
  if (await runningJob(sequelize, trackingId, t)) return;
  await sequelize.query(
    "UPDATE tracking_records SET next_sync_at = LEAST(COALESCE(next_sync_at, $2), $2) WHERE tracking_id = $1",
    { bind: [trackingId, iso(at)], transaction: t },
  );
}

export interface JobOpsDeps {
  sequelize: Sequelize;
  rules: () => Promise<ScheduleRule[]>;
  leaseMs: number;
}

export async function scheduleSync(
  deps: JobOpsDeps,
  input: { trackingId: string; at: Date; priority?: number },
): Promise<string> {
  const { sequelize } = deps;
  const rules = await deps.rules();
  return sequelize.transaction(async (t) => {
    const rec = await lockRecord(sequelize, input.trackingId, t);
    if (rec.auto_refresh_enabled === false) {
      throw failedPrecondition(
        `auto refresh is disabled for shipment ${input.trackingId}; enable it, or run a job now with ExecuteSyncJob`,
      );
    }
    const rule = matchRule(rules, {
      carrierId: rec.carrier_id,
      status: rec.current_status,
      destinationCountry: rec.destination_country,
    });
    const [row] = await sequelize.query<{ job_id: string }>(
      `INSERT INTO sync_jobs (tracking_id, job_type, job_priority, job_status, scheduled_at, attempt_number,
         max_attempts, created_at, updated_at)
       VALUES ($1, 'MANUAL', $2, 'PENDING', $3, 1, $4, now(), now()) RETURNING job_id`,
      {
        type: QueryTypes.SELECT,
        bind: [rec.tracking_id, input.priority ?? rec.priority, iso(input.at), rule.maxRetryAttempts],
        transaction: t,
      },
    );
    await pullForward(sequelize, rec.tracking_id, input.at, t);
    return (row as { job_id: string }).job_id;
  });
}

/** Re-queues a FAILED or DEAD job: its pending retry is brought forward, or a fresh RETRY job (new attempt budget). */
export async function retryJob(deps: JobOpsDeps, jobId: string, now: Date): Promise<string> {
  const { sequelize } = deps;
  return sequelize.transaction(async (t) => {
    const job = await lockJob(sequelize, jobId, t);
    if (job.job_status !== "FAILED" && job.job_status !== "DEAD") {
      throw failedPrecondition(`sync job ${jobId} is ${job.job_status}; only FAILED or DEAD jobs can be retried`);
    }
    await lockRecord(sequelize, job.tracking_id, t);
    const [pending] = await sequelize.query<{ job_id: string }>(
      `UPDATE sync_jobs SET scheduled_at = LEAST(scheduled_at, $2), updated_at = $2
       WHERE job_id = (SELECT job_id FROM sync_jobs WHERE tracking_id = $1 AND job_status = 'PENDING'
                       ORDER BY scheduled_at LIMIT 1)
       RETURNING job_id`,
      { type: QueryTypes.SELECT, bind: [job.tracking_id, iso(now)], transaction: t },
    );
    let newId = pending?.job_id;
    if (!newId) {
      const [row] = await sequelize.query<{ job_id: string }>(
        `INSERT INTO sync_jobs (tracking_id, job_type, job_priority, job_status, scheduled_at, attempt_number,
           max_attempts, created_at, updated_at)
         VALUES ($1, 'RETRY', $2, 'PENDING', $3, 1, $4, $3, $3) RETURNING job_id`,
        {
          type: QueryTypes.SELECT,
          bind: [job.tracking_id, job.job_priority, iso(now), job.max_attempts],
          transaction: t,
        },
      );
      newId = (row as { job_id: string }).job_id;
    }
    await sequelize.query(
      "UPDATE tracking_records SET requires_attention = false, sync_retry_count = 0 WHERE tracking_id = $1",
      { bind: [job.tracking_id], transaction: t },
    );
    await pullForward(sequelize, job.tracking_id, now, t);
    return newId;
  });
}

/**
 * Claims one job for immediate execution in this process, exactly like the dispatcher would (RUNNING, own batch id,
 * record leased). A FAILED or DEAD job is first re-queued (retryJob) and its successor runs.
 */
export async function claimForExecution(deps: JobOpsDeps, jobId: string, now: Date): Promise<ClaimedJob> {
  const { sequelize } = deps;
  const [probe] = await sequelize.query<{ job_status: string }>("SELECT job_status FROM sync_jobs WHERE job_id = $1", {
    type: QueryTypes.SELECT,
    bind: [jobId],
  });
  if (!probe) throw notFound(`sync job ${jobId}`);
  const targetId =
    probe.job_status === "FAILED" || probe.job_status === "DEAD" ? await retryJob(deps, jobId, now) : jobId;
  const rules = await deps.rules();
  return sequelize.transaction(async (t) => {
    const job = await lockJob(sequelize, targetId, t);
    if (job.job_status !== "PENDING") {
      throw failedPrecondition(
        `sync job ${targetId} is ${job.job_status}; only PENDING, FAILED or DEAD jobs can be executed`,
      );
    }
    const rec = await lockRecord(sequelize, job.tracking_id, t);
    const busy = await runningJob(sequelize, job.tracking_id, t);
    if (busy) throw failedPrecondition(`shipment ${job.tracking_id} is being synced by job ${busy} right now`);
    const rule = matchRule(rules, {
      carrierId: rec.carrier_id,
      status: rec.current_status,
      destinationCountry: rec.destination_country,
    });
    const batchId = randomUUID();
    await sequelize.query(
      `UPDATE sync_jobs SET job_status = 'RUNNING', job_batch_id = $2, started_at = $3, updated_at = $3
       WHERE job_id = $1`,
      { bind: [targetId, batchId, iso(now)], transaction: t },
    );
    await sequelize.query("UPDATE tracking_records SET next_sync_at = $2 WHERE tracking_id = $1", {
      bind: [rec.tracking_id, iso(new Date(now.getTime() + deps.leaseMs))],
      transaction: t,
    });
    return {
      trackingId: rec.tracking_id,
      trackingNumber: rec.tracking_number,
      track17CarrierKey: rec.track17_carrier_key,
      carrierId: rec.carrier_id,
      status: rec.current_status,
      destinationCountry: rec.destination_country,
      priority: job.job_priority ?? rec.priority,
      dueAt: job.scheduled_at,
      batchId,
      attempt: job.attempt_number ?? 1,
      maxAttempts: job.max_attempts ?? rule.maxRetryAttempts,
    };
  });
}
