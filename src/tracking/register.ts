// Registration (DESIGN data path 1): numbers in, records out, idempotent on (number, carrier). A batch of up to 1,000
// costs a constant number of SQL round trips: one carrier lookup, one multi-row INSERT ... ON CONFLICT DO NOTHING,
// one read-back, one change-feed insert. Registration at 17TRACK happens afterwards, from the PENDING rows
// (the registrar), so nothing here waits on the upstream.
import { QueryTypes, type Sequelize } from "sequelize";
import { detectCarriers, normalizeTrackingNumber } from "../domain/carriers/detect.js";
import { type DomainError, failedPrecondition, notFound } from "../errors.js";
import { notifyChanges } from "./change-feed.js";
import { AUTO_CARRIER_CODE } from "./registration-constants.js";

export interface RegistrationInput {
  trackingNumber: string;
  /** Manual override; empty lets detection decide. */
  carrierCode?: string;
  customerReference?: string;
  orderId?: string;
  recipientName?: string;
  destinationCountry?: string;
  priority?: number;
  autoRefreshEnabled?: boolean;
  syncIntervalMinutes?: number;
}

export type RegistrationOutcome =
  | { ok: true; trackingId: string; created: boolean }
  | { ok: false; error: DomainError };

interface CarrierRow {
  carrier_id: number;
  carrier_code: string;
  is_active: boolean;
}

interface Resolved {
  index: number;
  number: string;
  carrierId: number;
  input: RegistrationInput;
}

const DEFAULT_PRIORITY = 5;
const DEFAULT_INTERVAL_MINUTES = 240;

const INSERT = `
  INSERT INTO tracking_records (tracking_number, carrier_id, current_status, status_code, customer_reference, order_id,
    recipient_name, destination_country, priority, auto_refresh_enabled, sync_interval_minutes)
  SELECT t.n, t.c, 'NOT_FOUND', 1, t.ref, t.ord, t.rcpt, t.dest, t.prio, t.auto, t.iv
  FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::bool[],
    $9::int[]) WITH ORDINALITY AS t(n, c, ref, ord, rcpt, dest, prio, auto, iv, i)
  ORDER BY t.i
  ON CONFLICT (tracking_number, carrier_id) DO NOTHING
  RETURNING tracking_id, tracking_number, carrier_id`;

const READ_BACK = `
  SELECT r.tracking_id, r.tracking_number, r.carrier_id FROM tracking_records r
  JOIN unnest($1::text[], $2::int[]) AS k(n, c) ON r.tracking_number = k.n AND r.carrier_id = k.c`;

const blankToNull = (s: string | undefined) => (s?.trim() ? s.trim() : null);

