// The write commands on one shipment besides registration and ingest: refresh now from 17TRACK, change its settings
// or carrier (17TRACK's changecarrier, at most 5 times), and delete it here and at 17TRACK. 17TRACK is called before
// our transaction, so a refused upstream change leaves our record untouched.
import { QueryTypes, type Sequelize, type Transaction, UniqueConstraintError } from "sequelize";
import { alreadyExists, failedPrecondition, notFound } from "../errors.js";
import type { Track17Client } from "../upstream/index.js";
import { asDomainError } from "../upstream/index.js";
import { notifyChanges } from "./change-feed.js";
import type { Ingest, IngestResult } from "./ingest-port.js";

/** 17TRACK refuses a sixth carrier change for a number (reference §2.2, -18019806). */
export const MAX_CARRIER_CHANGES = 5;

export interface TrackingPatch {
  carrierCode?: string;
  autoRefreshEnabled?: boolean;
  customerReference?: string;
  orderId?: string;
  priority?: number;
  syncIntervalMinutes?: number;
}

interface Current {
  tracking_id: string;
  tracking_number: string;
  carrier_id: number;
  carrier_code: string;
  track17_key: number | null;
  track17_carrier_key: number | null;
  registration_state: string;
  carrier_change_count: number;
  event_count: number;
  /** A registration call is in flight (the registrar's lease, migration 0012). */
  registering: boolean;
}

const CURRENT = `
  SELECT r.tracking_id, r.tracking_number, r.carrier_id, c.carrier_code, c.track17_key, r.track17_carrier_key,
         r.registration_state, r.carrier_change_count, r.event_count,
         coalesce(r.registration_lease_until > now(), false) AS registering
  FROM tracking_records r JOIN carriers c ON c.carrier_id = r.carrier_id WHERE r.tracking_id = $1`;

const upstreamKey = (r: Current) => r.track17_carrier_key ?? r.track17_key ?? undefined;
const itemOf = (r: Current) => ({ number: r.tracking_number, ...(upstreamKey(r) ? { carrier: upstreamKey(r) } : {}) });
const registered = (r: Current) => r.registration_state === "ACCEPTED" || r.registration_state === "STOPPED";

