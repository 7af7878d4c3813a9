import { test } from "uvu";
import * as assert from "uvu/assert";
import { resolveEventTime } from "../../src/domain/tracking/event-time.js";
import { mapStatus, parseStatus, statusCode, statusFromCode, statusOfStage } from "../../src/domain/tracking/status.js";

const statuses: [string | null, string | undefined][] = [
  ["NotFound", "NOT_FOUND"],
  ["InfoReceived", "INFO_RECEIVED"],
  ["InTransit", "IN_TRANSIT"],
  ["Expired", "EXPIRED"],
  ["AvailableForPickup", "AVAILABLE_FOR_PICKUP"],
  ["OutForDelivery", "OUT_FOR_DELIVERY"],
  ["DeliveryFailure", "DELIVERY_FAILURE"],
  ["Delivered", "DELIVERED"],
  ["Exception", "EXCEPTION"],
  ["InTransit_CustomsRequiringInformation", "IN_TRANSIT"],
  ["Exception_Returned", "EXCEPTION"],
  ["DeliveryFailure_NoBody", "DELIVERY_FAILURE"],
  ["NotFound_InvalidCode", "NOT_FOUND"],
  ["Teleported_Other", undefined],
  ["", undefined],
  [null, undefined],
];
for (const [input, expected] of statuses) {
  test(`mapStatus(${JSON.stringify(input)}) = ${expected}`, () => assert.is(mapStatus(input), expected));
}

const stages: [string, string | undefined][] = [
  ["InfoReceived", "INFO_RECEIVED"],
  ["PickedUp", "IN_TRANSIT"],
  ["Arrival", "IN_TRANSIT"],
  ["OutForDelivery", "OUT_FOR_DELIVERY"],
  ["Delivered", "DELIVERED"],
  ["Returned", "EXCEPTION"],
  ["Unknown", undefined],
];
for (const [stage, expected] of stages) {
  test(`statusOfStage(${stage}) = ${expected}`, () => assert.is(statusOfStage(stage), expected));
}

test("status codes are the proto enum values and round-trip", () => {
  assert.is(statusCode("NOT_FOUND"), 1);
  assert.is(statusCode("EXCEPTION"), 9);
  assert.is(statusFromCode(statusCode("DELIVERED")), "DELIVERED");
  assert.is(statusFromCode(0), undefined);
});

const times: [string, Parameters<typeof resolveEventTime>[0], string | undefined, string | null][] = [
  [
    "time_utc with iso offset",
    { time_utc: "2022-04-04T23:35:22Z", time_iso: "2022-04-04T16:35:22-07:00" },
    "2022-04-04T23:35:22.000Z",
    "-07:00",
  ],
  ["iso only", { time_utc: null, time_iso: "2022-04-04T16:35:22+08:00" }, "2022-04-04T08:35:22.000Z", "+08:00"],
  ["iso Z", { time_iso: "2022-04-04T16:35:22Z" }, "2022-04-04T16:35:22.000Z", "+00:00"],
  [
    "raw with zone",
    { time_raw: { date: "2022-04-04", time: "16:35", timezone: "+0200" } },
    "2022-04-04T14:35:00.000Z",
    "+02:00",
  ],
  [
    "raw without zone is read as UTC, offset unknown",
    { time_raw: { date: "2022-04-04", time: "16:35:22", timezone: null } },
    "2022-04-04T16:35:22.000Z",
    null,
  ],
  ["date only", { time_raw: { date: "2022-04-04", time: null, timezone: null } }, "2022-04-04T00:00:00.000Z", null],
  ["iso without offset and no raw", { time_iso: "2022-04-04T16:35:22" }, undefined, null],
  ["garbage", { time_utc: "yesterday", time_iso: "soon" }, undefined, null],
  ["nothing", {}, undefined, null],
];
for (const [name, input, utc, offset] of times) {
  test(`resolveEventTime: ${name}`, () => {
    const r = resolveEventTime(input);
    assert.is(r?.utc.toISOString(), utc);
    if (utc) assert.is(r?.offset, offset);
  });
}

for (const [input, expected] of [
  ["IN_TRANSIT", "IN_TRANSIT"],
  ["DELIVERED", "DELIVERED"],
  ["InTransit", undefined],
  ["in_transit", undefined],
  ["", undefined],
  [null, undefined],
] as const) {
  test(`parseStatus(${JSON.stringify(input)}) = ${expected}`, () => assert.is(parseStatus(input), expected));
}

test("prototype names are not statuses", () => {
  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty_x"]) {
    assert.is(mapStatus(name), undefined, name);
    assert.is(statusOfStage(name), undefined, name);
  }
});

test.run();
