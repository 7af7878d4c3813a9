// The change feed (tracking_changes, migrations/0004): rows written in the same transaction as the change, a NOTIFY on
// this channel at commit, and publishers that work from the rows so nothing is lost between commit and publish.
export const CHANGES_CHANNEL = "waybill_tracking_changes";

/**
 * The closing SELECT of a statement whose CTE `inserted` wrote tracking_changes rows: one NOTIFY when it wrote any.
 * The publisher reads the rows, not the payload, so a constant payload lets Postgres fold a transaction's notifies.
 */
export function notifyChanges(inserted: string): string {
  return `SELECT pg_notify('${CHANGES_CHANNEL}', '') FROM (SELECT 1 FROM ${inserted} LIMIT 1) AS any_change`;
}
