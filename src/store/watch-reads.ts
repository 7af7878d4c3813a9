// What Watch streams read to catch up: a shipment's events after an event id (insertion order, so a resumed stream
// gets exactly what it has not seen), and the change feed after a change id.
import { QueryTypes, type Sequelize } from "sequelize";

export interface ChangeRow {
  changeId: string;
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
    async maxChangeId(): Promise<string> {
      const [row] = await sequelize.query<{ id: string }>(
        "SELECT coalesce(max(change_id), 0)::text AS id FROM tracking_changes",
        { type: QueryTypes.SELECT },
      );
      return row?.id ?? "0";
    },
    async minChangeId(): Promise<string | undefined> {
      const [row] = await sequelize.query<{ id: string | null }>(
        "SELECT min(change_id)::text AS id FROM tracking_changes",
        { type: QueryTypes.SELECT },
      );
      return row?.id ?? undefined;
    },
    changesAfter(afterChangeId: string, limit: number): Promise<ChangeRow[]> {
      return sequelize.query<ChangeRow>(
        `SELECT change_id::text AS "changeId", tracking_id AS "trackingId", change_kind AS kind,
                previous_status AS "previousStatus", status_changed AS "statusChanged", new_events AS "newEvents",
                created_at AS "createdAt"
         FROM tracking_changes WHERE change_id > $1 ORDER BY change_id LIMIT $2`,
        { bind: [afterChangeId, limit], type: QueryTypes.SELECT },
      );
    },
  };
}

export type WatchReads = ReturnType<typeof createWatchReads>;
