// Turns a registration into the wire shapes clients see: the gettrackinfo/webhook item (§2.5, §5.2)
// and the gettracklist summary (§2.7, including the doc's `delievery_time` spelling).
import type { TrackInfoAccepted, TrackListItem } from "../upstream/wire.js";
import type { Registration } from "./store.js";
import { formatLocal, formatUtc } from "./time-format.js";
import { buildTrackInfo, lastSyncAt, statusAt } from "./track-info.js";

/** Visible events end at the stop time for stopped numbers: 17TRACK no longer fetches them (§2.4). */
export function cutoffOf(reg: Registration, now: number): number {
  return reg.trackingStatus === "Stopped" && reg.stopTime !== null ? Math.min(reg.stopTime, now) : now;
}

export function trackInfoItem(reg: Registration, now: number): TrackInfoAccepted {
  return {
    number: reg.number,
    carrier: reg.carrier,
    param: reg.param,
    tag: reg.tag,
    track_info: buildTrackInfo({ plan: reg.plan, cutoff: cutoffOf(reg, now), now, orderTime: reg.orderTime }),
  };
}

const iso = (ms: number | null) => (ms === null ? null : formatUtc(ms));

export function trackListItem(reg: Registration, now: number): TrackListItem {
  const cutoff = cutoffOf(reg, now);
  const info = buildTrackInfo({ plan: reg.plan, cutoff, now, orderTime: reg.orderTime });
  const latest = info.latest_event;
  const delivered = info.milestone.find((m) => m.key_stage === "Delivered")?.time_utc ?? null;
  const pickedUp = info.milestone.find((m) => m.key_stage === "PickedUp")?.time_utc ?? null;
  const metrics = info.time_metrics;
  return {
    number: reg.number,
    param: reg.param,
    param_type: reg.param === null ? "None" : "Other",
    data_origin: "Api",
    carrier: reg.carrier,
    shipping_country: info.shipping_info.shipper_address.country,
    final_carrier: reg.finalCarrier,
    recipient_country: info.shipping_info.recipient_address.country,
    register_time: formatUtc(reg.registerTime),
    tracking_status: reg.trackingStatus,
    package_status: statusAt(reg.plan, cutoff).status,
    track_time: iso(lastSyncAt(reg.plan, cutoff)),
    push_time: iso(reg.pushTime),
    push_status: reg.pushStatus,
    push_status_code: reg.pushStatusCode,
    stop_track_time: iso(reg.stopTime),
    stop_track_reason: reg.stopReason,
    is_retracked: reg.isRetracked,
    carrier_change_count: reg.carrierChangeCount,
    tag: reg.tag,
    // The doc example prints unset email/lang/remark/order_no as "" but tag as null (§2.7).
    email: reg.email ?? "",
    order_no: reg.orderNo ?? "",
    order_time: reg.orderTime === null ? null : formatLocal(reg.orderTime, "+00:00"),
    lang: reg.lang ?? "",
    remark: reg.remark ?? "",
    latest_event_time: latest?.time_iso ?? null,
    latest_event_info: latest ? [latest.address.city, latest.description].filter(Boolean).join(",") : null,
    days_after_order: metrics.days_after_order,
    days_after_last_update: metrics.days_after_last_update,
    days_of_transit: metrics.days_of_transit,
    days_of_transit_done: metrics.days_of_transit_done,
    delievery_time: delivered,
    pickup_time: pickedUp ?? "",
  };
}
