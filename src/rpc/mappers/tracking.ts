// The one place a tracking record or event becomes a proto message (an explicit allow-list of fields).
//
// Input shape: camelCase attributes, exactly the names of the Sequelize models (src/store/models/tracking-*.ts), so a
// model instance satisfies the row types below as it is, and SQL reads alias their columns to the same names
// (src/store/tracking-reads.ts). Only the fields the message needs are required; nullable columns are `| null`.
import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  CacheStrategy,
  type CarrierRef,
  LocationSchema,
  RegistrationState,
  type TrackingEvent,
  TrackingEventSchema,
  type TrackingRecord,
  TrackingRecordSchema,
  TrackingStatus,
} from "../../../gen/waybill/v1/types_pb.js";
import type { CarrierData } from "../../domain/carrier.js";
import { STATUSES } from "../../domain/tracking/status.js";
import { toCarrierRef } from "./carrier.js";
import { ts } from "./time.js";

/** A JSONB document as pg parses it (same as src/store/models/json.ts). */
export type JsonDocument = { [key: string]: unknown } | unknown[];

/** The carrier fields a CarrierRef shows. */
export type CarrierRefData = Pick<CarrierData, "carrierCode" | "carrierName" | "track17Key">;

/** A `tracking_records` row (camelCase, as the model and the SQL reads name it). */
export interface TrackingRecordRowData {
  trackingId: string;
  trackingNumber: string;
  currentStatus: string;
  currentSubstatus: string | null;
  statusCode: number | null;
  currentLocation: string | null;
  currentLocationCountry: string | null;
  currentLocationCity: string | null;
  originCountry: string | null;
  destinationCountry: string | null;
  /** SQL DATE: "YYYY-MM-DD" (Sequelize DATEONLY); a Date is read as its UTC calendar day. */
  estimatedDeliveryDate: string | Date | null;
  actualDeliveryDate: Date | null;
  recipientName: string | null;
  customerReference: string | null;
  orderId: string | null;
  autoRefreshEnabled: boolean | null;
  syncIntervalMinutes: number | null;
  lastSyncedAt: Date | null;
  nextSyncAt: Date | null;
  syncRetryCount: number | null;
  maxSyncRetries: number | null;
  isDelivered: boolean | null;
  isException: boolean | null;
  isExpired: boolean | null;
  requiresAttention: boolean | null;
  registrationState: string;
  registrationErrorCode: number | null;
  registrationErrorMessage: string | null;
  track17CarrierKey: number | null;
  registeredAt: Date | null;
  priority: number;
  eventCount: number;
  cacheStrategy: string;
  createdAt: Date;
  updatedAt: Date;
  /** Optional: list reads do not select the raw 17TRACK response. */
  rawApiResponse?: JsonDocument | null;
}

/** A `tracking_events` row (camelCase, as the model and the SQL reads name it). */
export interface TrackingEventRowData {
  /** BIGSERIAL: pg returns int8 as a decimal string. */
  eventId: string | number | bigint;
  trackingId: string;
  eventSequence: number;
  eventStatus: string;
  eventSubstatus: string | null;
  eventStatusCode: number | null;
  locationCountry: string | null;
  locationState: string | null;
  locationCity: string | null;
  locationPostalCode: string | null;
  locationFullAddress: string | null;
  locationTimezone: string | null;
  eventDescription: string | null;
  eventDescriptionCn: string | null;
  eventTimestamp: Date;
  eventTimezoneOffset: string | null;
  facilityName: string | null;
  carrierEventCode: string | null;
  /** DECIMAL(10,2): pg returns numeric as a decimal string. */
  weightKg: string | number | null;
  dimensionsCm: string | null;
  /** 17TRACK key of the provider that reported the event (migrations/0003). */
  providerKey: number | null;
  createdAt: Date | null;
  /** Optional: only selected when raw data was asked for. */
  rawEventData?: JsonDocument | null;
}

export interface EventMapOptions {
  /** Fill raw_event from raw_event_data. */
  raw: boolean;
  /** Carriers by 17TRACK key, to name the provider of each event; an unknown key still yields its number. */
  providers?: ReadonlyMap<number, CarrierRefData>;
}

export interface RecordMapOptions {
  /** Fill raw_api_response from the stored track_info. */
  raw?: boolean;
}

/** A status name as stored (IN_TRANSIT) → the proto enum; anything unknown is UNSPECIFIED rather than a crash. */
export function statusFromName(name: string | null | undefined): TrackingStatus {
  const i = STATUSES.indexOf(name as (typeof STATUSES)[number]);
  return i < 0 ? TrackingStatus.UNSPECIFIED : ((i + 1) as TrackingStatus);
}

/** The proto enum → the stored name; undefined for UNSPECIFIED (or any value outside the nine). */
export function statusName(status: TrackingStatus): (typeof STATUSES)[number] | undefined {
  return STATUSES[status - 1];
}

const REGISTRATION_STATES: Record<string, RegistrationState> = {
  PENDING: RegistrationState.PENDING,
  ACCEPTED: RegistrationState.ACCEPTED,
  REJECTED: RegistrationState.REJECTED,
  STOPPED: RegistrationState.STOPPED,
};

