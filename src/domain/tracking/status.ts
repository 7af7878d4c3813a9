// 17TRACK status vocabulary → ours (reference §4.2–§4.4). The database stores the enum names without prefix.

export const STATUSES = [
  "NOT_FOUND",
  "INFO_RECEIVED",
  "IN_TRANSIT",
  "EXPIRED",
  "AVAILABLE_FOR_PICKUP",
  "OUT_FOR_DELIVERY",
  "DELIVERY_FAILURE",
  "DELIVERED",
  "EXCEPTION",
] as const;
export type Status = (typeof STATUSES)[number];

/** The numeric status code: the proto enum value (TRACKING_STATUS_NOT_FOUND = 1 ... EXCEPTION = 9). */
export function statusCode(status: Status): number {
  return STATUSES.indexOf(status) + 1;
}

export function statusFromCode(code: number): Status | undefined {
  return STATUSES[code - 1];
}

/** A stored status string (the enum name) → Status; anything else gives undefined. */
export function parseStatus(value: string | null | undefined): Status | undefined {
  return (STATUSES as readonly string[]).includes(value ?? "") ? (value as Status) : undefined;
}

/** A lookup that ignores Object.prototype ("constructor", "toString" are not statuses). */
const own = (table: Record<string, Status>, key: string): Status | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

const MAIN: Record<string, Status> = {
  NotFound: "NOT_FOUND",
  InfoReceived: "INFO_RECEIVED",
  InTransit: "IN_TRANSIT",
  Expired: "EXPIRED",
  AvailableForPickup: "AVAILABLE_FOR_PICKUP",
  OutForDelivery: "OUT_FOR_DELIVERY",
  DeliveryFailure: "DELIVERY_FAILURE",
  Delivered: "DELIVERED",
  Exception: "EXCEPTION",
};

/**
 * A 17TRACK main status ("InTransit") or sub-status ("InTransit_Arrival") → ours. Unknown values give undefined so the
 * caller can keep what it had: 17TRACK adds statuses over time and clients that crashed on them are a known pitfall
 * (reference §4.3, §8.10).
 */
export function mapStatus(value: unknown): Status | undefined {
  if (typeof value !== "string" || !value) return undefined;
  return own(MAIN, value) ?? own(MAIN, value.split("_")[0] ?? "");
}

/** An event's milestone stage (§4.4) → the status it signals, for events that carry no sub-status. */
const STAGE: Record<string, Status> = {
  InfoReceived: "INFO_RECEIVED",
  PickedUp: "IN_TRANSIT",
  Departure: "IN_TRANSIT",
  Arrival: "IN_TRANSIT",
  AvailableForPickup: "AVAILABLE_FOR_PICKUP",
  OutForDelivery: "OUT_FOR_DELIVERY",
  Delivered: "DELIVERED",
  Returning: "EXCEPTION",
  Returned: "EXCEPTION",
};

export function statusOfStage(stage: unknown): Status | undefined {
  if (typeof stage !== "string") return undefined;
  return own(STAGE, stage);
}

/** Terminal statuses: syncing slows or stops and the status-change notification is final. */
export function isTerminal(status: Status): boolean {
  return status === "DELIVERED" || status === "EXPIRED";
}
