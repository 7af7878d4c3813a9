// Builds the §4.1 `track_info` object from a journey plan and a visibility cutoff (pure: both times are
// passed in). Only events at or before the cutoff exist for the client; the cutoff is "now" while
// tracking and the stop time once stopped (a stopped number is no longer fetched, §2.4).
import {
  type Address,
  KEY_STAGES,
  type Milestone,
  type Provider,
  type TrackEvent,
  type TrackInfo,
} from "../upstream/wire.js";
import { signedHash } from "./hash.js";
import type { JourneyPlan, PlannedEvent } from "./journeys.js";
import type { City } from "./places.js";
import { formatLocal, formatUtc, NULL_TIME_RAW, timeRaw } from "./time-format.js";

const DAY = 86_400_000;

export interface TrackInfoInput {
  plan: JourneyPlan;
  /** Events with `at <= cutoff` are visible. */
  cutoff: number;
  now: number;
  orderTime: number | null;
}

export function visibleEvents(plan: JourneyPlan, cutoff: number): PlannedEvent[] {
  return plan.events.filter((e) => e.at <= cutoff);
}

/** Counts visible changes; webhooks fire when it grows (§5.2: pushes only on new data). */
export function visibleRevision(plan: JourneyPlan, cutoff: number): number {
  return visibleEvents(plan, cutoff).length + plan.statusChanges.filter((c) => c.at <= cutoff).length;
}

/** Main/sub status follow the newest visible event or status change; nothing yet → NotFound (§4.2). */
export function statusAt(plan: JourneyPlan, cutoff: number): { status: string; subStatus: string; at: number | null } {
  let best: { status: string; subStatus: string; at: number | null } = {
    status: "NotFound",
    subStatus: "NotFound_Other",
    at: null,
  };
  for (const e of [...plan.events, ...plan.statusChanges]) {
    if (e.at <= cutoff && (best.at === null || e.at >= best.at))
      best = { status: e.status, subStatus: e.subStatus, at: e.at };
  }
  return best;
}

/** When 17TRACK last fetched something new: the first sync, then each visible change (list `track_time`). */
export function lastSyncAt(plan: JourneyPlan, cutoff: number): number | null {
  if (cutoff < plan.firstSyncAt) return null;
  return Math.max(plan.firstSyncAt, statusAt(plan, cutoff).at ?? 0);
}

export function address(city: City | null): Address {
  return {
    country: city?.country ?? null,
    state: city?.state ?? null,
    city: city?.city || null,
    street: null,
    postal_code: null,
    coordinates: { longitude: null, latitude: null },
  };
}

export function toWireEvent(e: PlannedEvent): TrackEvent {
  return {
    time_iso: formatLocal(e.at, e.place.tz),
    time_utc: formatUtc(e.at),
    time_raw: timeRaw(e.at, e.place.tz),
    description: e.description,
    location: [e.place.city, e.place.state, e.place.country].filter(Boolean).join(", "),
    stage: e.stage,
    sub_status: e.subStatus,
    address: address(e.place),
  };
}

export function buildTrackInfo(input: TrackInfoInput): TrackInfo {
  const { plan, cutoff } = input;
  const events = visibleEvents(plan, cutoff);
  const newest = events.at(-1) ?? null;
  const status = statusAt(plan, cutoff);
  const synced = lastSyncAt(plan, cutoff);
  const providers = synced === null ? [] : buildProviders(plan, events, synced);
  const lastMileSeen = plan.localKey !== 0 && events.some((e) => e.providerKey === plan.localKey);
  const any = newest !== null;
  return {
    shipping_info: {
      shipper_address: address(any ? plan.shipper : null),
      recipient_address: address(any ? plan.recipient : null),
    },
    latest_status: { status: status.status, sub_status: status.subStatus, sub_status_descr: null },
    latest_event: newest ? toWireEvent(newest) : null,
    time_metrics: timeMetrics(input, events, status.status),
    milestone: milestones(events),
    misc_info: {
      risk_factor: 0,
      service_type: any ? plan.serviceType : null,
      weight_raw: any && plan.weightKg ? `${plan.weightKg} kg` : null,
      weight_kg: any ? plan.weightKg : null,
      pieces: any ? "1" : null,
      dimensions: null,
      customer_number: null,
      reference_number: null,
      local_number: lastMileSeen ? plan.localNumber : "",
      local_provider: lastMileSeen ? plan.localProvider : "",
      local_key: lastMileSeen ? plan.localKey : 0,
    },
    tracking: {
      providers_hash: signedHash(providers.map((p) => `${p.provider.key}:${p.events_hash}`).join(",")),
      providers,
    },
  };
}

function buildProviders(plan: JourneyPlan, events: PlannedEvent[], synced: number): Provider[] {
  const registered = plan.providers.at(-1);
  const out: Provider[] = [];
  for (const p of plan.providers) {
    const own = events.filter((e) => e.providerKey === p.key).reverse(); // newest first (§4.1)
    if (own.length === 0 && p !== registered) continue;
    const wire = own.map(toWireEvent);
    out.push({
      provider: { key: p.key, name: p.name, alias: p.name, tel: null, homepage: p.homepage, country: p.country ?? "" },
      provider_lang: "en",
      service_type: plan.serviceType,
      latest_sync_status: "Success",
      latest_sync_time: formatUtc(synced),
      events_hash: signedHash(wire.map((e) => `${e.time_utc}|${e.sub_status}|${e.description}`).join("\n")),
      events: wire,
    });
  }
  return out;
}

function milestones(events: PlannedEvent[]): Milestone[] {
  return KEY_STAGES.map((stage) => {
    const hit = events.find((e) => e.stage === stage); // first time the stage was reached
    return hit
      ? {
          key_stage: stage,
          time_iso: formatLocal(hit.at, hit.place.tz),
          time_utc: formatUtc(hit.at),
          time_raw: timeRaw(hit.at, hit.place.tz),
        }
      : { key_stage: stage, time_iso: null, time_utc: null, time_raw: { ...NULL_TIME_RAW } };
  });
}

function days(ms: number): number {
  return Math.max(0, Math.floor(ms / DAY));
}

function timeMetrics(input: TrackInfoInput, events: PlannedEvent[], status: string): TrackInfo["time_metrics"] {
  const { plan, now, orderTime } = input;
  const first = events[0];
  const newest = events.at(-1);
  const pickedUp = events.find((e) => e.stage === "PickedUp") ?? first;
  const delivered = events.find((e) => e.stage === "Delivered");
  const estimate = plan.estimatedDelivery;
  const showEstimate = estimate !== null && first !== undefined && status !== "Delivered";
  const tz = plan.recipient?.tz ?? "+00:00";
  return {
    days_after_order: orderTime !== null ? days(now - orderTime) : first ? days(now - first.at) : null,
    days_of_transit: pickedUp ? days((delivered?.at ?? now) - pickedUp.at) : null,
    days_of_transit_done: delivered && pickedUp ? days(delivered.at - pickedUp.at) : null,
    days_after_last_update: newest ? days(now - newest.at) : null,
    estimated_delivery_date: showEstimate
      ? { source: "17TRACK", from: formatLocal(estimate.from, tz), to: formatLocal(estimate.to, tz) }
      : { source: null, from: null, to: null },
  };
}
