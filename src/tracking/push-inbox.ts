// Inbound 17TRACK pushes: stored first (inbound_pushes, idempotent by the body's hash) so the webhook can answer at
// once and nothing received is lost, then processed from the rows: TRACKING_UPDATED through the one ingest function,
// TRACKING_STOPPED by marking the record stopped. A crash between storing and processing replays on the next run.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { jsonTextForPostgres } from "../store/json-text.js";
import type { PushPayload } from "../upstream/wire.js";
import { notifyChanges } from "./change-feed.js";
import type { Ingest } from "./ingest-port.js";
import { createQueueWorker } from "./queue-worker.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ATTEMPTS = 5;

interface PushRow {
  push_id: string;
  payload: PushPayload;
}

export function createPushInbox(deps: { sequelize: Sequelize; ingest: Ingest; logger: Logger; pollMs?: number }) {
  const { sequelize, ingest, logger } = deps;

  /** Stores a verified push; false when the same body was received before. */
  async function store(raw: Buffer, payload: PushPayload): Promise<boolean> {
    const data = (payload.data ?? {}) as { number?: unknown };
    const rows = await sequelize.query(
      `INSERT INTO inbound_pushes (body_sha256, push_event, tracking_number, payload)
       VALUES ($1, left($2, 40), left($3, 100), $4) ON CONFLICT (body_sha256) DO NOTHING RETURNING push_id`,
      {
        bind: [
          createHash("sha256").update(raw).digest("hex"),
          typeof payload.event === "string" ? payload.event : null,
          typeof data.number === "string" ? data.number : null,
          jsonTextForPostgres(raw.toString("utf8")),
        ],
        type: QueryTypes.SELECT,
      },
    );
    return rows.length > 0;
  }

  async function stop(data: { number: string; carrier: number; tag: string | null }, transaction: Transaction) {
    await sequelize.query(
      `WITH s AS (
         UPDATE tracking_records r SET tracking_stopped = true, registration_state = 'STOPPED', updated_at = now()
         FROM carriers c
         WHERE c.carrier_id = r.carrier_id AND r.tracking_number = $1
           AND ($2::int IS NULL OR r.track17_carrier_key = $2 OR c.track17_key = $2)
         RETURNING r.tracking_id, r.current_status),
       ch AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status)
              SELECT tracking_id, 'UPDATED', current_status FROM s RETURNING change_id)
       ${notifyChanges("ch")}`,
      { bind: [data.number, Number.isInteger(data.carrier) ? data.carrier : null], transaction },
    );
  }

  async function apply(payload: PushPayload, transaction: Transaction): Promise<void> {
    if (payload.event === "TRACKING_STOPPED") return stop(payload.data, transaction);
    if (payload.event !== "TRACKING_UPDATED") {
      logger.warn(
        { event: (payload as { event: unknown }).event },
        "17TRACK push of an unknown event kept, not applied",
      );
      return;
    }
    const { number, carrier, tag, track_info } = payload.data;
    const input = {
      trackingNumber: number,
      track17CarrierKey: carrier,
      trackInfo: track_info,
      source: "PUSH" as const,
    };
    // We register with tag = tracking_id, so the tag finds the record exactly; the number is the fallback.
    const byTag =
      typeof tag === "string" && UUID.test(tag)
        ? await ingest.ingest({ ...input, trackingId: tag }, transaction)
        : undefined;
    const result = byTag ?? (await ingest.ingest(input, transaction));
    if (!result) logger.info({ number }, "17TRACK push for a number we do not track; ignored");
  }

  /**
   * One push per transaction, applied in it: the ingest and the processed mark commit together, and no transaction
   * stays open across many pushes. A push that fails is rolled back to a savepoint and counted, not lost.
   */
  async function processOne(): Promise<boolean> {
    return sequelize.transaction(async (transaction) => {
      const [row] = await sequelize.query<PushRow>(
        `SELECT push_id, payload FROM inbound_pushes WHERE processed_at IS NULL AND attempts < $1
         ORDER BY push_id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        { bind: [MAX_ATTEMPTS], type: QueryTypes.SELECT, transaction },
      );
      if (!row) return false;
      try {
        await sequelize.transaction({ transaction }, (savepoint) => apply(row.payload, savepoint));
        await sequelize.query(
          "UPDATE inbound_pushes SET processed_at = now(), attempts = attempts + 1 WHERE push_id = $1",
          { bind: [row.push_id], transaction },
        );
      } catch (err) {
        logger.error({ err, pushId: row.push_id }, "17TRACK push could not be applied; will retry");
        await sequelize.query(
          "UPDATE inbound_pushes SET attempts = attempts + 1, last_error = left($2, 2000) WHERE push_id = $1",
          { bind: [row.push_id, String((err as Error).message)], transaction },
        );
      }
      return true;
    });
  }

  const worker = createQueueWorker({
    pollMs: deps.pollMs ?? 5_000,
    async run(shouldStop) {
      try {
        while (!shouldStop() && (await processOne())) {}
      } catch (err) {
        logger.error({ err }, "push inbox run failed");
      }
    },
  });

  return { store, kick: worker.kick, start: worker.start, stop: worker.stop };
}

export type PushInbox = ReturnType<typeof createPushInbox>;
