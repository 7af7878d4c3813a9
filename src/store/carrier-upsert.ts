// The one statement both carrier writers use: the start-up seed (seed-carriers.ts, matched on carrier_code) and the
// 17TRACK list import (import-carriers.ts, matched on track17_key). They share the columns and the unnest() shape and
// differ only in their ON CONFLICT policy, which each passes in.
//
// The rows travel as one array per column and are expanded by unnest(): a single statement with 10 parameters
// whatever the list's size (one VALUES tuple per carrier would hit Postgres's 65,535-parameter limit near 6,500 rows).
// A policy updates only rows whose metadata really differs, so updated_at moves only when something changed;
// (xmax = 0) tells a freshly inserted row from an updated one. Timestamps are taken in UTC explicitly (DESIGN
// "Conventions").
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { CarrierSeedEntry, CarrierSeedResult } from "./seed-carriers.js";

const INSERT_FROM_ARRAYS = `
INSERT INTO carriers AS c (
  carrier_code, track17_key, carrier_name, carrier_name_cn, carrier_url, carrier_phone, tracking_url_template,
  country_iso, supports_prediction, avg_delivery_days, created_at, updated_at
)
SELECT s.code, s.track17_key, s.name, s.name_cn, s.url, s.phone, s.template,
       s.country, COALESCE(s.supports_prediction, false), s.avg_days,
       now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
FROM unnest($1::varchar[], $2::integer[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[],
            $7::varchar[], $8::varchar[], $9::boolean[], $10::integer[])
     AS s(code, track17_key, name, name_cn, url, phone, template, country, supports_prediction, avg_days)`;

/**
 * Inserts `rows` into `carriers`, resolving conflicts by `onConflict` (an `ON CONFLICT … DO UPDATE … WHERE …`
 * clause over `c` and `EXCLUDED`), and counts what happened to them.
 */
export async function upsertCarriers(
  sequelize: Sequelize,
  rows: readonly CarrierSeedEntry[],
  onConflict: string,
  transaction?: Transaction,
): Promise<CarrierSeedResult> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const written = await sequelize.query<{ inserted: boolean }>(
    `${INSERT_FROM_ARRAYS}\n${onConflict}\nRETURNING (xmax = 0) AS inserted`,
    {
      type: QueryTypes.SELECT,
      transaction,
      bind: [
        rows.map((s) => s.code),
        rows.map((s) => s.track17Key),
        rows.map((s) => s.name),
        rows.map((s) => s.nameCn ?? null),
        rows.map((s) => s.url ?? null),
        rows.map((s) => s.phone ?? null),
        rows.map((s) => s.trackingUrlTemplate ?? null),
        rows.map((s) => s.country || null),
        rows.map((s) => s.supportsPrediction ?? null),
        rows.map((s) => s.avgDeliveryDays ?? null),
      ],
    },
  );
  const inserted = written.filter((r) => r.inserted).length;
  return { inserted, updated: written.length - inserted, unchanged: rows.length - written.length };
}
