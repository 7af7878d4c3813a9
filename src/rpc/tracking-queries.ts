// TrackingService read handlers: GetTracking, ListTrackingEvents, ExportTrackingEvents, SearchTrackings.
import type { ServiceImpl } from "@connectrpc/connect";
import type { Sequelize } from "sequelize";
import type { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";

export interface TrackingQueryDeps {
  sequelize: Sequelize;
}

export function createTrackingQueryHandlers(_deps: TrackingQueryDeps): Partial<ServiceImpl<typeof TrackingService>> {
  return {};
}
