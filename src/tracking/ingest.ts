// The one ingest function (DESIGN data paths 2 and 3): sync, push and refresh all land here. Per shipment and in one
// transaction: lock the record, insert the answer's new events (deduplicated by fingerprint, so a repeated push or
// an overlapping page inserts nothing twice), renumber the timeline when a late event arrived, apply the
// non-regressing state update, and write a change-feed row (the outbox the cache and Watch streams work from).
import type { Logger } from "pino";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { NormalizedEvent } from "../domain/tracking/normalize.js";
import { normalizeTrackInfo } from "../domain/tracking/normalize.js";
import { planRecordUpdate, requiresAttention } from "../domain/tracking/plan-update.js";
import { parseStatus, type Status } from "../domain/tracking/status.js";
import { jsonForPostgres } from "../store/json-text.js";
import { notifyChanges } from "./change-feed.js";
import type { Ingest, IngestInput, IngestResult } from "./ingest-port.js";

interface LockedRecord {
  tracking_id: string;
  current_status: string;
  current_substatus: string | null;
  latest_event_at: Date | null;
  registration_state: string;
  current_location: string | null;
  origin_country: string | null;
  destination_country: string | null;
  eta: string | null;
  actual_delivery_date: Date | null;
  is_expired: boolean | null;
  requires_attention: boolean | null;
}

// The row lock serialises ingests of one shipment. The next sequence is read by the INSERT itself: a statement that
// waited for the lock sees the lock holder's commit only from its next statement on (READ COMMITTED), so a max()
// taken inside the locking SELECT would miss the events just committed and collide on (tracking_id, event_sequence).
const LOCK_COLUMNS = `r.tracking_id, r.current_status, r.current_substatus, r.latest_event_at, r.registration_state,
  r.current_location, r.origin_country, r.destination_country, to_char(r.estimated_delivery_date, 'YYYY-MM-DD') AS eta,
  r.actual_delivery_date, r.is_expired, r.requires_attention`;

// A number tracked on several carriers: the record whose carrier 17TRACK names wins, else the oldest.
const LOCK_BY_NUMBER = `SELECT ${LOCK_COLUMNS}
  FROM tracking_records r JOIN carriers c ON c.carrier_id = r.carrier_id
  WHERE r.tracking_number = $1
  ORDER BY (r.track17_carrier_key = $2 OR c.track17_key = $2) DESC NULLS LAST, r.created_at
  LIMIT 1 FOR UPDATE OF r`;
const LOCK_BY_ID = `SELECT ${LOCK_COLUMNS} FROM tracking_records r WHERE r.tracking_id = $1 FOR UPDATE`;

// The answer's events travel as one JSON document: one JSON.stringify in Node and Postgres' C parser, instead of
// sixteen text arrays that pg would escape element by element.
const INSERT_EVENTS = `
  INSERT INTO tracking_events (tracking_id, event_sequence, event_status, event_substatus, event_status_code,
    location_country, location_state, location_city, location_postal_code, location_full_address,
    event_description, event_description_cn, event_timestamp, event_timezone_offset, carrier_event_code,
    raw_event_data, fingerprint, provider_key)
  SELECT $1, (SELECT coalesce(max(event_sequence), 0) FROM tracking_events WHERE tracking_id = $1) + e.ord, t.s, t.ss, t.c, t.co, t.st, t.ci, t.pc, t.ad, t.d, t.dc, t.ts, t.tz, t.sg, t.r, t.fp, t.pk
  FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(j, ord),
    jsonb_to_record(e.j) AS t(s text, ss text, c int, co text, st text, ci text, pc text, ad text, d text, dc text,
      ts timestamp, tz text, sg text, r jsonb, fp text, pk int)
  ORDER BY e.ord
  ON CONFLICT (tracking_id, fingerprint) DO NOTHING
  RETURNING event_timestamp`;

// Two passes through negative numbers so the unique (tracking_id, event_sequence) never sees a transient clash.
const RENUMBER_NEGATIVE = `
  UPDATE tracking_events e SET event_sequence = -r.rn
  FROM (SELECT event_id, row_number() OVER (ORDER BY event_timestamp, event_id)::int AS rn
        FROM tracking_events WHERE tracking_id = $1) r
  WHERE e.event_id = r.event_id AND e.event_sequence <> r.rn`;
const RENUMBER_FLIP = `UPDATE tracking_events SET event_sequence = -event_sequence WHERE tracking_id = $1 AND event_sequence < 0`;

function eventsDocument(events: NormalizedEvent[]): string {
  return jsonForPostgres(
    events.map((e) => ({
      s: e.status,
      ss: e.subStatus,
      c: e.statusCode,
      co: e.country,
      st: e.state,
      ci: e.city,
      pc: e.postalCode,
      ad: e.fullAddress,
      d: e.description,
      dc: e.descriptionCn,
      ts: e.time.utc.toISOString(),
      tz: e.time.offset,
      sg: e.stage,
      r: e.raw,
      fp: e.fingerprint,
      pk: e.providerKey || null,
    })),
  );
}

