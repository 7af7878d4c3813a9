// Reads behind ListSyncJobs and GetSyncStatistics (PRD §4.3.2, §7.1): jobs newest first by keyset on job_id, and
// figures over a time window straight from sync_jobs / tracking_records (indexes from migrations/0005).
import { QueryTypes, type Sequelize } from "sequelize";
import { ELIGIBLE, iso } from "./claim.js";

export interface SyncJobView {
  jobId: string;
  jobBatchId: string | null;
  trackingId: string;
  jobType: string;
  jobPriority: number | null;
  jobStatus: string;
  scheduledAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  attemptNumber: number | null;
  maxAttempts: number | null;
  retryDelayMinutes: number | null;
  eventsFetched: number | null;
  eventsNew: number | null;
  statusChanged: boolean | null;
  errorCode: string | null;
  errorMessage: string | null;
  apiResponseTimeMs: number | null;
  processingTimeMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `job_id AS "jobId", job_batch_id AS "jobBatchId", tracking_id AS "trackingId", job_type AS "jobType",
  job_priority AS "jobPriority", job_status AS "jobStatus", scheduled_at AS "scheduledAt", started_at AS "startedAt",
  completed_at AS "completedAt", attempt_number AS "attemptNumber", max_attempts AS "maxAttempts",
  retry_delay_minutes AS "retryDelayMinutes", events_fetched AS "eventsFetched", events_new AS "eventsNew",
  status_changed AS "statusChanged", error_code AS "errorCode", error_message AS "errorMessage",
  api_response_time_ms AS "apiResponseTimeMs", processing_time_ms AS "processingTimeMs", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

export async function getJob(sequelize: Sequelize, jobId: string): Promise<SyncJobView | undefined> {
  const [row] = await sequelize.query<SyncJobView>(`SELECT ${COLUMNS} FROM sync_jobs WHERE job_id = $1`, {
    type: QueryTypes.SELECT,
    bind: [jobId],
  });
  return row;
}

export interface JobFilter {
  statuses: string[];
  types: string[];
  trackingId?: string;
  batchId?: string;
  /** Keyset: only jobs with a smaller id. */
  beforeJobId?: string;
  limit: number;
}

export async function listJobs(sequelize: Sequelize, f: JobFilter): Promise<SyncJobView[]> {
  const where: string[] = [];
  const bind: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    bind.push(value);
    where.push(sql.replace("?", `$${bind.length}`));
  };
  if (f.statuses.length > 0) add("job_status = ANY(?::text[])", f.statuses);
  if (f.types.length > 0) add("job_type = ANY(?::text[])", f.types);
  if (f.trackingId) add("tracking_id = ?::uuid", f.trackingId);
  if (f.batchId) add("job_batch_id = ?::uuid", f.batchId);
  if (f.beforeJobId) add("job_id < ?::bigint", f.beforeJobId);
  bind.push(f.limit);
  return sequelize.query<SyncJobView>(
    `SELECT ${COLUMNS} FROM sync_jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY job_id DESC LIMIT $${bind.length}`,
    { type: QueryTypes.SELECT, bind },
  );
}

export interface SyncStatistics {
  byStatus: { label: string; count: number }[];
  byType: { label: string; count: number }[];
  successRate: number;
  apiP50: number;
  apiP95: number;
  apiP99: number;
  queueDepth: number;
  oldestDueAgeSeconds: number;
  deadLetterSize: number;
}

export async function statistics(sequelize: Sequelize, since: Date, now: Date): Promise<SyncStatistics> {
  const q = <R extends object>(sql: string, bind: unknown[]) =>
    sequelize.query<R>(sql, { type: QueryTypes.SELECT, bind });
  const [byStatus, byType, [pct], [due], [dead]] = await Promise.all([
    q<{ label: string; count: string }>(
      "SELECT job_status AS label, count(*) AS count FROM sync_jobs WHERE created_at >= $1 GROUP BY 1 ORDER BY 1",
      [iso(since)],
    ),
    q<{ label: string; count: string }>(
      "SELECT job_type AS label, count(*) AS count FROM sync_jobs WHERE created_at >= $1 GROUP BY 1 ORDER BY 1",
      [iso(since)],
    ),
    q<{ p: number[] | null }>(
      `SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY api_response_time_ms) AS p
       FROM sync_jobs WHERE created_at >= $1 AND api_response_time_ms IS NOT NULL`,
      [iso(since)],
    ),
    q<{ depth: string; oldest: Date | null }>(
      `SELECT count(*) AS depth, min(next_sync_at) AS oldest FROM tracking_records
       WHERE ${ELIGIBLE} AND next_sync_at <= $1`,
      [iso(now)],
    ),
    q<{ size: string }>("SELECT count(*) AS size FROM sync_jobs WHERE job_status = 'DEAD'", []),
  ]);
  const counts = (rows: { label: string; count: string }[]) =>
    rows.map((r) => ({ label: r.label, count: Number(r.count) }));
  const statusCounts = counts(byStatus);
  const n = (label: string) => statusCounts.find((s) => s.label === label)?.count ?? 0;
  const finished = n("COMPLETED") + n("FAILED") + n("DEAD");
  return {
    byStatus: statusCounts,
    byType: counts(byType),
    successRate: finished === 0 ? 0 : n("COMPLETED") / finished,
    apiP50: pct?.p?.[0] ?? 0,
    apiP95: pct?.p?.[1] ?? 0,
    apiP99: pct?.p?.[2] ?? 0,
    queueDepth: Number(due?.depth ?? 0),
    oldestDueAgeSeconds: due?.oldest ? Math.max(0, (now.getTime() - due.oldest.getTime()) / 1000) : 0,
    deadLetterSize: Number(dead?.size ?? 0),
  };
}

/** PRD §8.1 "Failed Jobs: 7 days in DLQ". */
export async function purgeDeadLetters(sequelize: Sequelize, now: Date, keepDays = 7): Promise<number> {
  const rows = await sequelize.query<{ job_id: string }>(
    "DELETE FROM sync_jobs WHERE job_status = 'DEAD' AND completed_at < $1 RETURNING job_id",
    { type: QueryTypes.SELECT, bind: [iso(new Date(now.getTime() - keepDays * 86_400_000))] },
  );
  return rows.length;
}
