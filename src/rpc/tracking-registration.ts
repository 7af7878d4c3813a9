// TrackingService registration handlers: proto in, one registerMany call, proto out. Each item of a batch succeeds or
// fails on its own (ItemError carries the code a single call would have returned); the kick wakes the registrar so
// 17TRACK hears about new numbers without waiting for its poll.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  BatchRegisterResultSchema,
  BatchRegisterTrackingsResponseSchema,
  type RegisterTrackingRequest,
  RegisterTrackingResponseSchema,
  type TrackingService,
} from "../../gen/waybill/v1/tracking_service_pb.js";
import { ItemErrorSchema, type TrackingRecord } from "../../gen/waybill/v1/types_pb.js";
import { toConnectError } from "../errors.js";
import type { TrackingReads } from "../store/tracking-reads.js";
import type { Registration, RegistrationInput } from "../tracking/register.js";
import { loadRecordViews } from "./record-view.js";

export interface RegistrationDeps {
  registration: Registration;
  reads: TrackingReads;
  /** Called after new records committed (the registrar's kick). */
  onRegistered(): void;
}

function toInput(req: RegisterTrackingRequest): RegistrationInput {
  return {
    trackingNumber: req.trackingNumber,
    carrierCode: req.carrierCode,
    customerReference: req.customerReference,
    orderId: req.orderId,
    recipientName: req.recipientName,
    destinationCountry: req.destinationCountry,
    priority: req.priority,
    autoRefreshEnabled: req.autoRefreshEnabled,
    syncIntervalMinutes: req.syncIntervalMinutes,
  };
}

const codeName = (code: Code) => Code[code].replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c.toLowerCase());

export function createRegistrationHandlers(deps: RegistrationDeps): Partial<ServiceImpl<typeof TrackingService>> {
  type ItemResult = { error: ConnectError } | { error?: undefined; record: TrackingRecord; created: boolean };

  async function run(items: RegisterTrackingRequest[]): Promise<ItemResult[]> {
    const outcomes = await deps.registration.registerMany(items.map(toInput));
    const ids = outcomes.flatMap((o) => (o.ok ? [o.trackingId] : []));
    if (outcomes.some((o) => o.ok && o.created)) deps.onRegistered();
    const views = await loadRecordViews(deps.reads, ids);
    return outcomes.map((o) => {
      if (!o.ok) return { error: toConnectError(o.error) };
      const record = views.get(o.trackingId);
      if (!record) return { error: new ConnectError("record vanished while registering; retry", Code.Aborted) };
      return { record, created: o.created };
    });
  }

  return {
    async registerTracking(req) {
      const [result] = await run([req]);
      if (!result) throw new ConnectError("no result", Code.Internal);
      if (result.error) throw result.error;
      return create(RegisterTrackingResponseSchema, result);
    },
    async batchRegisterTrackings(req) {
      const results = await run(req.items);
      return create(BatchRegisterTrackingsResponseSchema, {
        results: results.map((r, index) =>
          r.error
            ? create(BatchRegisterResultSchema, {
                index,
                error: create(ItemErrorSchema, { code: codeName(r.error.code), message: r.error.rawMessage }),
              })
            : create(BatchRegisterResultSchema, { index, record: r.record, created: r.created }),
        ),
      });
    },
  };
}
