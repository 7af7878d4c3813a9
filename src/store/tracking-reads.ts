// Reads of tracking_records / tracking_events for the TrackingService queries (PRD §4.3.1). Plain SQL with bind
// parameters: every read is one statement whose shape (keyset page, LATERAL newest event) is clearer as SQL, and rows
// come back in the camelCase shape the mappers take (src/rpc/mappers/tracking.ts), so no model instance leaves here.
//
// Pagination is keyset, never OFFSET: a page starts strictly after the last row of the previous one on a unique sort
// key (sort value, then the primary key), so rows inserted meanwhile cannot shift pages into duplicates or gaps.
// Sort values travel in cursors as Postgres's own text of the column (microseconds intact; a JS Date would cut them
// to milliseconds and a row could be skipped or repeated at the boundary).
import { QueryTypes, type Sequelize } from "sequelize";
import type { CarrierRefData, TrackingEventRowData, TrackingRecordRowData } from "../rpc/mappers/tracking.js";
import type {
  EventCursor,
  EventPage,
  EventPageQuery,
  RecordWithCarrier,
  SearchSortKey,
  TrackingReads,
} from "./tracking-read-types.js";

export type * from "./tracking-read-types.js";

const RECORD_COLUMNS = `
  r.tracking_id AS "trackingId", r.tracking_number AS "trackingNumber", r.carrier_id AS "carrierId",
  r.current_status AS "currentStatus", r.current_substatus AS "currentSubstatus", r.status_code AS "statusCode",
  r.current_location AS "currentLocation", r.current_location_country AS "currentLocationCountry",
  r.current_location_city AS "currentLocationCity", r.origin_country AS "originCountry",
  r.destination_country AS "destinationCountry",
  to_char(r.estimated_delivery_date, 'YYYY-MM-DD') AS "estimatedDeliveryDate",
  r.actual_delivery_date AS "actualDeliveryDate", r.recipient_name AS "recipientName",
  r.customer_reference AS "customerReference", r.order_id AS "orderId",
  r.auto_refresh_enabled AS "autoRefreshEnabled", r.sync_interval_minutes AS "syncIntervalMinutes",
  r.last_synced_at AS "lastSyncedAt", r.next_sync_at AS "nextSyncAt", r.sync_retry_count AS "syncRetryCount",
  r.max_sync_retries AS "maxSyncRetries", r.is_delivered AS "isDelivered", r.is_exception AS "isException",
  r.is_expired AS "isExpired", r.requires_attention AS "requiresAttention",
  r.registration_state AS "registrationState", r.registration_error_code AS "registrationErrorCode",
  r.registration_error_message AS "registrationErrorMessage", r.track17_carrier_key AS "track17CarrierKey",
  r.registered_at AS "registeredAt", r.priority, r.event_count AS "eventCount", r.cache_strategy AS "cacheStrategy",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt",
  c.carrier_code AS "carrierCode", c.carrier_name AS "carrierName", c.track17_key AS "carrierTrack17Key"`;

const EVENT_COLUMNS = `
  e.event_id AS "eventId", e.tracking_id AS "trackingId", e.event_sequence AS "eventSequence",
  e.event_status AS "eventStatus", e.event_substatus AS "eventSubstatus", e.event_status_code AS "eventStatusCode",
  e.location_country AS "locationCountry", e.location_state AS "locationState", e.location_city AS "locationCity",
  e.location_postal_code AS "locationPostalCode", e.location_full_address AS "locationFullAddress",
  e.location_timezone AS "locationTimezone", e.event_description AS "eventDescription",
  e.event_description_cn AS "eventDescriptionCn", e.event_timestamp AS "eventTimestamp",
  e.event_timezone_offset AS "eventTimezoneOffset", e.facility_name AS "facilityName",
  e.carrier_event_code AS "carrierEventCode", e.weight_kg AS "weightKg", e.dimensions_cm AS "dimensionsCm",
  e.provider_key AS "providerKey", e.created_at AS "createdAt"`;

/** Sort expression of each search key. next_sync_at is NULL once syncing stopped; such records sort as "never". */
const SORT_EXPRESSIONS: Record<SearchSortKey, { expr: string; cast: string }> = {
  created_at: { expr: "r.created_at", cast: "timestamp" },
  updated_at: { expr: "r.updated_at", cast: "timestamp" },
  next_sync_at: { expr: "COALESCE(r.next_sync_at, 'infinity'::timestamp)", cast: "timestamp" },
  tracking_number: { expr: "r.tracking_number", cast: "text" },
};

type RecordSqlRow = TrackingRecordRowData & {
  carrierId: number;
  carrierCode: string;
  carrierName: string;
  carrierTrack17Key: number | null;
};

function splitCarrier(row: RecordSqlRow): RecordWithCarrier {
  const { carrierCode, carrierName, carrierTrack17Key, ...record } = row;
  return { record, carrier: { carrierCode, carrierName, track17Key: carrierTrack17Key } };
}

/** A LIKE pattern matching values that start with `prefix` literally (backslash is Postgres's default escape). */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Timestamps are bound as ISO text with an explicit zone and converted to UTC wall time in SQL: pg would otherwise
 * send a Date in the process's local zone, and a TIMESTAMP (without zone) column drops the offset.
 */