export function createIngest(deps: { sequelize: Sequelize; logger: Logger }): Ingest {
  const { sequelize } = deps;

  async function apply(input: IngestInput, transaction: Transaction): Promise<IngestResult | undefined> {
    const [record] = await sequelize.query<LockedRecord>(input.trackingId ? LOCK_BY_ID : LOCK_BY_NUMBER, {
      bind: input.trackingId ? [input.trackingId] : [input.trackingNumber, input.track17CarrierKey ?? null],
      type: QueryTypes.SELECT,
      transaction,
    });
    if (!record) return undefined;

    const normalized = normalizeTrackInfo(input.trackInfo ?? ({} as never));
    const previousStatus: Status = parseStatus(record.current_status) ?? "NOT_FOUND";
    let newEvents = 0;
    if (normalized.events.length > 0) {
      const inserted = await sequelize.query<{ event_timestamp: Date }>(INSERT_EVENTS, {
        bind: [record.tracking_id, eventsDocument(normalized.events)],
        type: QueryTypes.SELECT,
        transaction,
      });
      newEvents = inserted.length;
      // Appends ordered by time keep 1..n as they are; a late event or a skipped duplicate needs a renumber.
      const appendOnly =
        newEvents === normalized.events.length &&
        (record.latest_event_at === null ||
          inserted.every((e) => e.event_timestamp.getTime() >= (record.latest_event_at as Date).getTime()));
      if (newEvents > 0 && !appendOnly) {
        await sequelize.query(RENUMBER_NEGATIVE, { bind: [record.tracking_id], transaction });
        await sequelize.query(RENUMBER_FLIP, { bind: [record.tracking_id], transaction });
      }
    }

    const plan = planRecordUpdate(
      {
        status: previousStatus,
        subStatus: record.current_substatus,
        latestEventAt: record.latest_event_at,
        registrationRejected: record.registration_state === "REJECTED",
      },
      normalized,
    );
    const status = plan.patch?.currentStatus ?? previousStatus;
    const now = new Date();
    const attention = requiresAttention(status, record.registration_state === "REJECTED");
    const p = plan.patch;
    const shownChanged =
      p !== undefined &&
      (p.currentSubstatus !== record.current_substatus ||
        p.currentLocation !== record.current_location ||
        (p.originCountry ?? record.origin_country) !== record.origin_country ||
        (p.destinationCountry ?? record.destination_country) !== record.destination_country ||
        (p.estimatedDeliveryDate ?? record.eta) !== record.eta ||
        (p.actualDeliveryDate?.getTime() ?? null) !== (record.actual_delivery_date?.getTime() ?? null) ||
        p.isExpired !== Boolean(record.is_expired) ||
        attention !== Boolean(record.requires_attention));
    await sequelize.query(
      // The change-feed row rides in the same statement (one round trip less per shipment), only when something a
      // reader sees changed: new events, the status, or another shown field (shownChanged, decided above).
      `WITH u AS (UPDATE tracking_records SET
         current_status = coalesce($2, current_status), current_substatus = CASE WHEN $2 IS NULL THEN current_substatus ELSE $3 END,
         status_code = coalesce($4, status_code),
         current_location = CASE WHEN $2 IS NULL THEN current_location ELSE $5 END,
         current_location_country = CASE WHEN $2 IS NULL THEN current_location_country ELSE $6 END,
         current_location_city = CASE WHEN $2 IS NULL THEN current_location_city ELSE $7 END,
         origin_country = coalesce($8, origin_country), destination_country = coalesce($9, destination_country),
         estimated_delivery_date = coalesce($10::date, estimated_delivery_date),
         actual_delivery_date = CASE WHEN $2 IS NULL THEN actual_delivery_date ELSE $11 END,
         is_delivered = coalesce($12, is_delivered), is_exception = coalesce($13, is_exception),
         is_expired = coalesce($14, is_expired), latest_event_at = coalesce($15, latest_event_at),
         requires_attention = $16 OR (requires_attention AND $17),
         event_count = event_count + $18, raw_api_response = $19, api_response_cached_at = $20,
         last_synced_at = $20, updated_at = $20
       WHERE tracking_id = $1 RETURNING tracking_id, current_status),
       c AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status, status_changed, new_events,
               previous_status)
             SELECT tracking_id, 'UPDATED', current_status, $21, $18, $22 FROM u WHERE $18 > 0 OR $21 OR $23
             RETURNING change_id)
       ${notifyChanges("c")}`,
      {
        bind: [
          record.tracking_id,
          plan.patch?.currentStatus ?? null,
          plan.patch?.currentSubstatus ?? null,
          plan.patch?.statusCode ?? null,
          plan.patch?.currentLocation ?? null,
          plan.patch?.currentLocationCountry ?? null,
          plan.patch?.currentLocationCity ?? null,
          plan.patch?.originCountry ?? null,
          plan.patch?.destinationCountry ?? null,
          plan.patch?.estimatedDeliveryDate ?? null,
          // Instants go as ISO text: pg would format a Date in the process's zone, and TIMESTAMP drops the offset.
          plan.patch?.actualDeliveryDate?.toISOString() ?? null,
          plan.patch?.isDelivered ?? null,
          plan.patch?.isException ?? null,
          plan.patch?.isExpired ?? null,
          plan.patch?.latestEventAt?.toISOString() ?? null,
          attention,
          // A stale answer keeps an attention flag raised for other reasons (sync failures) as it is.
          plan.patch === undefined,
          newEvents,
          jsonForPostgres(input.trackInfo ?? null),
          now.toISOString(),
          plan.statusChanged,
          previousStatus,
          shownChanged,
        ],
        transaction,
      },
    );

    return {
      trackingId: record.tracking_id,
      newEvents,
      eventsSeen: normalized.events.length,
      statusChanged: plan.statusChanged,
      previousStatus,
      status,
    };
  }

  return {
    ingest(input, transaction) {
      return transaction ? apply(input, transaction) : sequelize.transaction((tx) => apply(input, tx));
    },
  };
}
