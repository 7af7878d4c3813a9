import { timestampDate } from "@bufbuild/protobuf/wkt";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CacheStrategy, RegistrationState, TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import {
  statusFromName,
  statusName,
  type TrackingEventRowData,
  type TrackingRecordRowData,
  toTrackingEventProto,
  toTrackingRecordProto,
} from "../../src/rpc/mappers/tracking.js";
import type { TrackingEventRow, TrackingRecordRow } from "../../src/store/models/index.js";

// Compile-time: a Sequelize model instance is accepted by the mapper as it is (the documented camelCase shape).
type Accepts<T, U extends T> = U;
export type _RecordRowFits = Accepts<TrackingRecordRowData, TrackingRecordRow>;
export type _EventRowFits = Accepts<TrackingEventRowData, TrackingEventRow>;

const t0 = new Date("2026-03-01T10:00:00.000Z");

function recordRow(overrides: Partial<TrackingRecordRowData> = {}): TrackingRecordRowData {
  return {
    trackingId: "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11",
    trackingNumber: "1Z999AA10123456784",
    currentStatus: "IN_TRANSIT",
    currentSubstatus: "InTransit_Arrival",
    statusCode: 3,
    currentLocation: "Louisville, KY, US",
    currentLocationCountry: "US",
    currentLocationCity: "Louisville",
    originCountry: "CN",
    destinationCountry: "US",
    estimatedDeliveryDate: "2026-03-05",
    actualDeliveryDate: null,
    recipientName: "Ada",
    customerReference: "cust-1",
    orderId: "order-1",
    autoRefreshEnabled: true,
    syncIntervalMinutes: 120,
    lastSyncedAt: t0,
    nextSyncAt: new Date(t0.getTime() + 3_600_000),
    syncRetryCount: 1,
    maxSyncRetries: 5,
    isDelivered: false,
    isException: false,
    isExpired: false,
    requiresAttention: false,
    registrationState: "ACCEPTED",
    registrationErrorCode: null,
    registrationErrorMessage: null,
    track17CarrierKey: 100002,
    registeredAt: t0,
    priority: 3,
    eventCount: 7,
    cacheStrategy: "ADAPTIVE",
    createdAt: t0,
    updatedAt: t0,
    rawApiResponse: { number: "1Z999AA10123456784" },
    ...overrides,
  };
}

function eventRow(overrides: Partial<TrackingEventRowData> = {}): TrackingEventRowData {
  return {
    eventId: "9007199254740993",
    trackingId: "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11",
    eventSequence: 4,
    eventStatus: "OUT_FOR_DELIVERY",
    eventSubstatus: null,
    eventStatusCode: null,
    locationCountry: "US",
    locationState: "KY",
    locationCity: "Louisville",
    locationPostalCode: "40201",
    locationFullAddress: "1 Main St, Louisville, KY",
    locationTimezone: "America/Kentucky/Louisville",
    eventDescription: "Out for delivery",
    eventDescriptionCn: null,
    eventTimestamp: t0,
    eventTimezoneOffset: "-05:00",
    facilityName: "Hub",
    carrierEventCode: "OFD",
    weightKg: "1.25",
    dimensionsCm: "10x20x30",
    providerKey: 100002,
    createdAt: t0,
    rawEventData: { description: "Out for delivery" },
    ...overrides,
  };
}

const ups = { carrierCode: "ups", carrierName: "UPS", track17Key: 100002 };

const statusCases: [string, TrackingStatus][] = [
  ["NOT_FOUND", TrackingStatus.NOT_FOUND],
  ["INFO_RECEIVED", TrackingStatus.INFO_RECEIVED],
  ["IN_TRANSIT", TrackingStatus.IN_TRANSIT],
  ["EXPIRED", TrackingStatus.EXPIRED],
  ["AVAILABLE_FOR_PICKUP", TrackingStatus.AVAILABLE_FOR_PICKUP],
  ["OUT_FOR_DELIVERY", TrackingStatus.OUT_FOR_DELIVERY],
  ["DELIVERY_FAILURE", TrackingStatus.DELIVERY_FAILURE],
  ["DELIVERED", TrackingStatus.DELIVERED],
  ["EXCEPTION", TrackingStatus.EXCEPTION],
  ["TELEPORTED", TrackingStatus.UNSPECIFIED],
  ["", TrackingStatus.UNSPECIFIED],
];
for (const [name, expected] of statusCases) {
  test(`status ${JSON.stringify(name)} ↔ ${TrackingStatus[expected]}`, () => {
    assert.is(statusFromName(name), expected);
    assert.is(statusName(expected), expected === TrackingStatus.UNSPECIFIED ? undefined : name);
  });
}