export function createTrackingCommands(deps: { sequelize: Sequelize; client: Track17Client; ingest: Ingest }) {
  const { sequelize, client } = deps;

  async function current(trackingId: string, transaction?: Transaction): Promise<Current> {
    const [row] = await sequelize.query<Current>(`${CURRENT}${transaction ? " FOR UPDATE OF r" : ""}`, {
      bind: [trackingId],
      type: QueryTypes.SELECT,
      transaction,
    });
    if (!row) throw notFound(`tracking ${trackingId}`);
    return row;
  }

  async function upstream<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw asDomainError(err);
    }
  }

  async function noteChange(trackingId: string, kind: "UPDATED" | "DELETED", transaction: Transaction) {
    await sequelize.query(
      `WITH c AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status)
                  SELECT $1::uuid, $2, (SELECT current_status FROM tracking_records WHERE tracking_id = $1)
                  RETURNING change_id)
       ${notifyChanges("c")}`,
      { bind: [trackingId, kind], transaction },
    );
  }

  /** gettrackinfo now, bypassing every cache, then the one ingest function. */
  async function refresh(trackingId: string): Promise<IngestResult> {
    const r = await current(trackingId);
    if (!registered(r)) {
      throw failedPrecondition(
        `tracking ${trackingId} is not registered at 17TRACK yet (registration ${r.registration_state.toLowerCase()}); refresh after it is accepted`,
      );
    }
    const key = upstreamKey(r);
    const answer = await upstream(() =>
      client.getTrackInfo([{ number: r.tracking_number, ...(key ? { carrier: key } : {}) }]),
    );
    const item = answer.accepted.find((a) => a.number === r.tracking_number);
    if (!item) {
      const why = answer.rejected[0];
      throw failedPrecondition(`17TRACK has no tracking for ${r.tracking_number}: ${why?.message ?? "no answer"}`);
    }
    const result = await deps.ingest.ingest({
      trackingId,
      trackingNumber: r.tracking_number,
      trackInfo: item.track_info,
      source: "REFRESH",
    });
    if (!result) throw notFound(`tracking ${trackingId}`);
    return result;
  }

  async function changeCarrier(r: Current, code: string, transaction: Transaction) {
    const [target] = await sequelize.query<{ carrier_id: number; track17_key: number | null; is_active: boolean }>(
      "SELECT carrier_id, track17_key, coalesce(is_active, true) AS is_active FROM carriers WHERE carrier_code = $1",
      { bind: [code], type: QueryTypes.SELECT, transaction },
    );
    if (!target) throw notFound(`carrier '${code}'`);
    if (target.carrier_id === r.carrier_id) return;
    if (!target.is_active)
      throw failedPrecondition(`carrier '${code}' is disabled; enable it with UpdateCarrier first`);
    if (!target.track17_key) throw failedPrecondition(`carrier '${code}' has no 17TRACK key to change to`);
    if (r.carrier_change_count >= MAX_CARRIER_CHANGES) {
      throw failedPrecondition(
        `the carrier of ${r.tracking_number} was changed ${MAX_CARRIER_CHANGES} times, 17TRACK's limit`,
      );
    }
    const [clash] = await sequelize.query(
      "SELECT 1 FROM tracking_records WHERE tracking_number = $1 AND carrier_id = $2",
      {
        bind: [r.tracking_number, target.carrier_id],
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    if (clash) throw alreadyExists(`${r.tracking_number} is already tracked with carrier '${code}'`);
    const oldKey = upstreamKey(r);
    if (registered(r) && oldKey) {
      const result = await upstream(() =>
        client.changeCarrier([
          { number: r.tracking_number, carrier_old: oldKey, carrier_new: target.track17_key as number },
        ]),
      );
      const refused = result.rejected[0];
      if (refused)
        throw failedPrecondition(`17TRACK refused the carrier change: ${refused.message} (code ${refused.code})`);
    }
    // A registration 17TRACK refused (often: carrier not recognised) is tried again with the new carrier.
    await sequelize
      .query(
        `UPDATE tracking_records SET carrier_id = $2, track17_carrier_key = $3,
         carrier_change_count = carrier_change_count + $4,
         registration_state = CASE WHEN registration_state = 'REJECTED' THEN 'PENDING' ELSE registration_state END,
         registration_error_code = CASE WHEN registration_state = 'REJECTED' THEN NULL ELSE registration_error_code END,
         registration_error_message = CASE WHEN registration_state = 'REJECTED' THEN NULL
                                           ELSE registration_error_message END,
         requires_attention = CASE WHEN registration_state = 'REJECTED' THEN false ELSE requires_attention END
       WHERE tracking_id = $1`,
        { bind: [r.tracking_id, target.carrier_id, target.track17_key, registered(r) ? 1 : 0], transaction },
      )
      .catch((err: unknown) => {
        // Registered on that carrier by someone else since the check above.
        if (err instanceof UniqueConstraintError) {
          throw alreadyExists(`${r.tracking_number} is already tracked with carrier '${code}'`);
        }
        throw err;
      });
  }

  async function update(trackingId: string, patch: TrackingPatch): Promise<void> {
    await sequelize.transaction(async (transaction) => {
      const r = await current(trackingId, transaction);
      if (patch.carrierCode !== undefined) await changeCarrier(r, patch.carrierCode, transaction);
      await sequelize.query(
        `UPDATE tracking_records SET
           auto_refresh_enabled = coalesce($2, auto_refresh_enabled),
           customer_reference = CASE WHEN $3::text IS NULL THEN customer_reference ELSE nullif($3, '') END,
           order_id = CASE WHEN $4::text IS NULL THEN order_id ELSE nullif($4, '') END,
           priority = coalesce($5, priority),
           sync_interval_minutes = coalesce($6, sync_interval_minutes),
           -- Switching auto-refresh back on makes an accepted record due at once.
           next_sync_at = CASE WHEN $2 AND registration_state = 'ACCEPTED' AND next_sync_at IS NULL
                               THEN now() ELSE next_sync_at END,
           updated_at = now()
         WHERE tracking_id = $1`,
        {
          bind: [
            trackingId,
            patch.autoRefreshEnabled ?? null,
            patch.customerReference ?? null,
            patch.orderId ?? null,
            patch.priority ?? null,
            patch.syncIntervalMinutes ?? null,
          ],
          transaction,
        },
      );
      await noteChange(trackingId, "UPDATED", transaction);
    });
  }

  /** Stops and deletes at 17TRACK (a number 17TRACK no longer knows is fine), then removes it and its events. */
  async function remove(trackingId: string): Promise<{ eventsDeleted: number }> {
    const r = await current(trackingId);
    if (registered(r)) {
      const item = itemOf(r);
      if (r.registration_state === "ACCEPTED") await upstream(() => client.stopTrack([item]));
      await upstream(() => client.deleteTrack([item]));
    }
    const removed = await sequelize.transaction(async (transaction) => {
      const locked = await current(trackingId, transaction);
      // The PRD's sync_jobs and event_notifications reference the record without ON DELETE CASCADE; the audit trail
      // is kept, detached from the record.
      await sequelize.query("DELETE FROM sync_jobs WHERE tracking_id = $1", { bind: [trackingId], transaction });
      await sequelize.query("DELETE FROM event_notifications WHERE tracking_id = $1", {
        bind: [trackingId],
        transaction,
      });
      await sequelize.query("UPDATE api_audit_log SET tracking_id = NULL WHERE tracking_id = $1", {
        bind: [trackingId],
        transaction,
      });
      const [counted] = await sequelize.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM tracking_events WHERE tracking_id = $1",
        { bind: [trackingId], type: QueryTypes.SELECT, transaction },
      );
      await noteChange(trackingId, "DELETED", transaction);
      await sequelize.query("DELETE FROM tracking_records WHERE tracking_id = $1", { bind: [trackingId], transaction });
      // Registered at 17TRACK meanwhile, or a registration call in flight: 17TRACK may hold it after all.
      const upstreamSince = (registered(locked) && !registered(r)) || locked.registering;
      return { eventsDeleted: counted?.n ?? 0, upstreamSince, item: itemOf(locked) };
    });
    if (removed.upstreamSince) {
      // Best effort after the commit: the record is gone here either way; 17TRACK answers "not registered" if it
      // never got the number.
      await upstream(() => client.deleteTrack([removed.item])).catch(() => undefined);
    }
    return { eventsDeleted: removed.eventsDeleted };
  }

  return { refresh, update, remove };
}

export type TrackingCommands = ReturnType<typeof createTrackingCommands>;