export function createRegistration(deps: { sequelize: Sequelize }) {
  const { sequelize } = deps;

  async function loadCarriers(codes: Set<string>): Promise<Map<string, CarrierRow>> {
    const rows = await sequelize.query<CarrierRow>(
      `SELECT carrier_id, carrier_code, coalesce(is_active, true) AS is_active FROM carriers
       WHERE carrier_code = ANY($1::text[])`,
      { bind: [[...codes, AUTO_CARRIER_CODE]], type: QueryTypes.SELECT },
    );
    return new Map(rows.map((r) => [r.carrier_code, r]));
  }

  /** Picks each item's carrier: the caller's, else the best enabled detection candidate, else 17TRACK's auto-detect. */
  function resolve(
    items: readonly RegistrationInput[],
    detected: ReturnType<typeof detectCarriers>[],
    carriers: Map<string, CarrierRow>,
  ): Array<Resolved | { index: number; error: DomainError }> {
    const auto = carriers.get(AUTO_CARRIER_CODE);
    if (!auto) throw new Error(`carrier '${AUTO_CARRIER_CODE}' missing: migrations not applied`);
    return items.map((input, index) => {
      const number = normalizeTrackingNumber(input.trackingNumber);
      const code = blankToNull(input.carrierCode);
      if (code) {
        const carrier = carriers.get(code);
        if (!carrier) return { index, error: notFound(`carrier '${code}'`) };
        if (!carrier.is_active) {
          return {
            index,
            error: failedPrecondition(
              `carrier '${code}' is disabled; enable it with UpdateCarrier or name another carrier`,
            ),
          };
        }
        return { index, number, carrierId: carrier.carrier_id, input };
      }
      const pick = (detected[index] ?? []).find((c) => carriers.get(c.carrierCode)?.is_active);
      if (!pick) return { index, number, carrierId: auto.carrier_id, input };
      const carrier = carriers.get(pick.carrierCode) as CarrierRow;
      return { index, number: pick.trackingNumber ?? number, carrierId: carrier.carrier_id, input };
    });
  }

  async function registerMany(items: readonly RegistrationInput[]): Promise<RegistrationOutcome[]> {
    const detected = items.map((i) => (blankToNull(i.carrierCode) ? [] : detectCarriers(i.trackingNumber)));
    const codes = new Set<string>();
    for (const [i, item] of items.entries()) {
      const code = blankToNull(item.carrierCode);
      if (code) codes.add(code);
      for (const c of detected[i] ?? []) codes.add(c.carrierCode);
    }
    const carriers = await loadCarriers(codes);
    const resolved = resolve(items, detected, carriers);
    const outcomes: RegistrationOutcome[] = resolved.map((r) =>
      "error" in r ? { ok: false, error: r.error } : { ok: true, trackingId: "", created: false },
    );
    // "Carrier unknown" matches whatever record the number already has: the registrar moves an auto-detected record
    // to the carrier 17TRACK named, so (number, auto) alone would register the same parcel twice.
    const autoId = carriers.get(AUTO_CARRIER_CODE)?.carrier_id;
    const autoNumbers = resolved.flatMap((r) => ("carrierId" in r && r.carrierId === autoId ? [r.number] : []));
    const held = new Map<string, string>();
    if (autoNumbers.length > 0) {
      const rows = await sequelize.query<{ tracking_number: string; tracking_id: string }>(
        `SELECT DISTINCT ON (tracking_number) tracking_number, tracking_id FROM tracking_records
         WHERE tracking_number = ANY($1::text[]) ORDER BY tracking_number, created_at`,
        { bind: [autoNumbers], type: QueryTypes.SELECT },
      );
      for (const row of rows) held.set(row.tracking_number, row.tracking_id);
    }
    const ok = resolved.filter((r): r is Resolved => {
      if (!("carrierId" in r)) return false;
      const existing = r.carrierId === autoId ? held.get(r.number) : undefined;
      if (existing) outcomes[r.index] = { ok: true, trackingId: existing, created: false };
      return existing === undefined;
    });
    if (ok.length === 0) return outcomes;

    const keys = (r: Resolved) => `${r.number}\u0000${r.carrierId}`;
    await sequelize.transaction(async (transaction) => {
      const col = <T>(f: (r: Resolved) => T) => ok.map(f);
      const created = await sequelize.query<{ tracking_id: string; tracking_number: string; carrier_id: number }>(
        INSERT,
        {
          bind: [
            col((r) => r.number),
            col((r) => r.carrierId),
            col((r) => blankToNull(r.input.customerReference)),
            col((r) => blankToNull(r.input.orderId)),
            col((r) => blankToNull(r.input.recipientName)),
            col((r) => blankToNull(r.input.destinationCountry)),
            col((r) => r.input.priority ?? DEFAULT_PRIORITY),
            col((r) => r.input.autoRefreshEnabled ?? true),
            col((r) => r.input.syncIntervalMinutes ?? DEFAULT_INTERVAL_MINUTES),
          ],
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      const rows = await sequelize.query<{ tracking_id: string; tracking_number: string; carrier_id: number }>(
        READ_BACK,
        { bind: [col((r) => r.number), col((r) => r.carrierId)], type: QueryTypes.SELECT, transaction },
      );
      const idByKey = new Map(rows.map((r) => [`${r.tracking_number}\u0000${r.carrier_id}`, r.tracking_id]));
      const fresh = new Set(created.map((r) => r.tracking_id));
      for (const r of ok) {
        const trackingId = idByKey.get(keys(r)) as string;
        // Only the first occurrence of a number repeated within the batch counts as created.
        const isNew = fresh.delete(trackingId);
        outcomes[r.index] = { ok: true, trackingId, created: isNew };
      }
      if (created.length > 0) {
        await sequelize.query(
          `WITH c AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status)
                      SELECT id, 'REGISTERED', 'NOT_FOUND' FROM unnest($1::uuid[]) AS id RETURNING 1)
           ${notifyChanges("c")}`,
          { bind: [created.map((r) => r.tracking_id)], transaction },
        );
      }
    });
    return outcomes;
  }

  return { registerMany };
}

export type Registration = ReturnType<typeof createRegistration>;