test("record: every field of the row lands in its proto field", () => {
  const r = toTrackingRecordProto(recordRow(), ups);
  assert.is(r.trackingId, "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11");
  assert.is(r.trackingNumber, "1Z999AA10123456784");
  assert.equal([r.carrier?.carrierCode, r.carrier?.carrierName, r.carrier?.track17Key], ["ups", "UPS", 100002]);
  assert.is(r.status, TrackingStatus.IN_TRANSIT);
  assert.is(r.subStatus, "InTransit_Arrival");
  assert.is(r.statusCode, 3);
  assert.equal(
    [r.currentLocation?.fullAddress, r.currentLocation?.country, r.currentLocation?.city],
    ["Louisville, KY, US", "US", "Louisville"],
  );
  assert.equal([r.originCountry, r.destinationCountry, r.estimatedDeliveryDate], ["CN", "US", "2026-03-05"]);
  assert.is(r.actualDeliveryTime, undefined);
  assert.equal([r.recipientName, r.customerReference, r.orderId], ["Ada", "cust-1", "order-1"]);
  assert.equal([r.autoRefreshEnabled, r.syncIntervalMinutes, r.syncRetryCount, r.maxSyncRetries], [true, 120, 1, 5]);
  assert.is(r.lastSyncedAt && timestampDate(r.lastSyncedAt).toISOString(), t0.toISOString());
  assert.is(r.nextSyncAt && timestampDate(r.nextSyncAt).toISOString(), "2026-03-01T11:00:00.000Z");
  assert.equal([r.isDelivered, r.isException, r.isExpired, r.requiresAttention], [false, false, false, false]);
  assert.is(r.eventCount, 7);
  assert.is(r.latestEvent, undefined);
  assert.is(r.registration?.state, RegistrationState.ACCEPTED);
  assert.is(r.registration?.track17CarrierKey, 100002);
  assert.is(r.registration?.registeredAt && timestampDate(r.registration.registeredAt).getTime(), t0.getTime());
  assert.is(r.priority, 3);
  assert.is(r.cacheStrategy, CacheStrategy.ADAPTIVE);
  assert.is(r.createdAt && timestampDate(r.createdAt).getTime(), t0.getTime());
  assert.is(r.rawApiResponse, undefined, "raw only on request");
});

test("record: raw response only when asked; a JSON array is wrapped for Struct", () => {
  assert.equal(toTrackingRecordProto(recordRow(), ups, undefined, { raw: true }).rawApiResponse, {
    number: "1Z999AA10123456784",
  });
  assert.equal(
    toTrackingRecordProto(recordRow({ rawApiResponse: [1, 2] }), ups, undefined, { raw: true }).rawApiResponse,
    {
      items: [1, 2],
    },
  );
  assert.is(
    toTrackingRecordProto(recordRow({ rawApiResponse: null }), ups, undefined, { raw: true }).rawApiResponse,
    undefined,
  );
});

test("record: NULLs of DEFAULT-only PRD columns read as the PRD defaults; empty strings for absent text", () => {
  const r = toTrackingRecordProto(
    recordRow({
      currentSubstatus: null,
      statusCode: null,
      currentLocation: null,
      currentLocationCountry: null,
      currentLocationCity: null,
      estimatedDeliveryDate: null,
      recipientName: null,
      customerReference: null,
      orderId: null,
      autoRefreshEnabled: null,
      syncIntervalMinutes: null,
      lastSyncedAt: null,
      nextSyncAt: null,
      syncRetryCount: null,
      maxSyncRetries: null,
      isDelivered: null,
      requiresAttention: null,
      currentStatus: "DELIVERED",
    }),
    ups,
  );
  assert.is(r.statusCode, TrackingStatus.DELIVERED, "status code falls back to the enum value");
  assert.equal([r.subStatus, r.estimatedDeliveryDate, r.recipientName, r.orderId], ["", "", "", ""]);
  assert.equal([r.autoRefreshEnabled, r.syncIntervalMinutes, r.syncRetryCount, r.maxSyncRetries], [true, 240, 0, 5]);
  assert.equal([r.lastSyncedAt, r.nextSyncAt], [undefined, undefined]);
  assert.equal([r.isDelivered, r.requiresAttention], [false, false]);
});