const utc = (date: Date) => date.toISOString();
const UTC_PARAM = (p: string) => `(${p}::timestamptz AT TIME ZONE 'UTC')`;

function oneOf<T>(column: string, values: readonly T[], type: string, param: (v: unknown) => string): string {
  return values.length === 1 ? `${column} = ${param(values[0])}` : `${column} = ANY(${param(values)}::${type}[])`;
}

/** Collects bind parameters and hands out their $n placeholders. */
function binder() {
  const bind: unknown[] = [];
  return {
    bind,
    param(value: unknown): string {
      bind.push(value);
      return `$${bind.length}`;
    },
  };
}

export function createTrackingReads(sequelize: Sequelize): TrackingReads {
  const select = <T extends object>(sql: string, bind: unknown[]) =>
    sequelize.query<T>(sql, { type: QueryTypes.SELECT, bind });

  const recordSelect = (raw?: boolean) =>
    `SELECT ${RECORD_COLUMNS}${raw ? `, r.raw_api_response AS "rawApiResponse"` : ""}
     FROM tracking_records r JOIN carriers c ON c.carrier_id = r.carrier_id`;

  async function carrierIds(codes: readonly string[]): Promise<number[]> {
    const rows = await select<{ id: number }>(
      `SELECT carrier_id AS id FROM carriers WHERE carrier_code = ANY($1::text[]) ORDER BY carrier_id`,
      [codes],
    );
    return rows.map((r) => r.id);
  }

  async function listEvents(trackingId: string, q: EventPageQuery): Promise<EventPage> {
    const { bind, param } = binder();
    const where = [`e.tracking_id = ${param(trackingId)}`];
    const f = q.filter;
    if (f.from) where.push(`e.event_timestamp >= ${UTC_PARAM(param(utc(f.from)))}`);
    if (f.to) where.push(`e.event_timestamp < ${UTC_PARAM(param(utc(f.to)))}`);
    if (f.statuses?.length) where.push(`e.event_status = ANY(${param(f.statuses)}::text[])`);
    if (f.country) where.push(`e.location_country = ${param(f.country)}`);
    if (f.city) where.push(`lower(e.location_city) = lower(${param(f.city)})`);
    const cmp = q.order === "asc" ? ">" : "<";
    if (q.after) {
      where.push(
        `(e.event_timestamp, e.event_id) ${cmp} (${param(q.after.t)}::timestamp, ${param(q.after.id)}::bigint)`,
      );
    }
    const dir = q.order === "asc" ? "ASC" : "DESC";
    const rows = await select<TrackingEventRowData & { cursorT: string }>(
      `SELECT ${EVENT_COLUMNS}, e.event_timestamp::text AS "cursorT"
         ${q.raw ? `, e.raw_event_data AS "rawEventData"` : ""}
       FROM tracking_events e
       WHERE ${where.join(" AND ")}
       ORDER BY e.event_timestamp ${dir}, e.event_id ${dir}
       LIMIT ${param(q.limit + 1)}`,
      bind,
    );
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page.at(-1);
    return {
      rows: page.map(({ cursorT: _, ...row }) => row),
      next: more && last ? { t: last.cursorT, id: String(last.eventId) } : undefined,
    };
  }

  return {
    async getById(trackingId, opts = {}) {
      const [row] = await select<RecordSqlRow>(`${recordSelect(opts.raw)} WHERE r.tracking_id = $1`, [trackingId]);
      return row ? splitCarrier(row) : undefined;
    },

    async getByIds(trackingIds) {
      const rows = await select<RecordSqlRow>(`${recordSelect()} WHERE r.tracking_id = ANY($1::uuid[])`, [
        [...trackingIds],
      ]);
      return new Map(rows.map((row) => [row.trackingId, splitCarrier(row)]));
    },

    async getByNumber(trackingNumber, carrierCode, opts = {}) {
      const { bind, param } = binder();
      let sql = `${recordSelect(opts.raw)} WHERE r.tracking_number = ${param(trackingNumber)}`;
      if (carrierCode) sql += ` AND c.carrier_code = ${param(carrierCode)}`;
      const rows = await select<RecordSqlRow>(`${sql} ORDER BY c.carrier_code`, bind);
      const [first] = rows;
      if (!first) return { kind: "none" };
      if (rows.length > 1) return { kind: "ambiguous", carrierCodes: rows.map((r) => r.carrierCode) };
      return { kind: "found", value: splitCarrier(first) };
    },

    async exists(trackingId) {
      const rows = await select(`SELECT 1 FROM tracking_records WHERE tracking_id = $1`, [trackingId]);
      return rows.length > 0;
    },

    async eventsAfterId(trackingId, afterEventId, limit) {
      return select<TrackingEventRowData>(
        `SELECT ${EVENT_COLUMNS} FROM tracking_events e
         WHERE e.tracking_id = $1 AND e.event_id > $2 ORDER BY e.event_id LIMIT $3`,
        [trackingId, afterEventId, limit],
      );
    },

    async latestEvent(trackingId, opts = {}) {
      const [row] = await select<TrackingEventRowData>(
        `SELECT ${EVENT_COLUMNS}${opts.raw ? `, e.raw_event_data AS "rawEventData"` : ""}
         FROM tracking_events e WHERE e.tracking_id = $1
         ORDER BY e.event_timestamp DESC, e.event_id DESC LIMIT 1`,
        [trackingId],
      );
      return row;
    },

    async latestEvents(trackingIds) {
      if (trackingIds.length === 0) return new Map();
      // LATERAL: one backward index probe per record, however long its timeline.
      const rows = await select<TrackingEventRowData>(
        `SELECT ${EVENT_COLUMNS}
         FROM unnest($1::uuid[]) AS t(id)
         CROSS JOIN LATERAL (
           SELECT * FROM tracking_events x WHERE x.tracking_id = t.id
           ORDER BY x.event_timestamp DESC, x.event_id DESC LIMIT 1
         ) e`,
        [trackingIds],
      );
      return new Map(rows.map((r) => [r.trackingId, r]));
    },

    async providers(keys) {
      const list = [...new Set(keys)];
      if (list.length === 0) return new Map();
      const rows = await select<CarrierRefData & { track17Key: number }>(
        `SELECT carrier_code AS "carrierCode", carrier_name AS "carrierName", track17_key AS "track17Key"
         FROM carriers WHERE track17_key = ANY($1::int[])`,
        [list],
      );
      return new Map(rows.map((r) => [r.track17Key, r]));
    },

    listEvents,

    async *exportEvents(trackingId, filter, opts) {
      const limit = opts.chunkSize ?? 1_000;
      const read = (after?: EventCursor) => listEvents(trackingId, { filter, order: opts.order, limit, after });
      // The next chunk is read while the caller handles this one (at most two chunks in memory), so the database
      // and the encoding/transport overlap instead of taking turns.
      let pending: Promise<EventPage> | undefined = read();
      try {
        while (pending) {
          opts.signal?.throwIfAborted();
          const page: EventPage = await pending;
          pending = page.next ? read(page.next) : undefined;
          if (page.rows.length > 0) yield page.rows;
        }
      } finally {
        // Abandoned early (error, abort, caller stopped): nobody awaits the read in flight any more.
        pending?.catch(() => {});
      }
    },

    async search(q) {
      const { bind, param } = binder();
      const c = q.criteria;
      const where: string[] = [];
      // A single value is bound as `=`, not `= ANY`, so the (value, created_at, id) indexes also give the order.
      if (c.statuses?.length) where.push(oneOf("r.current_status", c.statuses, "text", param));
      if (c.carrierCodes?.length) {
        const ids = await carrierIds(c.carrierCodes);
        if (ids.length === 0) return { rows: [] };
        where.push(oneOf("r.carrier_id", ids, "int", param));
      }
      if (c.customerReference) where.push(`r.customer_reference = ${param(c.customerReference)}`);
      if (c.orderId) where.push(`r.order_id = ${param(c.orderId)}`);
      if (c.numberPrefix) where.push(`r.tracking_number LIKE ${param(prefixPattern(c.numberPrefix))}`);
      if (c.destinationCountry) where.push(`r.destination_country = ${param(c.destinationCountry)}`);
      // Spelled as literals so the partial index (WHERE requires_attention = true) matches; NULL counts as false.
      if (c.requiresAttention === true) where.push("r.requires_attention = true");
      if (c.requiresAttention === false) where.push("r.requires_attention IS NOT TRUE");
      if (c.delivered === true) where.push("r.is_delivered = true");
      if (c.delivered === false) where.push("r.is_delivered IS NOT TRUE");
      if (c.createdFrom) where.push(`r.created_at >= ${UTC_PARAM(param(utc(c.createdFrom)))}`);
      if (c.createdTo) where.push(`r.created_at < ${UTC_PARAM(param(utc(c.createdTo)))}`);
      if (c.updatedFrom) where.push(`r.updated_at >= ${UTC_PARAM(param(utc(c.updatedFrom)))}`);
      if (c.updatedTo) where.push(`r.updated_at < ${UTC_PARAM(param(utc(c.updatedTo)))}`);
      const { expr, cast } = SORT_EXPRESSIONS[q.sort];
      const cmp = q.order === "asc" ? ">" : "<";
      if (q.after) {
        where.push(`(${expr}, r.tracking_id) ${cmp} (${param(q.after.k)}::${cast}, ${param(q.after.id)}::uuid)`);
      }
      const dir = q.order === "asc" ? "ASC" : "DESC";
      const rows = await select<RecordSqlRow & { cursorK: string }>(
        `${recordSelect(false).replace("SELECT", `SELECT (${expr})::text AS "cursorK",`)}
         ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY ${expr} ${dir}, r.tracking_id ${dir}
         LIMIT ${param(q.limit + 1)}`,
        bind,
      );
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page.at(-1);
      return {
        rows: page.map(({ cursorK: _, ...row }) => splitCarrier(row)),
        next: more && last ? { k: last.cursorK, id: last.trackingId } : undefined,
      };
    },
  };
}
