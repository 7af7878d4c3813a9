// CarrierService: proto in, one domain/store call, proto out.
import type { ServiceImpl } from "@connectrpc/connect";
import { CarrierService } from "../../gen/waybill/v1/carrier_service_pb.js";
import type { CarrierData, CarrierFilter, CarrierStats } from "../domain/carrier.js";
import { notFound } from "../errors.js";
import { toCarrierMessage } from "./mappers/carrier.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import { withUnimplemented } from "./unimplemented.js";

export interface CarrierReads {
  list(filter: CarrierFilter): Promise<CarrierData[]>;
  byCode(code: string): Promise<CarrierData | undefined>;
  stats(carrierId: number): Promise<CarrierStats>;
}

export function createCarrierService(deps: { carriers: CarrierReads }): ServiceImpl<typeof CarrierService> {
  return withUnimplemented(
    CarrierService,
    {
      async listCarriers(req) {
        const limit = req.pageSize || 100;
        const after = decodePageToken(req.pageToken, ["code"]);
        const rows = await deps.carriers.list({
          active: req.active,
          query: req.query || undefined,
          country: req.country || undefined,
          afterCode: after ? String(after.code) : undefined,
          limit: limit + 1,
        });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          carriers: page.map(toCarrierMessage),
          nextPageToken: rows.length > limit && last ? encodePageToken({ code: last.carrierCode }) : "",
        };
      },
      async getCarrier(req) {
        const carrier = await deps.carriers.byCode(req.carrierCode);
        if (!carrier) throw notFound(`carrier "${req.carrierCode}"`);
        const stats = await deps.carriers.stats(carrier.carrierId);
        return {
          carrier: toCarrierMessage(carrier),
          statistics: {
            recordsTracked: BigInt(stats.recordsTracked),
            recordsDelivered: BigInt(stats.recordsDelivered),
            avgDeliveryDays: stats.avgDeliveryDays ?? undefined,
          },
        };
      },
    },
    "DetectCarrier and UpdateCarrier land with the tracking-and-carriers issue",
  );
}
