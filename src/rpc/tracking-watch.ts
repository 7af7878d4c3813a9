// WatchTracking and WatchUpdates (DESIGN data path 5): each stream subscribes to the process's watch hub first, then
// reads what it has to send from Postgres (events after the last event id it sent, changes after the last change id),
// and reads again on every wake-up. So a resumed stream replays exactly what it missed and a live one never skips a
// commit that landed between its replay and its subscription. Streams end with the call (client gone or shutdown).

import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { TrackingService, WatchUpdatesRequest } from "../../gen/waybill/v1/tracking_service_pb.js";
import type { TrackingRecord } from "../../gen/waybill/v1/types_pb.js";
import { failedPrecondition, invalidArgument, notFound } from "../errors.js";
import type { TrackingReads } from "../store/tracking-reads.js";
import type { FeedPosition, WatchReads } from "../store/watch-reads.js";
import type { WatchHub } from "../tracking/watch-hub.js";
import { statusFromName, toTrackingEventProto } from "./mappers/tracking.js";
import { loadRecordViews } from "./record-view.js";
import { createWakeups } from "./wakeups.js";

export interface WatchDeps {
  reads: TrackingReads;
  watchReads: WatchReads;
  hub: WatchHub;
}

const PAGE = 500;
// Positions are (transaction id, change id): see migrations/0011 for why the transaction comes first.
const CURSOR = /^c(\d{1,20})\.(\d{1,19})$/;
const cursorOf = (p: FeedPosition) => `c${p.txId}.${p.changeId}`;
/**
 * Streams re-read at least this often: a change of a transaction waits for older transactions to end, and a Redis
 * message can be lost while Redis is away.
 */
const SETTLE_POLL_MS = 1_000;
/** A single-shipment watch only guards against lost Redis messages, so it re-reads less often. */
const SHIPMENT_POLL_MS = 5_000;

function matches(req: WatchUpdatesRequest, record: TrackingRecord): boolean {
  if (req.statuses.length > 0 && !req.statuses.includes(record.status)) return false;
  if (req.carrierCodes.length > 0 && !req.carrierCodes.includes(record.carrier?.carrierCode ?? "")) return false;
  if (req.customerReference && record.customerReference !== req.customerReference) return false;
  return true;
}

export function createWatchHandlers(deps: WatchDeps): Partial<ServiceImpl<typeof TrackingService>> {
  const { reads, watchReads, hub } = deps;

  return {
    async *watchTracking(req, ctx) {
      const wake = createWakeups();
      const unsubscribe = hub.subscribe((c) => {
        if (c.trackingId === req.trackingId) wake.poke();
      });
      try {
        // The resume point is read before the record, so an event committed in between is sent (at worst twice),
        // never skipped.
        let lastEventId =
          req.afterEventId === undefined ? await watchReads.maxEventId(req.trackingId) : String(req.afterEventId);
        let view = (await loadRecordViews(reads, [req.trackingId])).get(req.trackingId);
        if (!view) throw notFound(`tracking ${req.trackingId}`);
        yield { update: { case: "record" as const, value: view } };
        let lastStatus = view.status;
        do {
          for (;;) {
            const events = await reads.eventsAfterId(req.trackingId, lastEventId, PAGE);
            if (events.length === 0) break;
            const providers = await reads.providers(events.flatMap((e) => (e.providerKey ? [e.providerKey] : [])));
            for (const e of events) {
              yield { update: { case: "event" as const, value: toTrackingEventProto(e, { raw: false, providers }) } };
              lastEventId = String(e.eventId);
            }
          }
          view = (await loadRecordViews(reads, [req.trackingId])).get(req.trackingId);
          if (!view) return; // deleted: the watch is over
          if (view.status !== lastStatus) {
            lastStatus = view.status;
            yield { update: { case: "record" as const, value: view } };
          }
        } while (await wake.next(ctx.signal, SHIPMENT_POLL_MS));
      } finally {
        unsubscribe();
      }
    },

    async *watchUpdates(req, ctx) {
      const wake = createWakeups();
      const unsubscribe = hub.subscribe(() => wake.poke());
      try {
        let last: FeedPosition;
        if (req.cursor) {
          const m = CURSOR.exec(req.cursor);
          if (!m || BigInt(m[2] as string) > 2n ** 63n - 1n || BigInt(m[1] as string) > 2n ** 64n - 1n) {
            throw invalidArgument(`cursor "${req.cursor}" is not one this service issued`);
          }
          last = { txId: m[1] as string, changeId: m[2] as string };
          if (!(await watchReads.kept(last))) {
            throw failedPrecondition(
              `cursor "${req.cursor}" is no longer in the kept change history; start without one`,
            );
          }
        } else {
          last = await watchReads.head();
        }
        do {
          for (;;) {
            const changes = await watchReads.changesAfter(last, PAGE);
            if (changes.length === 0) break;
            const views = await loadRecordViews(reads, [...new Set(changes.map((c) => c.trackingId))]);
            for (const change of changes) {
              last = change;
              const record = views.get(change.trackingId);
              // A deleted shipment has no record left to show; its DELETED change is not part of this feed.
              if (!record || change.kind === "DELETED" || !matches(req, record)) continue;
              yield {
                update: {
                  cursor: cursorOf(change),
                  record,
                  previousStatus: change.previousStatus ? statusFromName(change.previousStatus) : record.status,
                  eventsNew: change.newEvents,
                  changedAt: timestampFromDate(change.createdAt),
                },
              };
            }
          }
        } while (await wake.next(ctx.signal, SETTLE_POLL_MS));
      } finally {
        unsubscribe();
      }
    },
  };
}
