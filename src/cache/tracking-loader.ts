// What the tracking cache loads from Postgres on a miss: the GetTracking record (mapped exactly as the handler maps
// it), the head of the event timeline, the shipment's change times (ADAPTIVE) and its change-feed version.
import { QueryTypes, type Sequelize } from "sequelize";
import type { TrackingEvent, TrackingRecord } from "../../gen/waybill/v1/types_pb.js";
import type { EventsCursor } from "../domain/cache/events-page.js";
import { ADAPTIVE_RECENT_CHANGES } from "../domain/cache/ttl.js";
import { type CarrierRefData, toTrackingEventProto, toTrackingRecordProto } from "../rpc/mappers/tracking.js";
import type { TrackingReads } from "../store/tracking-reads.js";

/** The first events of a timeline in ascending order, each with its page cursor. */
export interface EventsHeadData {
  /** The shipment's current status (status_cache.cached_status of the events row). */
  readonly status: string;
  readonly events: TrackingEvent[];
  readonly cursors: EventsCursor[];
  /** More events follow the ones held. */
  readonly more: boolean;
}

export interface TrackingLoader {
  /**
   * The newest change_id of the shipment (0 when it has none left). Read BEFORE the data it versions: the version
   * can then only understate the data, never claim a change the data does not contain.
   */
  version(trackingId: string): Promise<number>;
  record(trackingId: string): Promise<TrackingRecord | undefined>;
  eventsHead(trackingId: string, limit: number): Promise<EventsHeadData | undefined>;
  /** When the shipment's status or events last changed (newest first, a few). */
  changeTimes(trackingId: string): Promise<Date[]>;
  /** Tracking numbers of the given shipments (those still present). */
  numbers(trackingIds: readonly string[]): Promise<string[]>;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * Postgres's text of a TIMESTAMP from the Date pg parsed it into. Exact for our events: ingest writes their times from
 * JS Dates (millisecond precision), so no microseconds exist to be lost.
 */
export function pgTimestampText(d: Date): string {
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3).replace(/0+$/, "")}`;
}

export function createTrackingLoader(deps: { sequelize: Sequelize; reads: TrackingReads }): TrackingLoader {
  const { sequelize, reads } = deps;
  const select = <T extends object>(sql: string, bind: unknown[]) =>
    sequelize.query<T>(sql, { type: QueryTypes.SELECT, bind });

  async function providers(keys: Iterable<number | null>): Promise<Map<number, CarrierRefData>> {
    const wanted = [...keys].filter((k): k is number => k !== null);
    return wanted.length === 0 ? new Map() : reads.providers(wanted);
  }

  return {
    async version(trackingId) {
      // Backward probe of idx_changes_tracking (tracking_id, change_id).
      const [row] = await select<{ v: string | null }>(
        "SELECT max(change_id)::text AS v FROM tracking_changes WHERE tracking_id = $1",
        [trackingId],
      );
      return row?.v ? Number(row.v) : 0;
    },

    async record(trackingId) {
      const found = await reads.getById(trackingId);
      if (!found) return undefined;
      const latest = await reads.latestEvent(trackingId);
      const known = latest ? await providers([latest.providerKey]) : new Map();
      const latestEvent = latest ? toTrackingEventProto(latest, { raw: false, providers: known }) : undefined;
      return toTrackingRecordProto(found.record, found.carrier, latestEvent);
    },

    async eventsHead(trackingId, limit) {
      const [rec] = await select<{ status: string }>(
        "SELECT current_status AS status FROM tracking_records WHERE tracking_id = $1",
        [trackingId],
      );
      if (!rec) return undefined;
      const page = await reads.listEvents(trackingId, { filter: {}, order: "asc", limit });
      const known = await providers(page.rows.map((r) => r.providerKey));
      return {
        status: rec.status,
        events: page.rows.map((r) => toTrackingEventProto(r, { raw: false, providers: known })),
        cursors: page.rows.map((r) => ({ t: pgTimestampText(r.eventTimestamp), id: String(r.eventId) })),
        more: page.next !== undefined,
      };
    },

    async changeTimes(trackingId) {
      const rows = await select<{ at: Date }>(
        `SELECT created_at AS at FROM tracking_changes
         WHERE tracking_id = $1 AND (status_changed OR new_events > 0)
         ORDER BY change_id DESC LIMIT $2`,
        [trackingId, ADAPTIVE_RECENT_CHANGES],
      );
      return rows.map((r) => r.at);
    },

    async numbers(trackingIds) {
      if (trackingIds.length === 0) return [];
      const rows = await select<{ n: string }>(
        "SELECT DISTINCT tracking_number AS n FROM tracking_records WHERE tracking_id = ANY($1::uuid[])",
        [[...trackingIds]],
      );
      return rows.map((r) => r.n);
    },
  };
}
