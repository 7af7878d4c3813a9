// Writes an imported 17TRACK carrier list into `carriers` (scripts/carriers-import.ts). Unlike the start-up seed
// (seed-carriers.ts), rows are matched on track17_key, the identity 17TRACK gives them, and the import owns
// only the list's columns: carrier_code is set on insert and never renamed, is_active stays the operator's,
// avg_delivery_days stays what our statistics measured, and a template or prediction flag is only ever filled
// in, never cleared, by a list that has none.
import { QueryTypes, type Sequelize, Transaction } from "sequelize";
import type { CarrierSeed } from "../domain/carriers/carrier-seed.js";
import { buildImportRows, parseCarrierList, type RejectedEntry } from "../domain/carriers/import-17track.js";
import { CARRIER_SEED } from "../domain/carriers/seed.js";
import { upsertCarriers } from "./carrier-upsert.js";
import type { CarrierSeedEntry, CarrierSeedResult } from "./seed-carriers.js";

export interface StoredCarrierCode {
  code: string;
  track17Key: number | null;
}

// 17TRACK's identity wins; the import fills a template or prediction flag in but never clears it.
const ON_TRACK17_KEY = `
ON CONFLICT (track17_key) DO UPDATE SET
  carrier_name = EXCLUDED.carrier_name,
  carrier_name_cn = EXCLUDED.carrier_name_cn,
  carrier_url = EXCLUDED.carrier_url,
  carrier_phone = EXCLUDED.carrier_phone,
  country_iso = EXCLUDED.country_iso,
  tracking_url_template = COALESCE(EXCLUDED.tracking_url_template, c.tracking_url_template),
  supports_prediction = c.supports_prediction OR EXCLUDED.supports_prediction,
  updated_at = EXCLUDED.updated_at
-- Rows whose metadata an operator edited (UpdateCarrier, migration 0010) keep it.
WHERE c.metadata_edited_at IS NULL
  AND (c.carrier_name, c.carrier_name_cn, c.carrier_url, c.carrier_phone, c.country_iso, c.tracking_url_template,
       c.supports_prediction)
  IS DISTINCT FROM
      (EXCLUDED.carrier_name, EXCLUDED.carrier_name_cn, EXCLUDED.carrier_url, EXCLUDED.carrier_phone,
       EXCLUDED.country_iso, COALESCE(EXCLUDED.tracking_url_template, c.tracking_url_template),
       c.supports_prediction OR EXCLUDED.supports_prediction)`;

/**
 * Reads the codes in use, lets `build` turn them into rows (assigning codes to new carriers), and upserts the
 * rows, all in one transaction that holds off concurrent writers of `carriers`, so two imports at once cannot
 * hand out the same code. Three statements whatever the list's size.
 */
export async function importCarrierRows(
  sequelize: Sequelize,
  build: (stored: StoredCarrierCode[]) => readonly CarrierSeedEntry[],
): Promise<CarrierSeedResult & { total: number }> {
  return sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, async (transaction) => {
    // SHARE ROW EXCLUSIVE conflicts with itself and with writers, not with readers.
    await sequelize.query("LOCK TABLE carriers IN SHARE ROW EXCLUSIVE MODE", { transaction });
    const stored = await sequelize.query<{ code: string; track17Key: number | null }>(
      `SELECT carrier_code AS "code", track17_key AS "track17Key" FROM carriers`,
      { type: QueryTypes.SELECT, transaction },
    );
    const rows = build(stored);
    const counts = await upsertCarriers(sequelize, rows, ON_TRACK17_KEY, transaction);
    return { ...counts, total: rows.length };
  });
}

export interface CarrierListImportResult extends CarrierSeedResult {
  /** Entries of the list that became rows. */
  total: number;
  rejected: RejectedEntry[];
  warnings: string[];
}

/** Imports a decoded apicarrier.all.json: parse, assign codes against what is stored and seeded, upsert. */
export async function importCarrierList(
  sequelize: Sequelize,
  json: unknown,
  seed: readonly CarrierSeed[] = CARRIER_SEED,
): Promise<CarrierListImportResult> {
  const parsed = parseCarrierList(json);
  const counts = await importCarrierRows(sequelize, (stored) => buildImportRows(parsed.carriers, stored, seed));
  return { ...counts, rejected: parsed.rejected, warnings: parsed.warnings };
}
