// TrackingService command handlers: RefreshTracking, UpdateTracking, DeleteTracking. Each answers with the record as
// committed (read back through the same reads as GetTracking).
import type { ServiceImpl } from "@connectrpc/connect";
import type { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import type { TrackingRecord } from "../../gen/waybill/v1/types_pb.js";
import { notFound } from "../errors.js";
import type { TrackingReads } from "../store/tracking-reads.js";
import type { TrackingCommands } from "../tracking/commands.js";
import { loadRecordViews } from "./record-view.js";

export interface CommandDeps {
  commands: TrackingCommands;
  reads: TrackingReads;
}

export function createCommandHandlers(deps: CommandDeps): Partial<ServiceImpl<typeof TrackingService>> {
  async function record(trackingId: string): Promise<TrackingRecord> {
    const view = (await loadRecordViews(deps.reads, [trackingId])).get(trackingId);
    if (!view) throw notFound(`tracking ${trackingId}`);
    return view;
  }

  return {
    async refreshTracking(req) {
      const result = await deps.commands.refresh(req.trackingId);
      return { record: await record(req.trackingId), eventsNew: result.newEvents, statusChanged: result.statusChanged };
    },
    async updateTracking(req) {
      await deps.commands.update(req.trackingId, {
        carrierCode: req.carrierCode,
        autoRefreshEnabled: req.autoRefreshEnabled,
        customerReference: req.customerReference,
        orderId: req.orderId,
        priority: req.priority,
        syncIntervalMinutes: req.syncIntervalMinutes,
      });
      return { record: await record(req.trackingId) };
    },
    async deleteTracking(req) {
      const { eventsDeleted } = await deps.commands.remove(req.trackingId);
      return { trackingId: req.trackingId, eventsDeleted };
    },
  };
}
