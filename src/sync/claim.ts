// The dispatcher's claim (DESIGN data path 2): due records in priority order, FOR UPDATE SKIP LOCKED so replicas
// split the work, leased by moving next_sync_at forward (a crashed worker's records become due again when the lease
// ends), and turned into RUNNING sync_jobs rows, one job_batch_id per 17TRACK call of up to 40 numbers.
import { randomUUID } from "node:crypto";
import { QueryTypes, type Sequelize } from "sequelize";
import { toBatches } from "../domain/sync/batches.js";
import { matchRule, type ScheduleRule } from "../domain/sync/schedule-rule.js";
import type { Status } from "../domain/tracking/status.js";

/**
 * Times go to Postgres as UTC ISO strings: the PRD columns are TIMESTAMP (no zone) holding UTC, and a string's "Z" is
 * ignored on input, whereas a Date would be rendered in the process's local zone.
 */
export const iso = (d: Date) => d.toISOString();

/** The partial index idx_tracking_sync_due (migrations/0005) has exactly this predicate. */
export const ELIGIBLE = "auto_refresh_enabled = true AND tracking_stopped = false AND registration_state = 'ACCEPTED'";

export interface ClaimedJob {
  trackingId: string;
  trackingNumber: string;
  track17CarrierKey: number | null;
  carrierId: number;
  status: Status;
  destinationCountry: string | null;
  priority: number;
  /** next_sync_at before the claim: when the record became due. */
  dueAt: Date;
  batchId: string;
  attempt: number;
  maxAttempts: number;
}

interface DueRow {
  tracking_id: string;
  tracking_number: string;
  track17_carrier_key: number | null;
  carrier_id: number;
  current_status: Status;
  destination_country: string | null;
  priority: number;
  sync_retry_count: number | null;
  due_at: Date;
}

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  batchSize: number;
  now: Date;
  rules: readonly ScheduleRule[];
}

/** Claims up to `limit` due records and returns their jobs grouped into batches (most urgent first). */
export async function claimDue(sequelize: Sequelize, opts: ClaimOptions): Promise<ClaimedJob[][]> {
  const now = opts.now;
  const leaseUntil = new Date(now.getTime() + opts.leaseMs);
  return sequelize.transaction(async (t) => {
    const rows = await sequelize.query<DueRow>(
      `WITH due AS (
         SELECT tracking_id, next_sync_at FROM tracking_records
         WHERE ${ELIGIBLE} AND next_sync_at <= $1
         ORDER BY priority, next_sync_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       UPDATE tracking_records r SET next_sync_at = $3 FROM due WHERE r.tracking_id = due.tracking_id
       RETURNING r.tracking_id, r.tracking_number, r.track17_carrier_key, r.carrier_id, r.current_status,
         r.destination_country, r.priority, r.sync_retry_count, due.next_sync_at AS due_at`,
      { type: QueryTypes.SELECT, bind: [iso(now), opts.limit, iso(leaseUntil)], transaction: t },
    );
    if (rows.length === 0) return [];
    rows.sort((a, b) => a.priority - b.priority || a.due_at.getTime() - b.due_at.getTime());
    const ids = rows.map((r) => r.tracking_id);

    // Jobs still RUNNING on a record we could claim belong to a worker whose lease ran out (crashed or stuck).
    await sequelize.query(
      `UPDATE sync_jobs SET job_status = 'CANCELLED', completed_at = $2, updated_at = $2, error_code = 'LEASE_EXPIRED',
         error_message = 'the worker holding this job stopped before finishing it; the shipment was claimed again'
       WHERE tracking_id = ANY($1::uuid[]) AND job_status = 'RUNNING'`,
      { bind: [ids, iso(now)], transaction: t },
    );

    const batches = toBatches(rows, opts.batchSize).map((b) => ({ id: randomUUID(), rows: b }));
    const batchOf = new Map<string, string>();
    for (const b of batches) for (const r of b.rows) batchOf.set(r.tracking_id, b.id);

    // A pending MANUAL or RETRY job that is due rides along in this batch instead of a new SCHEDULED row.
    const adopted = await sequelize.query<{ tracking_id: string; attempt_number: number; max_attempts: number }>(
      `UPDATE sync_jobs j SET job_status = 'RUNNING', job_batch_id = d.batch_id, started_at = $3, updated_at = $3
       FROM unnest($1::uuid[], $2::uuid[]) AS d(tracking_id, batch_id)
       WHERE j.tracking_id = d.tracking_id AND j.job_status = 'PENDING' AND j.scheduled_at <= $3
       RETURNING j.tracking_id, j.attempt_number, j.max_attempts`,
      { type: QueryTypes.SELECT, bind: [ids, ids.map((id) => batchOf.get(id)), iso(now)], transaction: t },
    );
    const adoptedBy = new Map(adopted.map((a) => [a.tracking_id, a]));

    const jobs = new Map<string, ClaimedJob>();
    const fresh: ClaimedJob[] = [];
    for (const r of rows) {
      const rule = matchRule(opts.rules, {
        carrierId: r.carrier_id,
        status: r.current_status,
        destinationCountry: r.destination_country,
      });
      const a = adoptedBy.get(r.tracking_id);
      const job: ClaimedJob = {
        trackingId: r.tracking_id,
        trackingNumber: r.tracking_number,
        track17CarrierKey: r.track17_carrier_key,
        carrierId: r.carrier_id,
        status: r.current_status,
        destinationCountry: r.destination_country,
        priority: Math.min(r.priority, rule.priorityLevel),
        dueAt: r.due_at,
        batchId: batchOf.get(r.tracking_id) as string,
        attempt: a?.attempt_number ?? (r.sync_retry_count ?? 0) + 1,
        maxAttempts: a?.max_attempts ?? rule.maxRetryAttempts,
      };
      jobs.set(r.tracking_id, job);
      if (!a) fresh.push(job);
    }
    if (fresh.length > 0) {
      await sequelize.query(
        `INSERT INTO sync_jobs (job_batch_id, tracking_id, job_type, job_priority, job_status, scheduled_at,
           started_at, attempt_number, max_attempts, created_at, updated_at)
         SELECT d.batch_id, d.tracking_id, CASE WHEN d.attempt > 1 THEN 'RETRY' ELSE 'SCHEDULED' END, d.priority,
           'RUNNING', d.due_at, $6, d.attempt, d.max_attempts, $6, $6
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamp[], $5::int[], $7::int[])
           AS d(batch_id, tracking_id, priority, due_at, attempt, max_attempts)`,
        {
          bind: [
            fresh.map((j) => j.batchId),
            fresh.map((j) => j.trackingId),
            fresh.map((j) => j.priority),
            fresh.map((j) => iso(j.dueAt)),
            fresh.map((j) => j.attempt),
            iso(now),
            fresh.map((j) => j.maxAttempts),
          ],
          transaction: t,
        },
      );
    }
    return batches.map((b) => b.rows.map((r) => jobs.get(r.tracking_id) as ClaimedJob));
  });
}

/** When the next record becomes due (null: none), read from the same partial index. */
export async function nextDueAt(sequelize: Sequelize): Promise<Date | null> {
  const [row] = await sequelize.query<{ at: Date | null }>(
    `SELECT min(next_sync_at) AS at FROM tracking_records WHERE ${ELIGIBLE}`,
    { type: QueryTypes.SELECT },
  );
  return row?.at ?? null;
}