test("record: rejected registration carries 17TRACK's code and message; a Date estimate is its UTC day", () => {
  const r = toTrackingRecordProto(
    recordRow({
      registrationState: "REJECTED",
      registrationErrorCode: -18019903,
      registrationErrorMessage: "carrier cannot be detected",
      track17CarrierKey: null,
      registeredAt: null,
      estimatedDeliveryDate: new Date("2026-03-05T00:00:00Z"),
      cacheStrategy: "WEIRD",
    }),
    ups,
  );
  assert.is(r.registration?.state, RegistrationState.REJECTED);
  assert.is(r.registration?.errorCode, -18019903);
  assert.is(r.registration?.errorMessage, "carrier cannot be detected");
  assert.is(r.registration?.track17CarrierKey, 0);
  assert.is(r.registration?.registeredAt, undefined);
  assert.is(r.estimatedDeliveryDate, "2026-03-05");
  assert.is(r.cacheStrategy, CacheStrategy.UNSPECIFIED);
});

test("record: the latest event is embedded as given", () => {
  const latest = toTrackingEventProto(eventRow(), { raw: false });
  const r = toTrackingRecordProto(recordRow(), ups, latest);
  assert.is(r.latestEvent?.eventId, 9007199254740993n);
});

test("event: every field of the row lands in its proto field", () => {
  const e = toTrackingEventProto(eventRow(), { raw: false, providers: new Map([[100002, ups]]) });
  assert.is(e.eventId, 9007199254740993n, "int8 beyond 2^53 stays exact");
  assert.is(e.trackingId, "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11");
  assert.is(e.eventSequence, 4);
  assert.is(e.status, TrackingStatus.OUT_FOR_DELIVERY);
  assert.is(e.statusCode, TrackingStatus.OUT_FOR_DELIVERY);
  assert.is(e.subStatus, "");
  assert.equal(
    [
      e.location?.fullAddress,
      e.location?.country,
      e.location?.state,
      e.location?.city,
      e.location?.postalCode,
      e.location?.timezone,
    ],
    ["1 Main St, Louisville, KY", "US", "KY", "Louisville", "40201", "America/Kentucky/Louisville"],
  );
  assert.equal([e.description, e.descriptionCn], ["Out for delivery", ""]);
  assert.is(e.eventTime && timestampDate(e.eventTime).getTime(), t0.getTime());
  assert.is(e.timezoneOffset, "-05:00");
  assert.equal([e.facilityName, e.carrierEventCode, e.weightKg, e.dimensionsCm], ["Hub", "OFD", 1.25, "10x20x30"]);
  assert.equal(
    [e.reportedBy?.carrierCode, e.reportedBy?.carrierName, e.reportedBy?.track17Key],
    ["ups", "UPS", 100002],
  );
  assert.is(e.createdAt && timestampDate(e.createdAt).getTime(), t0.getTime());
  assert.is(e.rawEvent, undefined);
});

test("event: raw JSON only when asked", () => {
  assert.equal(toTrackingEventProto(eventRow(), { raw: true }).rawEvent, { description: "Out for delivery" });
  assert.is(toTrackingEventProto(eventRow({ rawEventData: undefined }), { raw: true }).rawEvent, undefined);
});

test("event: a provider key not in our carrier table still names its 17TRACK key; none gives no reporter", () => {
  const unknown = toTrackingEventProto(eventRow({ providerKey: 190271 }), { raw: false, providers: new Map() });
  assert.equal(
    [unknown.reportedBy?.carrierCode, unknown.reportedBy?.carrierName, unknown.reportedBy?.track17Key],
    ["", "", 190271],
  );
  assert.is(toTrackingEventProto(eventRow({ providerKey: null }), { raw: false }).reportedBy, undefined);
});

test("event: missing weight is absent (not 0); numeric weights and numeric ids are accepted", () => {
  assert.is(toTrackingEventProto(eventRow({ weightKg: null }), { raw: false }).weightKg, undefined);
  const e = toTrackingEventProto(eventRow({ weightKg: 2, eventId: 12, eventStatusCode: 6 }), { raw: false });
  assert.equal([e.weightKg, e.eventId, e.statusCode], [2, 12n, 6]);
});

test.run();
