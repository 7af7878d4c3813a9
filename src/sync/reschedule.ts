// A rule change applies to next_sync_at at once, without a restart (issue 5): every eligible record the old or the
// new criteria cover is re-planned from its last sync under the rules as they are now. Records being synced (RUNNING
// job: their next_sync_at is a lease), waiting for a retry, or never synced (due for their first sync) keep theirs;
// the next completion uses the new rule.
import { QueryTypes, type Sequelize } from "sequelize";
import { planNextSync } from "../domain/sync/next-sync.js";
import type { ScheduleRule } from "../domain/sync/schedule-rule.js";
import { ELIGIBLE, iso } from "./claim.js";
import { ruleForRow, SYNC_STATE_COLUMNS, type SyncStateRow, syncStateOf } from "./sync-state.js";

export interface Criteria {
  carrierId: number | null;
  statusPattern: string | null;
  destinationCountry: string | null;
}

interface Row extends SyncStateRow {
  tracking_id: string;
}

const CHUNK = 1000;

export async function rescheduleMatching(
  sequelize: Sequelize,
  rules: readonly ScheduleRule[],
  criteria: readonly Criteria[],
  now: Date,
): Promise<number> {
  if (criteria.length === 0) return 0;
  const bind: unknown[] = [];
  const param = (v: unknown) => {
    bind.push(v);
    return `$${bind.length}`;
  };
  const covered = criteria
    .map((c) => {
      const parts = ["true"];
      if (c.carrierId !== null) parts.push(`carrier_id = ${param(c.carrierId)}::int`);
      if (c.statusPattern) parts.push(`current_status = ${param(c.statusPattern)}::text`);
      if (c.destinationCountry) parts.push(`destination_country = ${param(c.destinationCountry)}::text`);
      return `(${parts.join(" AND ")})`;
    })
    .join(" OR ");
  const after = param("00000000-0000-0000-0000-000000000000");
  const limit = param(CHUNK);
  let total = 0;
  for (;;) {
    const moved = await sequelize.transaction(async (t) => {
      const rows = await sequelize.query<Row>(
        `SELECT tracking_id, ${SYNC_STATE_COLUMNS}
         FROM tracking_records r
         WHERE ${ELIGIBLE} AND (${covered}) AND tracking_id > ${after}::uuid AND COALESCE(sync_retry_count, 0) = 0
           AND last_synced_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM sync_jobs j WHERE j.tracking_id = r.tracking_id AND j.job_status = 'RUNNING')
         ORDER BY tracking_id LIMIT ${limit}
         FOR UPDATE SKIP LOCKED`,
        { type: QueryTypes.SELECT, bind, transaction: t },
      );
      if (rows.length === 0) return null;
      const plans = rows.map((r) => planNextSync(ruleForRow(rules, r), syncStateOf(r, r.last_synced_at), now));
      await sequelize.query(
        `UPDATE tracking_records r SET next_sync_at = LEAST(d.next_at,
           (SELECT min(scheduled_at) FROM sync_jobs j WHERE j.tracking_id = r.tracking_id AND j.job_status = 'PENDING'))
         FROM unnest($1::uuid[], $2::timestamp[]) AS d(tracking_id, next_at)
         WHERE r.tracking_id = d.tracking_id`,
        {
          bind: [rows.map((r) => r.tracking_id), plans.map((p) => (p.nextSyncAt ? iso(p.nextSyncAt) : null))],
          transaction: t,
        },
      );
      return { count: rows.length, last: rows[rows.length - 1]?.tracking_id as string };
    });
    if (!moved) break;
    total += moved.count;
    bind[bind.length - 2] = moved.last;
    if (moved.count < CHUNK) break;
  }
  return total;
}
