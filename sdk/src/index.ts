// The published client of Waybill Monitor: the generated messages and service descriptors of proto/waybill/v1, and
// one call that builds typed clients for all four services on any Connect transport (gRPC or Connect from Node via
// @connectrpc/connect-node, Connect or gRPC-Web from browsers via @connectrpc/connect-web).
import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { CacheService } from "../../gen/waybill/v1/cache_service_pb.js";
import { CarrierService } from "../../gen/waybill/v1/carrier_service_pb.js";
import { SyncService } from "../../gen/waybill/v1/sync_service_pb.js";
import { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";

export { Code, ConnectError } from "@connectrpc/connect";
export * from "../../gen/waybill/v1/cache_service_pb.js";
export * from "../../gen/waybill/v1/carrier_service_pb.js";
export * from "../../gen/waybill/v1/sync_service_pb.js";
export * from "../../gen/waybill/v1/tracking_service_pb.js";
export * from "../../gen/waybill/v1/types_pb.js";

export interface WaybillClients {
  tracking: Client<typeof TrackingService>;
  sync: Client<typeof SyncService>;
  cache: Client<typeof CacheService>;
  carriers: Client<typeof CarrierService>;
}

/** Typed clients of every service, sharing one transport (and so one connection pool). */
export function createWaybillClients(transport: Transport): WaybillClients {
  return {
    tracking: createClient(TrackingService, transport),
    sync: createClient(SyncService, transport),
    cache: createClient(CacheService, transport),
    carriers: createClient(CarrierService, transport),
  };
}
