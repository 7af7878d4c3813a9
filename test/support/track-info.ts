// Hand-built 17TRACK track_info fixtures in the wire shape of reference §4 (shared by unit and integration suites).
import type { Provider, TrackEvent, TrackInfo } from "../../src/upstream/wire.js";

export const addr = (country: string | null, city: string | null) => ({
  country,
  state: null,
  city,
  street: null,
  postal_code: null,
  coordinates: { longitude: null, latitude: null },
});
export const ev = (utc: string, description: string, extra: Partial<TrackEvent> = {}): TrackEvent => ({
  time_iso: null,
  time_utc: utc,
  description,
  location: null,
  stage: null,
  address: addr(null, null),
  ...extra,
});
export const provider = (key: number, events: TrackEvent[]): Provider => ({
  provider: { key, name: `P${key}`, alias: null, tel: null, homepage: null, country: null },
  service_type: null,
  latest_sync_status: "Success",
  latest_sync_time: null,
  events_hash: 0,
  events,
});
export function info(providers: Provider[], status = "InTransit", sub = "InTransit_Other"): TrackInfo {
  const all = providers.flatMap((p) => p.events);
  return {
    shipping_info: { shipper_address: addr("CN", null), recipient_address: addr("US", "GASQUET") },
    latest_status: { status, sub_status: sub, sub_status_descr: null },
    latest_event: all.sort((a, b) => (b.time_utc ?? "").localeCompare(a.time_utc ?? ""))[0] ?? null,
    time_metrics: {
      days_after_order: null,
      days_of_transit: null,
      days_of_transit_done: null,
      days_after_last_update: null,
      estimated_delivery_date: { source: null, from: "2022-04-05T00:00:00Z", to: null },
    },
    milestone: [],
    misc_info: {},
    tracking: { providers_hash: 1, providers },
  };
}
