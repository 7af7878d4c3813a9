// Reads and operator updates of `carriers` (PRD §3.1.1) for CarrierService. Plain SQL rather than the models: every
// query here is one statement whose shape (keyset page, aggregate) reads more clearly as SQL, and the repo needs no
// model instances of its own on the shared Sequelize.
import { QueryTypes, type Sequelize } from "sequelize";
import type { CarrierData, CarrierFilter, CarrierStats } from "../domain/carrier.js";
import type { CarrierReads } from "../rpc/carrier-service.js";

/** What UpdateCarrier may change (proto UpdateCarrierRequest); absent fields stay as they are. */
export interface CarrierPatch {
  isActive?: boolean;
  carrierName?: string;
  carrierUrl?: string | null;
  carrierPhone?: string | null;
  trackingUrlTemplate?: string | null;
  supportsPrediction?: boolean;
}

export interface CarrierRepo extends CarrierReads {
  /** Applies the patch and resolves the carrier as it is afterwards; undefined when no carrier has that code. */
  update(code: string, patch: CarrierPatch): Promise<CarrierData | undefined>;
  /** Several carriers in one query, by code; unknown codes are absent. */
  byCodes(codes: readonly string[]): Promise<Map<string, CarrierData>>;
  /** Recomputes avg_delivery_days of every carrier from our own deliveries; resolves how many rows changed. */
  refreshAverages(): Promise<number>;
}

// is_active and supports_prediction are nullable in the PRD DDL (DEFAULT only); NULL reads as the default.
const CARRIER_COLUMNS = `
  carrier_id AS "carrierId", carrier_code AS "carrierCode", carrier_name AS "carrierName",
  carrier_name_cn AS "carrierNameCn", carrier_phone AS "carrierPhone", carrier_url AS "carrierUrl",
  tracking_url_template AS "trackingUrlTemplate", COALESCE(is_active, true) AS "isActive",
  COALESCE(supports_prediction, false) AS "supportsPrediction", avg_delivery_days AS "avgDeliveryDays",
  track17_key AS "track17Key", country_iso AS "countryIso",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Column of each patchable field; the only names ever interpolated into the UPDATE. */
const PATCH_COLUMNS: Record<keyof CarrierPatch, string> = {
  isActive: "is_active",
  carrierName: "carrier_name",
  carrierUrl: "carrier_url",
  carrierPhone: "carrier_phone",
  trackingUrlTemplate: "tracking_url_template",
  supportsPrediction: "supports_prediction",
};

/** A LIKE pattern matching `text` literally anywhere (backslash is Postgres's default LIKE escape). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// Delivered before we registered it says nothing about the carrier's speed, so such records are left out of the
// average (they would pull it towards zero or below).
const STATS_SQL = `
SELECT count(*)::int AS "recordsTracked",
       count(*) FILTER (WHERE is_delivered)::int AS "recordsDelivered",
       avg(extract(epoch FROM actual_delivery_date - created_at) / 86400.0)
         FILTER (WHERE is_delivered AND actual_delivery_date >= created_at)::float8 AS "avgDeliveryDays"
FROM tracking_records
WHERE carrier_id = $1`;

// One statement for all carriers: the same average as STATS_SQL, rounded to the INTEGER column, written only where it
// changed.
const REFRESH_AVERAGES_SQL = `
UPDATE carriers c SET avg_delivery_days = s.days, updated_at = now() AT TIME ZONE 'UTC'
FROM (SELECT carrier_id,
             round(avg(extract(epoch FROM actual_delivery_date - created_at) / 86400.0))::int AS days
      FROM tracking_records
      WHERE is_delivered AND actual_delivery_date >= created_at
      GROUP BY carrier_id) s
WHERE c.carrier_id = s.carrier_id AND c.avg_delivery_days IS DISTINCT FROM s.days
RETURNING c.carrier_id`;

export function createCarrierRepo(sequelize: Sequelize): CarrierRepo {
  const select = <T extends object>(sql: string, bind: unknown[]) =>
    sequelize.query<T>(sql, { type: QueryTypes.SELECT, bind });

  async function byCode(code: string): Promise<CarrierData | undefined> {
    const [row] = await select<CarrierData>(`SELECT ${CARRIER_COLUMNS} FROM carriers WHERE carrier_code = $1`, [code]);
    return row;
  }

  return {
    byCode,

    async list(filter: CarrierFilter): Promise<CarrierData[]> {
      const where: string[] = [];
      const bind: unknown[] = [];
      const param = (value: unknown) => {
        bind.push(value);
        return `$${bind.length}`;
      };
      if (filter.active !== undefined) where.push(`COALESCE(is_active, true) = ${param(filter.active)}`);
      if (filter.query) {
        const p = param(containsPattern(filter.query));
        where.push(`(carrier_code ILIKE ${p} OR carrier_name ILIKE ${p})`);
      }
      if (filter.country) where.push(`country_iso = ${param(filter.country)}`);
      // Keyset pagination on the unique code: stable under concurrent inserts, no OFFSET scans.
      if (filter.afterCode !== undefined) where.push(`carrier_code > ${param(filter.afterCode)}`);
      const limit = param(filter.limit);
      return select<CarrierData>(
        `SELECT ${CARRIER_COLUMNS} FROM carriers
         ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY carrier_code LIMIT ${limit}`,
        bind,
      );
    },

    async stats(carrierId: number): Promise<CarrierStats> {
      const [row] = await select<CarrierStats>(STATS_SQL, [carrierId]);
      return row ?? { recordsTracked: 0, recordsDelivered: 0, avgDeliveryDays: null };
    },

    async byCodes(codes) {
      const rows = await select<CarrierData>(`SELECT ${CARRIER_COLUMNS} FROM carriers WHERE carrier_code = ANY($1)`, [
        [...codes],
      ]);
      return new Map(rows.map((r) => [r.carrierCode, r]));
    },

    async refreshAverages() {
      return (await select(REFRESH_AVERAGES_SQL, [])).length;
    },

    async update(code: string, patch: CarrierPatch): Promise<CarrierData | undefined> {
      const sets: string[] = [];
      const bind: unknown[] = [code];
      for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof CarrierPatch, string][]) {
        const value = patch[field];
        if (value === undefined) continue;
        bind.push(value);
        sets.push(`${column} = $${bind.length}`);
      }
      if (sets.length === 0) return byCode(code);
      // An operator's metadata edit is theirs from now on: the start-up seed no longer refreshes this row.
      if (Object.keys(patch).some((k) => k !== "isActive" && patch[k as keyof CarrierPatch] !== undefined)) {
        sets.push("metadata_edited_at = now() AT TIME ZONE 'UTC'");
      }
      const [row] = await select<CarrierData>(
        `UPDATE carriers SET ${sets.join(", ")}, updated_at = now() AT TIME ZONE 'UTC'
         WHERE carrier_code = $1 RETURNING ${CARRIER_COLUMNS}`,
        bind,
      );
      return row;
    },
  };
}
