// Turns a 17TRACK track_info into what we store: the shipment's current state and the events of EVERY provider
// (carrier hand-offs keep each provider's events, reference §8.9). Pure and lenient: nulls, unknown fields and unknown
// statuses never throw (§8.10).
import type { Address, Provider, TrackEvent, TrackInfo } from "../../upstream/wire.js";
import { type EventTime, resolveEventTime } from "./event-time.js";
import { eventFingerprint } from "./fingerprint.js";
import { mapStatus, type Status, statusCode, statusOfStage } from "./status.js";

export interface NormalizedEvent {
  fingerprint: string;
  providerKey: number;
  status: Status;
  subStatus: string | null;
  statusCode: number;
  country: string | null;
  state: string | null;
  city: string | null;
  postalCode: string | null;
  fullAddress: string | null;
  description: string;
  descriptionCn: string | null;
  time: EventTime;
  stage: string | null;
  raw: Record<string, unknown>;
}

export interface NormalizedTracking {
  /** Undefined when 17TRACK sent a status we do not know: the caller keeps the current one. */
  status: Status | undefined;
  subStatus: string | null;
  location: { full: string | null; country: string | null; city: string | null };
  originCountry: string | null;
  destinationCountry: string | null;
  estimatedDeliveryDate: string | null;
  deliveredAt: Date | null;
  /** The newest event's instant, the ordering key that keeps statuses from regressing. */
  latestEventAt: Date | null;
  events: NormalizedEvent[];
}

// Fields typed as strings may arrive as numbers, objects or arrays from a lenient upstream: anything that is not a
// string counts as absent rather than throwing (reference §8.10).
const text = (s: unknown): string | undefined => (typeof s === "string" ? s : undefined);
const clip = (s: unknown, max: number): string | null => {
  const t = text(s)?.trim();
  return t ? t.slice(0, max) : null;
};
const iso2 = (s: unknown): string | null => {
  const t = text(s)?.trim().toUpperCase();
  return t && /^[A-Z]{2}$/.test(t) ? t : null;
};
const dateOnly = (s: unknown): string | null => {
  const t = text(s);
  const m = t ? /^(\d{4}-\d{2}-\d{2})/.exec(t) : null;
  return m?.[1] ?? null;
};

function normalizeEvent(e: TrackEvent, provider: Provider): NormalizedEvent | undefined {
  const time = resolveEventTime(e);
  if (!time) return undefined;
  const providerKey = Number(provider.provider?.key) || 0;
  const status = mapStatus(e.sub_status) ?? statusOfStage(e.stage) ?? "IN_TRANSIT";
  const address: Partial<Address> = e.address ?? {};
  const description = typeof e.description === "string" ? e.description : "";
  const translation = e.description_translation;
  return {
    fingerprint: eventFingerprint({ providerKey, utc: time.utc, description, location: text(e.location) ?? null }),
    providerKey,
    status,
    subStatus: clip(e.sub_status, 50),
    statusCode: statusCode(status),
    country: iso2(address.country),
    state: clip(address.state, 100),
    city: clip(address.city, 200),
    postalCode: clip(address.postal_code, 20),
    fullAddress: clip(text(e.location) ?? address.street, 500),
    description,
    descriptionCn: translation && /^zh/i.test(translation.lang ?? "") ? translation.description : null,
    time,
    stage: clip(e.stage, 50),
    raw: { ...e, provider_key: providerKey },
  };
}

export function normalizeTrackInfo(info: TrackInfo): NormalizedTracking {
  const providers = Array.isArray(info?.tracking?.providers) ? info.tracking.providers : [];
  const events: NormalizedEvent[] = [];
  const seen = new Set<string>();
  for (const provider of providers) {
    for (const e of Array.isArray(provider?.events) ? provider.events : []) {
      const n = normalizeEvent(e, provider);
      // The same event listed twice in one answer counts once.
      if (n && !seen.has(n.fingerprint)) {
        seen.add(n.fingerprint);
        events.push(n);
      }
    }
  }
  events.sort((a, b) => a.time.utc.getTime() - b.time.utc.getTime());

  const latest = info?.latest_event ?? null;
  const latestTime = latest ? resolveEventTime(latest) : undefined;
  const newest = events.at(-1);
  const latestEventAt = [latestTime?.utc, newest?.time.utc]
    .filter((d): d is Date => d !== undefined)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  const delivered = info?.milestone?.find((m) => m?.key_stage === "Delivered");
  const deliveredTime = delivered ? resolveEventTime(delivered) : undefined;
  const status = mapStatus(info?.latest_status?.sub_status) ?? mapStatus(info?.latest_status?.status);
  const eta = info?.time_metrics?.estimated_delivery_date;

  return {
    status,
    subStatus: clip(info?.latest_status?.sub_status, 50),
    location: {
      full: clip(latest?.location ?? newest?.fullAddress, 500),
      country: iso2(latest?.address?.country) ?? newest?.country ?? null,
      city: clip(latest?.address?.city, 200) ?? newest?.city ?? null,
    },
    originCountry: iso2(info?.shipping_info?.shipper_address?.country),
    destinationCountry: iso2(info?.shipping_info?.recipient_address?.country),
    estimatedDeliveryDate: dateOnly(eta?.to) ?? dateOnly(eta?.from),
    deliveredAt:
      status === "DELIVERED"
        ? (deliveredTime?.utc ?? events.findLast((e) => e.status === "DELIVERED")?.time.utc ?? latestEventAt ?? null)
        : null,
    latestEventAt: latestEventAt ?? null,
    events,
  };
}
