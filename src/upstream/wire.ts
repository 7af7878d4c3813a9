// The 17TRACK v2.2 wire format (reference: shared/reference/17track-api-v2.2.md §1.3, §2, §4).
// Shared by the client, the simulator and ingest. Parsing is lenient by design (§8 pitfall 10):
// every field may be null or missing, and unknown keys are kept.

export type MainStatus =
  | "NotFound"
  | "InfoReceived"
  | "InTransit"
  | "Expired"
  | "AvailableForPickup"
  | "OutForDelivery"
  | "DeliveryFailure"
  | "Delivered"
  | "Exception";

export const MAIN_STATUSES: readonly MainStatus[] = [
  "NotFound",
  "InfoReceived",
  "InTransit",
  "Expired",
  "AvailableForPickup",
  "OutForDelivery",
  "DeliveryFailure",
  "Delivered",
  "Exception",
];

/** §4.4: milestone always lists these nine stages, in this order. */
export const KEY_STAGES = [
  "InfoReceived",
  "PickedUp",
  "Departure",
  "Arrival",
  "AvailableForPickup",
  "OutForDelivery",
  "Delivered",
  "Returning",
  "Returned",
] as const;
export type KeyStage = (typeof KEY_STAGES)[number];

export interface Coordinates {
  longitude: number | string | null;
  latitude: number | string | null;
}
export interface Address {
  country: string | null;
  state: string | null;
  city: string | null;
  street: string | null;
  postal_code: string | null;
  coordinates: Coordinates;
}
export interface TimeRaw {
  date: string | null;
  time: string | null;
  timezone: string | null;
}
export interface TrackEvent {
  time_iso: string | null;
  time_utc: string | null;
  time_raw?: TimeRaw;
  description: string;
  location: string | null;
  stage: KeyStage | string | null;
  sub_status?: string | null;
  address: Address;
  description_translation?: { lang: string; description: string } | null;
  [extra: string]: unknown;
}
export interface ProviderInfo {
  key: number;
  name: string | null;
  alias: string | null;
  tel: string | null;
  homepage: string | null;
  country: string | null;
}
export interface Provider {
  provider: ProviderInfo;
  provider_lang?: string | null;
  service_type: string | null;
  latest_sync_status: string;
  latest_sync_time: string | null;
  events_hash: number;
  events: TrackEvent[];
}
export interface Milestone {
  key_stage: KeyStage | string;
  time_iso: string | null;
  time_utc: string | null;
  time_raw?: TimeRaw;
}
export interface TrackInfo {
  shipping_info: { shipper_address: Address; recipient_address: Address };
  latest_status: { status: MainStatus | string; sub_status: string | null; sub_status_descr: string | null };
  latest_event: TrackEvent | null;
  time_metrics: {
    days_after_order: number | null;
    days_of_transit: number | null;
    days_of_transit_done: number | null;
    days_after_last_update: number | null;
    estimated_delivery_date: { source: string | null; from: string | null; to: string | null };
  };
  milestone: Milestone[];
  misc_info: Record<string, string | number | null>;
  tracking: { providers_hash: number; providers: Provider[] };
  [extra: string]: unknown;
}

export interface ItemError {
  code: number;
  message: string;
}
export interface Rejected {
  number: string;
  tag?: string | null;
  carrier?: number | string | null;
  error: ItemError;
}
export interface Envelope<A> {
  code: number;
  data: { accepted?: A[]; rejected?: Rejected[]; errors?: ItemError[] } | null;
  page?: { data_total: number; page_total: number; page_no: number; page_size: number };
}

