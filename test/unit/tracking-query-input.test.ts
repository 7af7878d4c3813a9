import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  EventFilterSchema,
  SearchSort,
  SearchTrackingsRequestSchema,
} from "../../gen/waybill/v1/tracking_service_pb.js";
import { SortOrder, TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { DomainError } from "../../src/errors.js";
import {
  decodeEventToken,
  decodeSearchToken,
  direction,
  encodeEventToken,
  encodeSearchToken,
  eventFilter,
  normalizeNumber,
  searchCriteria,
  searchSort,
} from "../../src/rpc/tracking-query-input.js";

const token = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const UUID = "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11";

function invalid(fn: () => unknown, pattern: RegExp | string) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, DomainError);
    assert.is((err as DomainError).kind, "invalid_argument");
    assert.match((err as DomainError).message, pattern);
    return;
  }
  assert.unreachable("expected InvalidArgument");
}

const numbers: [string, string][] = [
  ["1z 999-aa1", "1Z999AA1"],
  ["  ab--cd  ", "ABCD"],
  ["", ""],
];
for (const [raw, expected] of numbers)
  test(`normalizeNumber(${JSON.stringify(raw)})`, () => assert.is(normalizeNumber(raw), expected));

test("direction: explicit orders win, UNSPECIFIED takes the RPC's default", () => {
  assert.is(direction(SortOrder.ASC, "desc"), "asc");
  assert.is(direction(SortOrder.DESC, "asc"), "desc");
  assert.is(direction(SortOrder.UNSPECIFIED, "asc"), "asc");
  assert.is(direction(SortOrder.UNSPECIFIED, "desc"), "desc");
});

test("eventFilter: statuses to stored names, empty strings to absent, equal bounds allowed", () => {
  const at = new Date("2026-03-01T00:00:00Z");
  const f = eventFilter(
    create(EventFilterSchema, {
      statuses: [TrackingStatus.IN_TRANSIT, TrackingStatus.DELIVERED],
      fromTime: timestampFromDate(at),
      toTime: timestampFromDate(at),
    }),
  );
  assert.equal(f.statuses, ["IN_TRANSIT", "DELIVERED"]);
  assert.equal(
    [f.from?.getTime(), f.to?.getTime(), f.country, f.city],
    [at.getTime(), at.getTime(), undefined, undefined],
  );
  assert.equal(eventFilter(undefined), {});
});

test("eventFilter: from after to names both fields", () => {
  invalid(
    () =>
      eventFilter(
        create(EventFilterSchema, {
          fromTime: timestampFromDate(new Date("2026-03-02T00:00:00Z")),
          toTime: timestampFromDate(new Date("2026-03-01T00:00:00Z")),
        }),
      ),
    /filter\.from_time .* filter\.to_time/,
  );
});

test("searchCriteria: prefix normalised, optional booleans kept, backwards ranges rejected", () => {
  const c = searchCriteria(
    create(SearchTrackingsRequestSchema, { numberPrefix: "1z-99 9", delivered: false, carrierCodes: ["ups"] }),
  );
  assert.equal(
    [c.numberPrefix, c.delivered, c.requiresAttention, c.carrierCodes],
    ["1Z999", false, undefined, ["ups"]],
  );
  const later = timestampFromDate(new Date("2026-03-02T00:00:00Z"));
  const earlier = timestampFromDate(new Date("2026-03-01T00:00:00Z"));
  invalid(
    () => searchCriteria(create(SearchTrackingsRequestSchema, { createdFrom: later, createdTo: earlier })),
    /created_from/,
  );
  invalid(
    () => searchCriteria(create(SearchTrackingsRequestSchema, { updatedFrom: later, updatedTo: earlier })),
    /updated_to/,
  );
});

test("searchSort: defaults to created_at descending", () => {
  assert.equal(searchSort(create(SearchTrackingsRequestSchema, {})), { sort: "created_at", order: "desc" });
  assert.equal(
    searchSort(create(SearchTrackingsRequestSchema, { sort: SearchSort.NEXT_SYNC_AT, order: SortOrder.ASC })),
    {
      sort: "next_sync_at",
      order: "asc",
    },
  );
});

test("event tokens round-trip, keep microseconds, and are bound to their order", () => {
  const cursor = { t: "2026-03-01 08:00:00.123456", id: "9007199254740993" };
  assert.equal(decodeEventToken(encodeEventToken(cursor, "desc"), "desc"), cursor);
  assert.is(decodeEventToken("", "asc"), undefined);
  invalid(() => decodeEventToken(encodeEventToken(cursor, "desc"), "asc"), /order desc/);
});

const badEventTokens: [string, string][] = [
  ["not base64 JSON", "%%%"],
  ["missing fields", token({ t: "2026-03-01 08:00:00" })],
  ["time not Postgres text", token({ t: "2026-03-01T08:00:00Z", id: "1", o: "asc" })],
  ["id not digits", token({ t: "2026-03-01 08:00:00", id: "1 OR 1=1", o: "asc" })],
  ["id a number", token({ t: "2026-03-01 08:00:00", id: 1, o: "asc" })],
];
for (const [name, value] of badEventTokens) {
  test(`event token rejected: ${name}`, () => invalid(() => decodeEventToken(value, "asc"), /page_token/));
}

test("search tokens round-trip and are bound to sort and order; next_sync_at allows infinity", () => {
  const c = { k: "2026-01-01 00:00:00", id: UUID };
  assert.equal(decodeSearchToken(encodeSearchToken(c, "created_at", "desc"), "created_at", "desc"), c);
  const never = { k: "infinity", id: UUID };
  assert.equal(decodeSearchToken(encodeSearchToken(never, "next_sync_at", "asc"), "next_sync_at", "asc"), never);
  const number = { k: "1Z999", id: UUID };
  assert.equal(
    decodeSearchToken(encodeSearchToken(number, "tracking_number", "asc"), "tracking_number", "asc"),
    number,
  );
  invalid(
    () => decodeSearchToken(encodeSearchToken(c, "created_at", "desc"), "updated_at", "desc"),
    /sort created_at desc/,
  );
  invalid(
    () => decodeSearchToken(encodeSearchToken(c, "created_at", "desc"), "created_at", "asc"),
    /sort created_at desc/,
  );
});

const badSearchTokens: [string, Record<string, unknown>, "created_at" | "next_sync_at"][] = [
  ["id not a UUID", { k: "2026-01-01 00:00:00", id: "x", s: "created_at", o: "desc" }, "created_at"],
  ["key not a timestamp", { k: "soon", id: UUID, s: "created_at", o: "desc" }, "created_at"],
  ["infinity only for next_sync_at", { k: "infinity", id: UUID, s: "created_at", o: "desc" }, "created_at"],
  ["key a number", { k: 5, id: UUID, s: "next_sync_at", o: "desc" }, "next_sync_at"],
];
for (const [name, value, sort] of badSearchTokens) {
  test(`search token rejected: ${name}`, () =>
    invalid(() => decodeSearchToken(token(value), sort, "desc"), /page_token/));
}

test.run();
