// Loads the carrier master data (PRD §3.1.1 "maintain master carrier database") into `carriers` at every start-up.
// Idempotent by design: the seed owns the metadata columns until an operator edits them (metadata_edited_at), and the
// operator owns is_active (PRD §3.1.1 "enable/disable carriers dynamically"), so a restart refreshes names and URLs
// of untouched rows but never re-enables a carrier someone disabled nor reverts an UpdateCarrier edit.
import type { Sequelize } from "sequelize";
import { upsertCarriers } from "./carrier-upsert.js";

/** One seed row; structurally the same as the domain's CarrierSeed, so that array can be passed as is. */
export interface CarrierSeedEntry {
  /** carriers.carrier_code: the stable, readable key rows are matched on. */
  readonly code: string;
  /** 17TRACK carrier key (17TRACK reference §7). */
  readonly track17Key: number;
  readonly name: string;
  readonly nameCn?: string;
  readonly url?: string;
  readonly phone?: string;
  readonly trackingUrlTemplate?: string;
  /** ISO 3166-1 alpha-2; empty or null for carriers without a home country. */
  readonly country?: string | null;
  readonly supportsPrediction?: boolean;
  readonly avgDeliveryDays?: number;
}

export interface CarrierSeedResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

// The seed owns the metadata; avg_delivery_days is ours once our own deliveries measured it.
const ON_CARRIER_CODE = `
ON CONFLICT (carrier_code) DO UPDATE SET
  track17_key = EXCLUDED.track17_key,
  carrier_name = EXCLUDED.carrier_name,
  carrier_name_cn = EXCLUDED.carrier_name_cn,
  carrier_url = EXCLUDED.carrier_url,
  carrier_phone = EXCLUDED.carrier_phone,
  tracking_url_template = EXCLUDED.tracking_url_template,
  country_iso = EXCLUDED.country_iso,
  supports_prediction = EXCLUDED.supports_prediction,
  -- Measured from our own deliveries once known (carrier statistics); the seed only fills it while unknown.
  avg_delivery_days = COALESCE(c.avg_delivery_days, EXCLUDED.avg_delivery_days),
  updated_at = EXCLUDED.updated_at
WHERE c.metadata_edited_at IS NULL
  AND (c.track17_key, c.carrier_name, c.carrier_name_cn, c.carrier_url, c.carrier_phone, c.tracking_url_template,
       c.country_iso, c.supports_prediction, c.avg_delivery_days)
  IS DISTINCT FROM
      (EXCLUDED.track17_key, EXCLUDED.carrier_name, EXCLUDED.carrier_name_cn, EXCLUDED.carrier_url,
       EXCLUDED.carrier_phone, EXCLUDED.tracking_url_template, EXCLUDED.country_iso, EXCLUDED.supports_prediction,
       COALESCE(c.avg_delivery_days, EXCLUDED.avg_delivery_days))`;

function duplicates(values: readonly (string | number)[]): (string | number)[] {
  const seen = new Set<string | number>();
  const dup = new Set<string | number>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/**
 * Upserts the seed into `carriers` in one statement: new codes are inserted (active), known codes get their metadata
 * refreshed, is_active is never touched. Throws before writing when codes or 17TRACK keys repeat, since Postgres
 * would otherwise reject the whole statement with a less helpful message.
 */
export async function applyCarrierSeed(
  sequelize: Sequelize,
  seed: readonly CarrierSeedEntry[],
): Promise<CarrierSeedResult> {
  const dupCodes = duplicates(seed.map((s) => s.code));
  const dupKeys = duplicates(seed.map((s) => s.track17Key));
  if (dupCodes.length > 0 || dupKeys.length > 0) {
    throw new Error(`carrier seed repeats codes [${dupCodes.join(", ")}] / 17TRACK keys [${dupKeys.join(", ")}]`);
  }
  return upsertCarriers(sequelize, seed, ON_CARRIER_CODE);
}
