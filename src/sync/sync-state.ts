// What planning a record's next sync reads from `tracking_records`, shared by the job outcomes (outcome.ts) and
// the re-plan after a rule change (reschedule.ts), so both plan from the same columns and the same rule match.
import type { SyncState } from "../domain/sync/next-sync.js";
import { matchRule, type ScheduleRule } from "../domain/sync/schedule-rule.js";
import type { Status } from "../domain/tracking/status.js";

export interface SyncStateRow {
  current_status: Status;
  carrier_id: number;
  destination_country: string | null;
  is_delivered: boolean | null;
  is_exception: boolean | null;
  is_expired: boolean | null;
  tracking_stopped: boolean;
  created_at: Date;
  registered_at: Date | null;
  actual_delivery_date: Date | null;
  latest_event_at: Date | null;
  last_synced_at: Date | null;
}

/** The SELECT list of a SyncStateRow. */
export const SYNC_STATE_COLUMNS = `current_status, carrier_id, destination_country, is_delivered, is_exception,
  is_expired, tracking_stopped, created_at, registered_at, actual_delivery_date, latest_event_at, last_synced_at`;

export function syncStateOf(row: SyncStateRow, lastSyncedAt: Date | null): SyncState {
  return {
    status: row.current_status,
    isDelivered: row.is_delivered ?? false,
    isException: row.is_exception ?? false,
    isExpired: row.is_expired ?? false,
    trackingStopped: row.tracking_stopped,
    // Max age counts from registration at 17TRACK (PRD §2.1.8 "stop syncing after X days").
    createdAt: row.registered_at ?? row.created_at,
    deliveredAt: row.actual_delivery_date,
    latestEventAt: row.latest_event_at,
    lastSyncedAt,
  };
}

/** The schedule rule that governs a record. */
export const ruleForRow = (rules: readonly ScheduleRule[], row: SyncStateRow): ScheduleRule =>
  matchRule(rules, {
    carrierId: row.carrier_id,
    status: row.current_status,
    destinationCountry: row.destination_country,
  });
