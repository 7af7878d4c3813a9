// What Watch streams read to catch up: a shipment's events after an event id (insertion order, so a resumed stream
// gets exactly what it has not seen), and the change feed after a change id.
import { QueryTypes, type Sequelize } from "sequelize";

/** A position in the change feed: the writing transaction's id, then the change id (both decimal strings). */
export interface FeedPosition {
  txId: string;
  changeId: string;
}

export interface ChangeRow extends FeedPosition {
  trackingId: string;
  kind: "REGISTERED" | "UPDATED" | "DELETED";
  previousStatus: string | null;
  statusChanged: boolean;
  newEvents: number;
  createdAt: Date;
}

export function createWatchReads(sequelize: Sequelize) {
  return {
    async maxEventId(trackingId: string): Promise<string> {
      const [row] = await sequelize.query<{ id: string }>(
        "SELECT coalesce(max(event_id), 0)::text AS id FROM tracking_events WHERE tracking_id = $1",
        { bind: [trackingId], type: QueryTypes.SELECT },
      );
      return row?.id ?? "0";
    },
    /** Where a live-only feed starts: everything committed and settled so far is behind it. */
    async head(): Promise<FeedPosition> {
      const [row] = await sequelize.query<FeedPosition>(
        `SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::numeric - 1)::text AS "txId",
                '9223372036854775807' AS "changeId"`,
        { type: QueryTypes.SELECT },
      );
      return row as FeedPosition;
    },
    /** Whether the change a cursor points at is still kept (retention deletes old published rows). */
    async kept(p: FeedPosition): Promise<boolean> {
      const rows = await sequelize.query(
        "SELECT 1 FROM tracking_changes WHERE tx_id = $1::text::xid8 AND change_id = $2::bigint",
        { bind: [p.txId, p.changeId], type: QueryTypes.SELECT },
      );
      return rows.length > 0;
    },
    /**
     * Changes after a position, in (tx_id, change_id) order, of transactions older than every one still running:
     * nothing can later commit in front of what this returns, so advancing past it never skips a change.
     */
    changesAfter(after: FeedPosition, limit: number): Promise<ChangeRow[]> {
      return sequelize.query<ChangeRow>(
        `SELECT tx_id::text AS "txId", change_id::text AS "changeId", tracking_id AS "trackingId",
                change_kind AS kind, previous_status AS "previousStatus", status_changed AS "statusChanged",
                new_events AS "newEvents", created_at AS "createdAt"
         FROM tracking_changes
         WHERE (tx_id, change_id) > ($1::text::xid8, $2::bigint)
           AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY tx_id, change_id LIMIT $3`,
        { bind: [after.txId, after.changeId, limit], type: QueryTypes.SELECT },
      );
    },
  };
}

export type WatchReads = ReturnType<typeof createWatchReads>;
