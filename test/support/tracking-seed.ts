// Test factories for tracking rows, written straight into a suite's database (no ingest, no upstream): a record with
// any columns set, and events with fresh sequences. Column names are the SQL ones, so a test can set any column,
// including the ones the models fill themselves (created_at, updated_at).
import { QueryTypes, type Sequelize } from "sequelize";

let numberSeq = 0;

/** A fresh tracking number unique within the process. */
export function freshNumber(prefix = "TST"): string {
  numberSeq += 1;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${String(numberSeq).padStart(5, "0")}`;
}

export async function carrierId(sequelize: Sequelize, code: string): Promise<number> {
  const [row] = await sequelize.query<{ id: number }>("SELECT carrier_id AS id FROM carriers WHERE carrier_code = $1", {
    type: QueryTypes.SELECT,
    bind: [code],
  });
  if (!row) throw new Error(`no carrier ${code} in the test database`);
  return row.id;
}

/** Inserts a tracking record; `columns` are SQL column names. Returns its tracking_id. */
export async function insertRecord(
  sequelize: Sequelize,
  columns: Record<string, unknown> & { carrier_id: number },
): Promise<string> {
  const row: Record<string, unknown> = {
    tracking_number: freshNumber(),
    current_status: "IN_TRANSIT",
    // Not PENDING: the app's registrar would pick the row up, register it at the simulator and touch updated_at.
    registration_state: "ACCEPTED",
    ...columns,
  };
  const names = Object.keys(row);
  const values = names.map((n) => {
    const v = row[n];
    if (v instanceof Date) return v.toISOString();
    if (v !== null && typeof v === "object") return JSON.stringify(v);
    return v;
  });
  // Dates travel as ISO text with zone and are converted to UTC wall time (TIMESTAMP columns have no zone).
  const placeholders = names.map((n, i) =>
    row[n] instanceof Date ? `($${i + 1}::timestamptz AT TIME ZONE 'UTC')` : `$${i + 1}`,
  );
  const [result] = await sequelize.query<{ id: string }>(
    `INSERT INTO tracking_records (${names.join(", ")}) VALUES (${placeholders.join(", ")}) RETURNING tracking_id AS id`,
    { type: QueryTypes.SELECT, bind: values },
  );
  if (!result) throw new Error("insert returned nothing");
  return result.id;
}

export interface EventSeed {
  status?: string;
  substatus?: string | null;
  time: Date;
  country?: string | null;
  state?: string | null;
  city?: string | null;
  postalCode?: string | null;
  address?: string | null;
  description?: string | null;
  providerKey?: number | null;
  weightKg?: string | null;
  raw?: Record<string, unknown> | null;
}

const sequences = new Map<string, number>();

/** Inserts events in one statement, continuing the record's sequence numbers. Returns their event ids in order. */
export async function insertEvents(sequelize: Sequelize, trackingId: string, events: EventSeed[]): Promise<string[]> {
  if (events.length === 0) return [];
  const start = sequences.get(trackingId) ?? 0;
  sequences.set(trackingId, start + events.length);
  const col = <T>(f: (e: EventSeed) => T) => events.map(f);
  const rows = await sequelize.query<{ id: string }>(
    `INSERT INTO tracking_events (tracking_id, event_sequence, event_status, event_substatus, event_timestamp,
       location_country, location_state, location_city, location_postal_code, location_full_address,
       event_description, provider_key, weight_kg, raw_event_data)
     SELECT $1, s.seq, s.status, s.substatus, s.ts::timestamptz AT TIME ZONE 'UTC', s.country, s.state, s.city,
       s.postal, s.address, s.description, s.provider, s.weight::numeric, s.raw::jsonb
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::int[], $13::text[], $14::text[])
       AS s(seq, status, substatus, ts, country, state, city, postal, address, description, provider, weight, raw)
     RETURNING event_id AS id`,
    {
      type: QueryTypes.SELECT,
      bind: [
        trackingId,
        events.map((_, i) => start + i + 1),
        col((e) => e.status ?? "IN_TRANSIT"),
        col((e) => e.substatus ?? null),
        col((e) => e.time.toISOString()),
        col((e) => e.country ?? null),
        col((e) => e.state ?? null),
        col((e) => e.city ?? null),
        col((e) => e.postalCode ?? null),
        col((e) => e.address ?? null),
        col((e) => e.description ?? null),
        col((e) => e.providerKey ?? null),
        col((e) => e.weightKg ?? null),
        col((e) => (e.raw ? JSON.stringify(e.raw) : null)),
      ],
    },
  );
  return rows.map((r) => String(r.id));
}

/** Inserts `count` events for one record with generate_series (for volume tests); times one second apart. */
export async function insertManyEvents(
  sequelize: Sequelize,
  trackingId: string,
  count: number,
  firstTime: Date,
): Promise<void> {
  const start = sequences.get(trackingId) ?? 0;
  sequences.set(trackingId, start + count);
  await sequelize.query(
    `INSERT INTO tracking_events (tracking_id, event_sequence, event_status, event_timestamp, location_country,
       location_city, event_description, provider_key)
     SELECT $1, $2::int + g, 'IN_TRANSIT', ($3::timestamptz AT TIME ZONE 'UTC') + g * interval '1 second', 'DE',
       'Berlin', 'Sorted at "Hub ' || g || '", Berlin', 100002
     FROM generate_series(1, $4::int) g`,
    { bind: [trackingId, start, firstTime.toISOString(), count] },
  );
}
