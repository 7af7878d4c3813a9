// Decides how a normalized 17TRACK answer changes a shipment. Statuses never regress: an answer whose newest event is
// older than what we already hold (an out-of-order push, a stale page) adds its events but leaves the status alone.
import type { NormalizedTracking } from "./normalize.js";
import { type Status, statusCode } from "./status.js";

export interface CurrentState {
  status: Status;
  subStatus: string | null;
  latestEventAt: Date | null;
  registrationRejected: boolean;
}

export interface RecordPatch {
  currentStatus: Status;
  currentSubstatus: string | null;
  statusCode: number;
  currentLocation: string | null;
  currentLocationCountry: string | null;
  currentLocationCity: string | null;
  originCountry?: string;
  destinationCountry?: string;
  estimatedDeliveryDate?: string;
  actualDeliveryDate: Date | null;
  isDelivered: boolean;
  isException: boolean;
  isExpired: boolean;
  latestEventAt: Date | null;
}

export interface UpdatePlan {
  /** Undefined when the answer is older than what we hold. */
  patch: RecordPatch | undefined;
  statusChanged: boolean;
  previousStatus: Status;
}

export function planRecordUpdate(current: CurrentState, incoming: NormalizedTracking): UpdatePlan {
  const previousStatus = current.status;
  const stale =
    current.latestEventAt !== null &&
    (incoming.latestEventAt === null || incoming.latestEventAt.getTime() < current.latestEventAt.getTime());
  if (stale) return { patch: undefined, statusChanged: false, previousStatus };

  const status = incoming.status ?? current.status;
  const patch: RecordPatch = {
    currentStatus: status,
    currentSubstatus: incoming.status ? incoming.subStatus : current.subStatus,
    statusCode: statusCode(status),
    currentLocation: incoming.location.full,
    currentLocationCountry: incoming.location.country,
    currentLocationCity: incoming.location.city,
    actualDeliveryDate: status === "DELIVERED" ? incoming.deliveredAt : null,
    isDelivered: status === "DELIVERED",
    isException: status === "EXCEPTION" || status === "DELIVERY_FAILURE",
    isExpired: status === "EXPIRED",
    latestEventAt: incoming.latestEventAt,
  };
  // Optional facts only overwrite when 17TRACK knows them, so a sparse answer does not erase what a richer one gave.
  if (incoming.originCountry) patch.originCountry = incoming.originCountry;
  if (incoming.destinationCountry) patch.destinationCountry = incoming.destinationCountry;
  if (incoming.estimatedDeliveryDate) patch.estimatedDeliveryDate = incoming.estimatedDeliveryDate;
  return { patch, statusChanged: status !== previousStatus, previousStatus };
}

/** Whether a shipment needs a human: an exception, a failed delivery, or a registration 17TRACK refused. */
export function requiresAttention(status: Status, registrationRejected: boolean): boolean {
  return status === "EXCEPTION" || status === "DELIVERY_FAILURE" || registrationRejected;
}