// Request items (§2.1–§2.8).
export interface RegisterItem {
  number: string;
  carrier?: number;
  final_carrier?: number;
  auto_detection?: boolean;
  param?: string;
  tag?: string;
  order_no?: string;
  order_time?: string;
  lang?: string;
  email?: string;
  remark?: string;
}
export interface NumberItem {
  number: string;
  carrier?: number;
}
export interface ChangeCarrierItem {
  number: string;
  carrier_old?: number;
  carrier_new?: number;
  final_carrier_old?: number;
  final_carrier_new?: number;
}
export interface ChangeInfoItem {
  number: string;
  carrier?: number;
  items: Partial<Pick<RegisterItem, "tag" | "order_no" | "order_time" | "param" | "lang" | "email" | "remark">>;
}
export interface TrackListQuery {
  number?: string;
  carrier?: number;
  data_origin?: "Api" | "Manual" | "Import";
  package_status?: MainStatus;
  tracking_status?: "Tracking" | "Stopped";
  register_time_from?: string;
  register_time_to?: string;
  push_status?: "NotPushed" | "Success" | "Failure";
  page_no?: number;
  order_by?: "RegisterTimeAsc" | "RegisterTimeDesc" | "PushTimeAsc" | "PushTimeDesc" | "TrackTimeAsc" | "TrackTimeDesc";
}

// Accepted items.
export interface RegisterAccepted {
  origin: number;
  number: string;
  carrier: number;
  email: string | null;
  tag: string | null;
  lang: string | null;
}
export interface NumberAccepted {
  number: string;
  carrier: number;
}
export interface TrackInfoAccepted {
  number: string;
  carrier: number;
  param: string | null;
  tag: string | null;
  track_info: TrackInfo;
}
export interface TrackListItem {
  number: string;
  param: string | null;
  param_type: string;
  data_origin: string;
  carrier: number;
  shipping_country: string | null;
  final_carrier: number;
  recipient_country: string | null;
  register_time: string;
  tracking_status: "Tracking" | "Stopped";
  package_status: MainStatus | string;
  track_time: string | null;
  push_time: string | null;
  push_status: string;
  push_status_code: number | null;
  stop_track_time: string | null;
  stop_track_reason: string | null;
  is_retracked: boolean;
  carrier_change_count: number;
  tag: string | null;
  email: string | null;
  order_no: string | null;
  order_time: string | null;
  lang: string | null;
  remark: string | null;
  latest_event_time: string | null;
  latest_event_info: string | null;
  days_after_order: number | null;
  days_after_last_update: number | null;
  days_of_transit: number | null;
  days_of_transit_done: number | null;
  delievery_time: string | null; // sic: the v2.2 doc spells it this way (§2.7)
  pickup_time: string | null;
}
export interface Quota {
  quota_total: number;
  quota_used: number;
  quota_remain: number;
  today_used: number;
  max_track_daily: number;
  free_email_quota: number;
  free_email_quotaused: number;
}

/** §5.2: webhook bodies. */
export type PushPayload =
  | { event: "TRACKING_UPDATED"; data: TrackInfoAccepted }
  | { event: "TRACKING_STOPPED"; data: { number: string; carrier: number; param: string | null; tag: string | null } };

export const ENDPOINTS = [
  "register",
  "changecarrier",
  "changeinfo",
  "stoptrack",
  "retrack",
  "deletetrack",
  "gettracklist",
  "gettrackinfo",
  "getquota",
  "push",
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** §1.1: at most 40 numbers per call. */
export const MAX_ITEMS_PER_CALL = 40;

/** §4.3: the 30 documented sub-statuses, grouped by main status (prefix before "_" = main status). */
export const SUB_STATUSES = [
  "NotFound_Other",
  "NotFound_InvalidCode",
  "InfoReceived",
  "InTransit_PickedUp",
  "InTransit_Other",
  "InTransit_Departure",
  "InTransit_Arrival",
  "InTransit_CustomsProcessing",
  "InTransit_CustomsReleased",
  "InTransit_CustomsRequiringInformation",
  "Expired_Other",
  "AvailableForPickup_Other",
  "OutForDelivery_Other",
  "DeliveryFailure_Other",
  "DeliveryFailure_NoBody",
  "DeliveryFailure_Security",
  "DeliveryFailure_Rejected",
  "DeliveryFailure_InvalidAddress",
  "Delivered_Other",
  "Exception_Other",
  "Exception_Returning",
  "Exception_Returned",
  "Exception_NoBody",
  "Exception_Security",
  "Exception_Damage",
  "Exception_Rejected",
  "Exception_Delayed",
  "Exception_Lost",
  "Exception_Destroyed",
  "Exception_Cancel",
] as const;
export type SubStatus = (typeof SUB_STATUSES)[number];
