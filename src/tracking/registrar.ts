// Registers PENDING records at 17TRACK in batches of up to 40 (one register call each, through the limiter and the
// quota guard), and records each outcome on its record: accepted (and due for a first sync), rejected with 17TRACK's
// reason (needs attention), or left PENDING for the next round when 17TRACK could not answer. The claim holds row
// locks (FOR UPDATE SKIP LOCKED) for the length of one call, so replicas split the queue and a crash releases it.
import type { Logger } from "pino";
import { QueryTypes, type Sequelize } from "sequelize";
import type { BatchResult, RegisterOutcome, RejectedOutcome } from "../upstream/index.js";
import { isTrack17ClientError, MAX_ITEMS_PER_CALL, Track17QuotaExhaustedError } from "../upstream/index.js";
import type { RegisterItem } from "../upstream/wire.js";
import { notifyChanges } from "./change-feed.js";
import { createQueueWorker } from "./queue-worker.js";

export interface RegistrarDeps {
  sequelize: Sequelize;
  /** The quota guard's register (checks the quota first, then calls the client). */
  register(items: readonly RegisterItem[]): Promise<BatchResult<RegisterOutcome>>;
  logger: Logger;
  /** How often PENDING rows are looked for when nobody kicks; default 2 000 ms. */
  pollMs?: number;
  /** Pause after the quota ran out before trying again; default 10 minutes. */
  quotaPauseMs?: number;
}

interface Claimed {
  tracking_id: string;
  tracking_number: string;
  track17_key: number | null;
  order_id: string | null;
}

// Claimed and committed before 17TRACK is called: no transaction stays open across the (rate-limited) call.
const CLAIM = `
  UPDATE tracking_records r SET registration_lease_until = now() + make_interval(secs => $2)
  FROM (SELECT tracking_id FROM tracking_records
        WHERE registration_state = 'PENDING' AND (registration_lease_until IS NULL OR registration_lease_until < now())
        ORDER BY priority, created_at
        LIMIT $1 FOR UPDATE SKIP LOCKED) due, carriers c
  WHERE r.tracking_id = due.tracking_id AND c.carrier_id = r.carrier_id
  RETURNING r.tracking_id, r.tracking_number, c.track17_key, r.order_id`;

const RELEASE = "UPDATE tracking_records SET registration_lease_until = NULL WHERE tracking_id = ANY($1::uuid[])";

/** How long a claim holds; a registrar that died mid-call is replaced after it. */
const LEASE_SECONDS = 120;

// The carrier 17TRACK decided replaces the auto-detect placeholder when we know that carrier and the move would not
// duplicate a record already held for it.
const ACCEPT = `
  UPDATE tracking_records r SET registration_state = 'ACCEPTED', registered_at = now(), updated_at = now(),
    registration_lease_until = NULL,
    registration_error_code = NULL, registration_error_message = NULL,
    track17_carrier_key = coalesce(a.carrier, r.track17_carrier_key),
    next_sync_at = CASE WHEN coalesce(r.auto_refresh_enabled, true) THEN now() ELSE r.next_sync_at END,
    carrier_id = coalesce((
      SELECT c2.carrier_id FROM carriers c2
      WHERE c2.track17_key = a.carrier AND r.carrier_id = (SELECT carrier_id FROM carriers WHERE carrier_code = 'auto')
        AND NOT EXISTS (SELECT 1 FROM tracking_records d WHERE d.tracking_number = r.tracking_number
                        AND d.carrier_id = c2.carrier_id)), r.carrier_id)
  FROM unnest($1::uuid[], $2::int[]) AS a(id, carrier)
  WHERE r.tracking_id = a.id AND r.registration_state = 'PENDING'`;

const REJECT = `
  UPDATE tracking_records r SET registration_state = 'REJECTED', registration_error_code = j.code,
    registration_error_message = left(j.message, 500), requires_attention = true, next_sync_at = NULL,
    registration_lease_until = NULL, updated_at = now()
  FROM unnest($1::uuid[], $2::int[], $3::text[]) AS j(id, code, message)
  WHERE r.tracking_id = j.id AND r.registration_state = 'PENDING'`;

/** Rejections that a later attempt can turn into success: leave the record PENDING. */
const TRANSIENT = new Set<RejectedOutcome["reason"]>(["quota_exhausted", "daily_limit", "missing_from_response"]);

