// The one place a carrier becomes a proto message (an explicit allow-list of fields).
import { create } from "@bufbuild/protobuf";
import { type Carrier, type CarrierRef, CarrierRefSchema, CarrierSchema } from "../../../gen/waybill/v1/types_pb.js";
import type { CarrierData } from "../../domain/carrier.js";
import { ts } from "./time.js";

export function toCarrierMessage(c: CarrierData): Carrier {
  return create(CarrierSchema, {
    carrierId: c.carrierId,
    carrierCode: c.carrierCode,
    carrierName: c.carrierName,
    carrierNameCn: c.carrierNameCn ?? "",
    carrierPhone: c.carrierPhone ?? "",
    carrierUrl: c.carrierUrl ?? "",
    trackingUrlTemplate: c.trackingUrlTemplate ?? "",
    isActive: c.isActive,
    supportsPrediction: c.supportsPrediction,
    avgDeliveryDays: c.avgDeliveryDays ?? undefined,
    track17Key: c.track17Key ?? 0,
    country: c.countryIso ?? "",
    createdAt: ts(c.createdAt),
    updatedAt: ts(c.updatedAt),
  });
}

export function toCarrierRef(c: Pick<CarrierData, "carrierCode" | "carrierName" | "track17Key">): CarrierRef {
  return create(CarrierRefSchema, {
    carrierCode: c.carrierCode,
    carrierName: c.carrierName,
    track17Key: c.track17Key ?? 0,
  });
}
