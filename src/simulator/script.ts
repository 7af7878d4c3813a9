// Scripted futures for a shipment (control surface, §9 "advance a shipment through scripted events").
// Pure: the already-visible past is kept, everything planned after `now` is replaced.

import { stageOf } from "./journey-templates.js";
import {
  type DescribeCarrier,
  describeProvider,
  type JourneyPlan,
  mainStatusOf,
  type PlannedEvent,
} from "./journeys.js";
import { type City, citiesOf } from "./places.js";

export interface ScriptEvent {
  afterMs: number;
  status?: string;
  subStatus: string;
  description: string;
  city?: string;
  state?: string;
  country?: string;
  /** UTC offset like "+02:00"; defaults to the country's first known city's offset. */
  tz?: string;
  stage?: string | null;
  providerKey?: number;
}

export interface ShipmentScript {
  carrier?: number;
  events: ScriptEvent[];
}

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

const optionalStrings = ["status", "city", "state", "country", "tz"] as const;

/**
 * Validates a script body. Status strings are deliberately not checked against §4.3 so tests can
 * script statuses 17TRACK may add later (§8.10: clients must parse leniently).
 */
export function parseScript(body: unknown): Parsed<ShipmentScript> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { error: "body must be an object" };
  const { carrier, events } = body as { carrier?: unknown; events?: unknown };
  if (carrier !== undefined && !Number.isInteger(carrier)) return { error: "carrier must be an integer" };
  if (!Array.isArray(events)) return { error: "events must be an array" };
  const out: ScriptEvent[] = [];
  for (const [i, raw] of events.entries()) {
    if (typeof raw !== "object" || raw === null) return { error: `events[${i}] must be an object` };
    const e = raw as Record<string, unknown>;
    if (typeof e.afterMs !== "number" || !(e.afterMs >= 0)) return { error: `events[${i}].afterMs must be >= 0` };
    if (typeof e.subStatus !== "string" || e.subStatus === "") return { error: `events[${i}].subStatus is required` };
    if (typeof e.description !== "string") return { error: `events[${i}].description is required` };
    for (const k of optionalStrings) {
      if (e[k] !== undefined && typeof e[k] !== "string") return { error: `events[${i}].${k} must be a string` };
    }
    if (e.stage !== undefined && e.stage !== null && typeof e.stage !== "string") {
      return { error: `events[${i}].stage must be a string or null` };
    }
    if (e.providerKey !== undefined && !Number.isInteger(e.providerKey)) {
      return { error: `events[${i}].providerKey must be an integer` };
    }
    out.push(e as unknown as ScriptEvent);
  }
  return { value: { carrier: carrier as number | undefined, events: out } };
}

export function applyScript(
  plan: JourneyPlan,
  now: number,
  script: ShipmentScript,
  carrier: number,
  describe?: DescribeCarrier,
): JourneyPlan {
  const kept = plan.events.filter((e) => e.at <= now);
  const fallback = plan.recipient ?? plan.shipper ?? (citiesOf("US")[0] as City);
  const providers = [...plan.providers];
  const scripted: PlannedEvent[] = script.events.map((s) => {
    const providerKey = s.providerKey ?? carrier;
    if (!providers.some((p) => p.key === providerKey)) providers.unshift(describeProvider(providerKey, describe));
    return {
      // Carrier times have whole seconds; round up so an event never shows before it was asked to.
      at: s.afterMs === 0 ? Math.floor(now / 1000) * 1000 : Math.ceil((now + s.afterMs) / 1000) * 1000,
      status: s.status ?? mainStatusOf(s.subStatus),
      subStatus: s.subStatus,
      stage: s.stage === undefined ? stageOf(s.subStatus) : s.stage,
      description: s.description,
      place: placeOf(s, fallback),
      providerKey,
    };
  });
  const events = [...kept, ...scripted].sort((a, b) => a.at - b.at);
  const firstAt = scripted.reduce((min, e) => Math.min(min, e.at), Number.POSITIVE_INFINITY);
  return {
    ...plan,
    kind: "scripted",
    firstSyncAt: Math.min(plan.firstSyncAt, firstAt),
    events,
    statusChanges: plan.statusChanges.filter((c) => c.at <= now),
    providers,
    shipper: plan.shipper ?? events[0]?.place ?? null,
    recipient: plan.recipient ?? events.at(-1)?.place ?? null,
    estimatedDelivery: null,
  };
}

function placeOf(s: ScriptEvent, fallback: City): City {
  if (s.city === undefined && s.country === undefined) return fallback;
  const country = s.country ?? fallback.country;
  return {
    city: s.city ?? "",
    state: s.state ?? null,
    country,
    tz: s.tz ?? citiesOf(country).find((c) => c.country === country)?.tz ?? "+00:00",
  };
}