export function createRegistrar(deps: RegistrarDeps) {
  const { sequelize, logger } = deps;
  const pollMs = deps.pollMs ?? 2_000;
  let pausedUntil = 0;

  /** One claimed batch; resolves the number of records it settled (0 when nothing was pending). */
  async function runBatch(): Promise<number> {
    const claimed = await sequelize.query<Claimed>(CLAIM, {
      bind: [MAX_ITEMS_PER_CALL, LEASE_SECONDS],
      type: QueryTypes.SELECT,
    });
    // One number on two carriers in one call would be ambiguous in the answer; the second waits a round.
    const seen = new Set<string>();
    const batch = claimed.filter((c) => !seen.has(c.tracking_number) && seen.add(c.tracking_number));
    const unsent = claimed.filter((c) => !batch.includes(c)).map((c) => c.tracking_id);
    if (unsent.length > 0) await sequelize.query(RELEASE, { bind: [unsent] });
    if (batch.length === 0) return 0;
    const items: RegisterItem[] = batch.map((c) => ({
      number: c.tracking_number,
      ...(c.track17_key ? { carrier: c.track17_key } : { auto_detection: true }),
      tag: c.tracking_id,
      ...(c.order_id ? { order_no: c.order_id } : {}),
    }));
    let result: BatchResult<RegisterOutcome>;
    try {
      result = await deps.register(items);
    } catch (err) {
      // Not answered: the next run may try at once (the quota pause and the client's breaker decide when).
      await sequelize.query(RELEASE, { bind: [batch.map((c) => c.tracking_id)] }).catch(() => undefined);
      throw err;
    }
    const byNumber = new Map(batch.map((c) => [c.tracking_number, c.tracking_id]));
    const accepted = result.accepted.filter((a) => byNumber.has(a.number));
    // Transient refusals (quota, daily cap, missing) keep their lease: they are tried again when it runs out.
    const rejected = result.rejected.filter((r) => byNumber.has(r.number) && !TRANSIENT.has(r.reason));
    return sequelize.transaction(async (transaction) => {
      if (accepted.length > 0) {
        await sequelize.query(ACCEPT, {
          bind: [accepted.map((a) => byNumber.get(a.number)), accepted.map((a) => a.carrier)],
          transaction,
        });
      }
      if (rejected.length > 0) {
        await sequelize.query(REJECT, {
          bind: [
            rejected.map((r) => byNumber.get(r.number)),
            rejected.map((r) => r.code),
            rejected.map((r) => r.message),
          ],
          transaction,
        });
      }
      // The registration state is part of what GetTracking shows (and caches): record the change in the feed.
      const settled = [...accepted.map((a) => byNumber.get(a.number)), ...rejected.map((r) => byNumber.get(r.number))];
      if (settled.length > 0) {
        await sequelize.query(
          `WITH c AS (INSERT INTO tracking_changes (tracking_id, change_kind, current_status, previous_status)
                      SELECT tracking_id, 'UPDATED', current_status, current_status FROM tracking_records
                      WHERE tracking_id = ANY($1::uuid[]) RETURNING change_id)
           ${notifyChanges("c")}`,
          { bind: [settled], transaction },
        );
      }
      logger.info(
        { accepted: accepted.length, rejected: rejected.length, sent: items.length },
        "registered at 17TRACK",
      );
      return accepted.length + rejected.length;
    });
  }

  const worker = createQueueWorker({
    pollMs,
    async run(shouldStop) {
      if (Date.now() < pausedUntil) return;
      try {
        while (!shouldStop() && (await runBatch()) > 0) {}
      } catch (err) {
        if (err instanceof Track17QuotaExhaustedError) {
          pausedUntil = Date.now() + (deps.quotaPauseMs ?? 600_000);
          logger.error({ err: err.message }, "17TRACK quota exhausted: registrations paused; records stay PENDING");
        } else if (isTrack17ClientError(err)) {
          logger.warn({ err: err.message }, "17TRACK register failed; records stay PENDING and are retried");
        } else {
          logger.error({ err }, "registrar batch failed");
        }
      }
    },
  });

  return {
    kick: worker.kick,
    start: worker.start,
    stop: worker.stop,
  };
}

export type Registrar = ReturnType<typeof createRegistrar>;