const CACHE_STRATEGIES: Record<string, CacheStrategy> = {
  FIXED: CacheStrategy.FIXED,
  DYNAMIC: CacheStrategy.DYNAMIC,
  ADAPTIVE: CacheStrategy.ADAPTIVE,
};

/** google.protobuf.Struct holds an object only; a JSON array (JSONB allows one) is wrapped as {"items": [...]}. */
function toStruct(value: JsonDocument | null | undefined): JsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  // JSONB came out of JSON.parse, so every value in it is a JSON value.
  return (Array.isArray(value) ? { items: value } : value) as JsonObject;
}

function calendarDay(value: string | Date | null): string {
  if (value === null) return "";
  return typeof value === "string" ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

function providerRef(key: number | null, providers?: ReadonlyMap<number, CarrierRefData>): CarrierRef | undefined {
  if (key === null) return undefined;
  return toCarrierRef(providers?.get(key) ?? { carrierCode: "", carrierName: "", track17Key: key });
}

export function toTrackingEventProto(row: TrackingEventRowData, options: EventMapOptions): TrackingEvent {
  const status = statusFromName(row.eventStatus);
  const weight = row.weightKg === null ? undefined : Number(row.weightKg);
  return create(TrackingEventSchema, {
    eventId: BigInt(row.eventId),
    trackingId: row.trackingId,
    eventSequence: row.eventSequence,
    status,
    subStatus: row.eventSubstatus ?? "",
    statusCode: row.eventStatusCode ?? status,
    location: create(LocationSchema, {
      fullAddress: row.locationFullAddress ?? "",
      country: row.locationCountry ?? "",
      state: row.locationState ?? "",
      city: row.locationCity ?? "",
      postalCode: row.locationPostalCode ?? "",
      timezone: row.locationTimezone ?? "",
    }),
    description: row.eventDescription ?? "",
    descriptionCn: row.eventDescriptionCn ?? "",
    eventTime: ts(row.eventTimestamp),
    timezoneOffset: row.eventTimezoneOffset ?? "",
    facilityName: row.facilityName ?? "",
    carrierEventCode: row.carrierEventCode ?? "",
    weightKg: weight !== undefined && Number.isFinite(weight) ? weight : undefined,
    dimensionsCm: row.dimensionsCm ?? "",
    reportedBy: providerRef(row.providerKey, options.providers),
    createdAt: ts(row.createdAt),
    rawEvent: options.raw ? toStruct(row.rawEventData) : undefined,
  });
}

/**
 * A record row and its carrier → TrackingRecord. `latestEvent` is the already mapped newest event (by event time), so
 * the caller decides whether it carries raw data and provider names.
 */
export function toTrackingRecordProto(
  row: TrackingRecordRowData,
  carrier: CarrierRefData,
  latestEvent?: TrackingEvent,
  options: RecordMapOptions = {},
): TrackingRecord {
  const status = statusFromName(row.currentStatus);
  return create(TrackingRecordSchema, {
    trackingId: row.trackingId,
    trackingNumber: row.trackingNumber,
    carrier: toCarrierRef(carrier),
    status,
    subStatus: row.currentSubstatus ?? "",
    statusCode: row.statusCode ?? status,
    currentLocation: create(LocationSchema, {
      fullAddress: row.currentLocation ?? "",
      country: row.currentLocationCountry ?? "",
      city: row.currentLocationCity ?? "",
    }),
    originCountry: row.originCountry ?? "",
    destinationCountry: row.destinationCountry ?? "",
    estimatedDeliveryDate: calendarDay(row.estimatedDeliveryDate),
    actualDeliveryTime: ts(row.actualDeliveryDate),
    recipientName: row.recipientName ?? "",
    customerReference: row.customerReference ?? "",
    orderId: row.orderId ?? "",
    // NULL in these PRD columns (DEFAULT only, no NOT NULL) reads as the PRD's default.
    autoRefreshEnabled: row.autoRefreshEnabled ?? true,
    syncIntervalMinutes: row.syncIntervalMinutes ?? 240,
    lastSyncedAt: ts(row.lastSyncedAt),
    nextSyncAt: ts(row.nextSyncAt),
    syncRetryCount: row.syncRetryCount ?? 0,
    maxSyncRetries: row.maxSyncRetries ?? 5,
    isDelivered: row.isDelivered ?? false,
    isException: row.isException ?? false,
    isExpired: row.isExpired ?? false,
    requiresAttention: row.requiresAttention ?? false,
    eventCount: row.eventCount,
    latestEvent,
    registration: {
      state: REGISTRATION_STATES[row.registrationState] ?? RegistrationState.UNSPECIFIED,
      errorCode: row.registrationErrorCode ?? 0,
      errorMessage: row.registrationErrorMessage ?? "",
      track17CarrierKey: row.track17CarrierKey ?? 0,
      registeredAt: ts(row.registeredAt),
    },
    priority: row.priority,
    createdAt: ts(row.createdAt),
    updatedAt: ts(row.updatedAt),
    cacheStrategy: CACHE_STRATEGIES[row.cacheStrategy] ?? CacheStrategy.UNSPECIFIED,
    rawApiResponse: options.raw ? toStruct(row.rawApiResponse) : undefined,
  });
}
