// The journey templates a simulated shipment follows (DESIGN: "same wire format … as the real API").
// Each step is one carrier event; `gap` is the delay in hours after the previous step (drawn from the
// range by the number-seeded PRNG). Sub-statuses and stages use the §4.3/§4.4 vocabularies.
import type { KeyStage, SubStatus } from "../upstream/wire.js";

export const JOURNEY_KINDS = [
  "domestic",
  "domestic-out-for-delivery",
  "international-handoff",
  "failed-then-delivered",
  "failed-final",
  "exception-lost",
  "exception-damaged",
  "customs-held",
  "return-to-sender",
  "available-for-pickup",
  "not-found",
  "expired",
] as const;
export type JourneyKind = (typeof JOURNEY_KINDS)[number];

/** Where an event happens: resolved to cities of the origin or destination country. */
export type Site = "origin" | "originHub" | "exportHub" | "importHub" | "destHub" | "dest";

export interface Step {
  sub: SubStatus;
  /** Defaults to the stage implied by the sub-status (§4.4); null marks a non-milestone event. */
  stage?: KeyStage | null;
  text: string;
  at: Site;
  /** Which provider reports the event; "last" only exists in hand-off journeys. */
  by?: "origin" | "last";
  gap: readonly [number, number];
}

export interface Template {
  international: boolean;
  handoff: boolean;
  steps: readonly Step[];
  /** Status-only transition after the last event (17TRACK marks long-silent parcels Expired, §4.2). */
  expireAfterDays?: number;
}

const first = [0, 0] as const;
const received: Step = { sub: "InfoReceived", text: "Shipment information received", at: "origin", gap: first };
const pickedUp: Step = { sub: "InTransit_PickedUp", text: "Picked up by carrier", at: "origin", gap: [2, 20] };
const sortIn: Step = { sub: "InTransit_Other", text: "Arrived at sort facility", at: "originHub", gap: [3, 12] };
const sortOut: Step = { sub: "InTransit_Other", text: "Departed sort facility", at: "originHub", gap: [2, 8] };
const destIn: Step = { sub: "InTransit_Other", text: "Arrived at delivery facility", at: "destHub", gap: [6, 30] };
const outForDelivery: Step = { sub: "OutForDelivery_Other", text: "Out for delivery", at: "dest", gap: [8, 14] };
const delivered: Step = { sub: "Delivered_Other", text: "Delivered", at: "dest", gap: [2, 6] };
const attemptFailed: Step = {
  sub: "DeliveryFailure_NoBody",
  text: "Delivery attempted: no one available to receive the item",
  at: "dest",
  gap: [2, 6],
};
const retryDelivery: Step = { ...outForDelivery, gap: [16, 24] };
const exportIn: Step = {
  sub: "InTransit_Other",
  text: "Arrived at international processing center",
  at: "exportHub",
  gap: [4, 16],
};
const departed: Step = {
  sub: "InTransit_Departure",
  text: "Departed from the country of origin",
  at: "exportHub",
  gap: [12, 48],
};
const arrived: Step = {
  sub: "InTransit_Arrival",
  text: "Arrived in the destination country",
  at: "importHub",
  gap: [24, 96],
};
const customsIn: Step = {
  sub: "InTransit_CustomsProcessing",
  text: "Held by customs for clearance",
  at: "importHub",
  gap: [2, 12],
};

export const TEMPLATES: Record<JourneyKind, Template> = {
  domestic: {
    international: false,
    handoff: false,
    steps: [received, pickedUp, sortIn, sortOut, destIn, { ...delivered, text: "Delivered, in mailbox", gap: [4, 20] }],
  },
  "domestic-out-for-delivery": {
    international: false,
    handoff: false,
    steps: [received, pickedUp, sortIn, destIn, outForDelivery, delivered],
  },
  "international-handoff": {
    international: true,
    handoff: true,
    steps: [
      received,
      { ...pickedUp, text: "Accepted at post office" },
      exportIn,
      departed,
      arrived,
      { ...customsIn, by: "last" },
      { sub: "InTransit_CustomsReleased", text: "Released by customs", at: "importHub", by: "last", gap: [6, 48] },
      { ...destIn, text: "Received by last-mile carrier; arrived at sort facility", by: "last" },
      { ...outForDelivery, by: "last" },
      { ...delivered, by: "last" },
    ],
  },
  "failed-then-delivered": {
    international: false,
    handoff: false,
    steps: [received, pickedUp, sortIn, destIn, outForDelivery, attemptFailed, retryDelivery, delivered],
  },
  "failed-final": {
    international: false,
    handoff: false,
    steps: [
      received,
      pickedUp,
      sortIn,
      destIn,
      outForDelivery,
      attemptFailed,
      retryDelivery,
      {
        sub: "DeliveryFailure_InvalidAddress",
        text: "Delivery failed: address incomplete or incorrect",
        at: "dest",
        gap: [2, 6],
      },
    ],
  },
  "exception-lost": {
    international: true,
    handoff: false,
    steps: [
      received,
      pickedUp,
      exportIn,
      departed,
      {
        sub: "Exception_Lost",
        text: "Shipment cannot be located; a claim may be filed",
        at: "exportHub",
        gap: [72, 200],
      },
    ],
  },
  "exception-damaged": {
    international: false,
    handoff: false,
    steps: [
      received,
      pickedUp,
      sortIn,
      { sub: "Exception_Damage", text: "Package damaged in transit", at: "originHub", gap: [4, 24] },
    ],
  },
  "customs-held": {
    international: true,
    handoff: false,
    steps: [
      received,
      pickedUp,
      departed,
      arrived,
      customsIn,
      {
        sub: "InTransit_CustomsRequiringInformation",
        text: "Customs requires further information from the recipient",
        at: "importHub",
        gap: [12, 48],
      },
      { sub: "Exception_Security", text: "Held by customs: import restrictions", at: "importHub", gap: [48, 120] },
    ],
  },
  "return-to-sender": {
    international: false,
    handoff: false,
    steps: [
      received,
      pickedUp,
      destIn,
      outForDelivery,
      { sub: "DeliveryFailure_Rejected", text: "Delivery refused by the recipient", at: "dest", gap: [2, 6] },
      { sub: "Exception_Returning", text: "Returning to sender", at: "destHub", gap: [12, 36] },
      { sub: "Exception_Returned", text: "Returned to sender", at: "origin", gap: [24, 96] },
    ],
  },
  "available-for-pickup": {
    international: false,
    handoff: false,
    steps: [
      received,
      pickedUp,
      sortIn,
      destIn,
      {
        sub: "AvailableForPickup_Other",
        text: "Available for pickup at the post office",
        at: "dest",
        gap: [4, 16],
      },
    ],
  },
  "not-found": { international: false, handoff: false, steps: [] },
  expired: {
    international: true,
    handoff: false,
    steps: [received, pickedUp, exportIn, departed],
    expireAfterDays: 20,
  },
};

/** §4.4: the milestone a sub-status marks, when it marks one. */
export function stageOf(sub: string): KeyStage | null {
  switch (sub) {
    case "InfoReceived":
      return "InfoReceived";
    case "InTransit_PickedUp":
      return "PickedUp";
    case "InTransit_Departure":
      return "Departure";
    case "InTransit_Arrival":
      return "Arrival";
    case "AvailableForPickup_Other":
      return "AvailableForPickup";
    case "OutForDelivery_Other":
      return "OutForDelivery";
    case "Delivered_Other":
      return "Delivered";
    case "Exception_Returning":
      return "Returning";
    case "Exception_Returned":
      return "Returned";
    default:
      return null;
  }
}
