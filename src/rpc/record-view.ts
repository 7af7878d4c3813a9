// Records as the API shows them (TrackingRecord with its newest event), read for many ids in three queries. Every
// handler that answers with records after a write (registration, commands, watch streams) goes through here.
import type { TrackingRecord } from "../../gen/waybill/v1/types_pb.js";
import type { TrackingReads } from "../store/tracking-reads.js";
import { toTrackingEventProto, toTrackingRecordProto } from "./mappers/tracking.js";

export async function loadRecordViews(
  reads: TrackingReads,
  ids: readonly string[],
): Promise<Map<string, TrackingRecord>> {
  if (ids.length === 0) return new Map();
  const [records, latest] = await Promise.all([reads.getByIds(ids), reads.latestEvents(ids)]);
  const providers = await reads.providers([...latest.values()].flatMap((e) => (e.providerKey ? [e.providerKey] : [])));
  const views = new Map<string, TrackingRecord>();
  for (const [id, found] of records) {
    const event = latest.get(id);
    views.set(
      id,
      toTrackingRecordProto(
        found.record,
        found.carrier,
        event ? toTrackingEventProto(event, { raw: false, providers }) : undefined,
      ),
    );
  }
  return views;
}
