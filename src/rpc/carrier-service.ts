// CarrierService: proto in, one domain/store call, proto out.
import type { ServiceImpl } from "@connectrpc/connect";
import { CarrierService } from "../../gen/waybill/v1/carrier_service_pb.js";
import type { CarrierData, CarrierFilter, CarrierStats } from "../domain/carrier.js";
import { detectCarriers, normalizeTrackingNumber } from "../domain/carriers/detect.js";
import { notFound } from "../errors.js";
import type { CarrierRepo } from "../store/carrier-repo.js";
import { toCarrierMessage, toCarrierRef } from "./mappers/carrier.js";
import { keysetPage } from "./page-token.js";
import { withUnimplemented } from "./unimplemented.js";

export interface CarrierReads {
  list(filter: CarrierFilter): Promise<CarrierData[]>;
  byCode(code: string): Promise<CarrierData | undefined>;
  stats(carrierId: number): Promise<CarrierStats>;
}

export function createCarrierService(deps: { carriers: CarrierRepo }): ServiceImpl<typeof CarrierService> {
  return withUnimplemented(
    CarrierService,
    {
      async listCarriers(req) {
        const page = await keysetPage(req, {
          defaultSize: 100,
          field: "code",
          fetch: (afterCode, limit) =>
            deps.carriers.list({
              active: req.active,
              query: req.query || undefined,
              country: req.country || undefined,
              afterCode,
              limit,
            }),
          keyOf: (carrier) => carrier.carrierCode,
        });
        return { carriers: page.rows.map(toCarrierMessage), nextPageToken: page.nextPageToken };
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
      async detectCarrier(req) {
        const found = detectCarriers(req.trackingNumber);
        const rows = await deps.carriers.byCodes(found.map((c) => c.carrierCode));
        // Disabled carriers are never offered, nor carriers this deployment does not hold.
        const candidates = found.filter((c) => rows.get(c.carrierCode)?.isActive);
        return {
          normalizedNumber: normalizeTrackingNumber(req.trackingNumber),
          candidates: candidates.map((c) => ({
            carrier: toCarrierRef(rows.get(c.carrierCode) as CarrierData),
            confidence: c.confidence,
            rule: c.rule,
            checkDigitVerified: c.checkDigitVerified,
          })),
        };
      },
      async updateCarrier(req) {
        const carrier = await deps.carriers.update(req.carrierCode, {
          isActive: req.isActive,
          carrierName: req.carrierName,
          carrierUrl: req.carrierUrl,
          carrierPhone: req.carrierPhone,
          trackingUrlTemplate: req.trackingUrlTemplate,
        });
        if (!carrier) throw notFound(`carrier "${req.carrierCode}"`);
        return { carrier: toCarrierMessage(carrier) };
      },
    },
    "every CarrierService RPC is implemented",
  );
}
