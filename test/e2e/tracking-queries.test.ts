// GetTracking, ListTrackingEvents and ExportTrackingEvents through the real listener, on rows written straight into
// the suite's database (no ingest involved).
import { fromJsonString } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ExportFormat, TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import {
  RegistrationState,
  SortOrder,
  type TrackingEvent,
  TrackingEventSchema,
  TrackingStatus,
} from "../../gen/waybill/v1/types_pb.js";
import { CSV_HEADER } from "../../src/rpc/tracking-export.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { connectErrorOf } from "../support/rejection.js";
import { carrierId, freshNumber, insertEvents, insertManyEvents, insertRecord } from "../support/tracking-seed.js";

let t: TestApp;
let client: ReturnType<typeof createClient<typeof TrackingService>>;
let ups: number;
let usps: number;

/** The journey record: 12 events across statuses, countries, cities and two providers. */
let journey: { id: string; number: string; eventIds: string[] };
const T = (minute: number) => new Date(Date.UTC(2026, 2, 1, 8, minute));

test.before(async () => {
  t = await startTestApp("tracking-queries");
  client = createClient(TrackingService, createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }));
  const s = t.db.sequelize;
  ups = await carrierId(s, "ups");
  usps = await carrierId(s, "usps");
  const number = freshNumber("1Z");
  const id = await insertRecord(s, {
    carrier_id: ups,
    tracking_number: number,
    current_status: "OUT_FOR_DELIVERY",
    current_substatus: "OutForDelivery_Other",
    status_code: 6,
    current_location: "Louisville, KY",
    current_location_country: "US",
    current_location_city: "Louisville",
    destination_country: "US",
    estimated_delivery_date: "2026-03-05",
    customer_reference: "cust-q",
    registration_state: "ACCEPTED",
    track17_carrier_key: 100002,
    registered_at: T(0),
    event_count: 12,
    priority: 2,
    raw_api_response: { number, latest_status: { status: "OutForDelivery" } },
  });
  const eventIds = await insertEvents(s, id, [
    { time: T(0), status: "INFO_RECEIVED", country: "CN", city: "Shenzhen", providerKey: 190271 },
    { time: T(10), country: "CN", city: "Shenzhen", description: 'Departed, "export" hub', providerKey: 190271 },
    // Two events at the same instant: the event id breaks the tie, so pages never split them inconsistently.
    { time: T(20), country: "CN", city: "shenzhen", providerKey: 190271 },
    { time: T(20), country: "HK", city: "Hong Kong", providerKey: 190271 },
    { time: T(30), country: "US", city: "Anchorage", description: "Arrived\nat gateway", providerKey: 100002 },
    { time: T(40), country: "US", city: "Louisville", state: "KY", providerKey: 100002, weightKg: "1.25" },
    { time: T(50), status: "EXCEPTION", country: "US", city: "Louisville", providerKey: 100002 },
    { time: T(60), country: "US", city: "LOUISVILLE", providerKey: 100002 },
    { time: T(70), status: "AVAILABLE_FOR_PICKUP", country: "US", city: "Denver", providerKey: 100002 },
    // A late event with an older timestamp: inserted last, still read in time order.
    { time: T(5), status: "INFO_RECEIVED", country: "CN", city: "Shenzhen", providerKey: null },
    { time: T(80), status: "OUT_FOR_DELIVERY", country: "US", city: "Denver", providerKey: 100002 },
    {
      time: T(75),
      status: "IN_TRANSIT",
      country: "US",
      city: "Denver",
      providerKey: 100002,
      raw: { description: "raw one" },
    },
  ]);
  journey = { id, number, eventIds };
});
test.after(async () => {
  await t?.stop();
});

const ms = (e: TrackingEvent) => (e.eventTime ? timestampDate(e.eventTime).getTime() : Number.NaN);
const ids = (events: TrackingEvent[]) => events.map((e) => String(e.eventId));

test("GetTracking by id: the record, its carrier, registration and newest event; raw only on request", async () => {
  const { record } = await client.getTracking({ lookup: { case: "trackingId", value: journey.id } });
  assert.ok(record);
  assert.is(record.trackingNumber, journey.number);
  assert.is(record.carrier?.carrierCode, "ups");
  assert.is(record.carrier?.track17Key, 100002);
  assert.is(record.status, TrackingStatus.OUT_FOR_DELIVERY);
  assert.is(record.subStatus, "OutForDelivery_Other");
  assert.is(record.currentLocation?.city, "Louisville");
  assert.is(record.estimatedDeliveryDate, "2026-03-05");
  assert.is(record.registration?.state, RegistrationState.ACCEPTED);
  assert.is(record.priority, 2);
  assert.is(record.eventCount, 12);
  assert.is(record.latestEvent?.status, TrackingStatus.OUT_FOR_DELIVERY, "newest by event time, not by insertion");
  assert.is(record.latestEvent && ms(record.latestEvent), T(80).getTime());
  assert.is(record.latestEvent?.reportedBy?.carrierCode, "ups");
  assert.is(record.rawApiResponse, undefined);

  const raw = await client.getTracking({ lookup: { case: "trackingId", value: journey.id }, includeRaw: true });
  assert.equal(raw.record?.rawApiResponse, { number: journey.number, latest_status: { status: "OutForDelivery" } });
});

test("GetTracking by number: spaces, hyphens and case are tolerated; the carrier narrows", async () => {
  const spaced = `${journey.number.slice(0, 4)} ${journey.number.slice(4, 8)}-${journey.number.slice(8)}`.toLowerCase();
  const { record } = await client.getTracking({ lookup: { case: "byNumber", value: { trackingNumber: spaced } } });
  assert.is(record?.trackingId, journey.id);
  const withCarrier = await client.getTracking({
    lookup: { case: "byNumber", value: { trackingNumber: journey.number, carrierCode: "ups" } },
  });
  assert.is(withCarrier.record?.trackingId, journey.id);
});

test("GetTracking by a number registered with two carriers: FailedPrecondition naming both, unless one is named", async () => {
  const number = freshNumber("DUP");
  await insertRecord(t.db.sequelize, { carrier_id: ups, tracking_number: number });
  const uspsId = await insertRecord(t.db.sequelize, { carrier_id: usps, tracking_number: number });
  const err = await connectErrorOf(
    client.getTracking({ lookup: { case: "byNumber", value: { trackingNumber: number } } }),
  );
  assert.is(err.code, Code.FailedPrecondition);
  assert.match(err.rawMessage, number);
  assert.match(err.rawMessage, /\bups\b/);
  assert.match(err.rawMessage, /\busps\b/);
  assert.match(err.rawMessage, /carrier_code/);
  const picked = await client.getTracking({
    lookup: { case: "byNumber", value: { trackingNumber: number, carrierCode: "usps" } },
  });
  assert.is(picked.record?.trackingId, uspsId);
  assert.is(picked.record?.latestEvent, undefined, "no events, no latest event");
});

test("GetTracking NotFound names what was looked up", async () => {
  const missingId = "00000000-0000-4000-8000-000000000000";
  const byId = await connectErrorOf(client.getTracking({ lookup: { case: "trackingId", value: missingId } }));
  assert.is(byId.code, Code.NotFound);
  assert.match(byId.rawMessage, missingId);
  const byNumber = await connectErrorOf(
    client.getTracking({ lookup: { case: "byNumber", value: { trackingNumber: "NOSUCH12345" } } }),
  );
  assert.is(byNumber.code, Code.NotFound);
  assert.match(byNumber.rawMessage, "NOSUCH12345");
  const noDigits = await connectErrorOf(
    client.getTracking({ lookup: { case: "byNumber", value: { trackingNumber: "- - -" } } }),
  );
  assert.is(noDigits.code, Code.InvalidArgument);
  const wrongCarrier = await connectErrorOf(
    client.getTracking({
      lookup: { case: "byNumber", value: { trackingNumber: journey.number, carrierCode: "fedex" } },
    }),
  );
  assert.is(wrongCarrier.code, Code.NotFound);
  assert.match(wrongCarrier.rawMessage, journey.number);
  assert.match(wrongCarrier.rawMessage, "fedex");
});

test("ListTrackingEvents: ascending by default, in event time order (late event in place, ties by id)", async () => {
  const { events, nextPageToken } = await client.listTrackingEvents({ trackingId: journey.id });
  assert.is(events.length, 12);
  assert.is(nextPageToken, "");
  const times = events.map(ms);
  assert.equal(
    times,
    [...times].sort((a, b) => a - b),
  );
  assert.is(String(events[1]?.eventId), journey.eventIds[9], "the late event sits at its time");
  assert.equal(ids(events).slice(3, 5), [journey.eventIds[2], journey.eventIds[3]], "same instant: by event id");
  const first = events[0];
  assert.is(first?.reportedBy?.carrierCode, "cainiao", "provider named from carriers.track17_key");
  assert.is(events[1]?.reportedBy, undefined, "no provider key: no reporter");
  assert.is(first?.rawEvent, undefined);
});

test("ListTrackingEvents: descending is the exact reverse; include_raw fills raw_event", async () => {
  const asc = await client.listTrackingEvents({ trackingId: journey.id });
  const desc = await client.listTrackingEvents({ trackingId: journey.id, order: SortOrder.DESC, includeRaw: true });
  assert.equal(ids(desc.events), ids(asc.events).reverse());
  const withRaw = desc.events.find((e) => String(e.eventId) === journey.eventIds[11]);
  assert.equal(withRaw?.rawEvent, { description: "raw one" });
});

const filterCases: [string, Parameters<typeof client.listTrackingEvents>[0]["filter"], number[]][] = [
  ["from_time is inclusive", { fromTime: timestampFromDate(T(70)) }, [8, 11, 10]],
  ["to_time is exclusive", { toTime: timestampFromDate(T(10)) }, [0, 9]],
  ["from and to", { fromTime: timestampFromDate(T(20)), toTime: timestampFromDate(T(40)) }, [2, 3, 4]],
  ["one status", { statuses: [TrackingStatus.EXCEPTION] }, [6]],
  ["several statuses", { statuses: [TrackingStatus.INFO_RECEIVED, TrackingStatus.OUT_FOR_DELIVERY] }, [0, 9, 10]],
  ["country", { country: "HK" }, [3]],
  ["city is case-insensitive", { city: "louisville" }, [5, 6, 7]],
  ["city matches whole names only", { city: "Louis" }, []],
  ["country and city", { country: "CN", city: "SHENZHEN" }, [0, 9, 1, 2]],
  [
    "everything at once",
    { fromTime: timestampFromDate(T(40)), statuses: [TrackingStatus.IN_TRANSIT], country: "US", city: "denver" },
    [11],
  ],
];
for (const [name, filter, expected] of filterCases) {
  test(`ListTrackingEvents filter: ${name} (both orders)`, async () => {
    const asc = await client.listTrackingEvents({ trackingId: journey.id, filter });
    assert.equal(
      ids(asc.events),
      expected.map((i) => journey.eventIds[i]),
    );
    const desc = await client.listTrackingEvents({ trackingId: journey.id, filter, order: SortOrder.DESC });
    assert.equal(ids(desc.events), ids(asc.events).reverse());
  });
}

test("ListTrackingEvents: from_time after to_time is InvalidArgument naming both fields", async () => {
  const err = await connectErrorOf(
    client.listTrackingEvents({
      trackingId: journey.id,
      filter: { fromTime: timestampFromDate(T(50)), toTime: timestampFromDate(T(10)) },
    }),
  );
  assert.is(err.code, Code.InvalidArgument);
  assert.match(err.rawMessage, "filter.from_time");
  assert.match(err.rawMessage, "filter.to_time");
});

test("ListTrackingEvents: unknown record NotFound; bad or foreign page tokens InvalidArgument", async () => {
  const missing = await connectErrorOf(
    client.listTrackingEvents({ trackingId: "00000000-0000-4000-8000-000000000001" }),
  );
  assert.is(missing.code, Code.NotFound);
  assert.match(missing.rawMessage, "00000000-0000-4000-8000-000000000001");
  for (const pageToken of [
    "garbage!!",
    Buffer.from("[1,2]").toString("base64url"),
    Buffer.from(JSON.stringify({ t: "yesterday", id: "1", o: "asc" })).toString("base64url"),
    Buffer.from(JSON.stringify({ t: "2026-03-01 08:00:00", id: "1; DROP", o: "asc" })).toString("base64url"),
  ]) {
    const err = await connectErrorOf(client.listTrackingEvents({ trackingId: journey.id, pageToken }));
    assert.is(err.code, Code.InvalidArgument, pageToken);
    assert.match(err.rawMessage, "page_token");
  }
  const page = await client.listTrackingEvents({ trackingId: journey.id, pageSize: 2 });
  const reversed = await connectErrorOf(
    client.listTrackingEvents({
      trackingId: journey.id,
      pageSize: 2,
      order: SortOrder.DESC,
      pageToken: page.nextPageToken,
    }),
  );
  assert.is(reversed.code, Code.InvalidArgument);
  assert.match(reversed.rawMessage, /order/);
});

test("ListTrackingEvents paging: both orders, no duplicates or gaps while events are inserted between pages", async () => {
  const s = t.db.sequelize;
  const id = await insertRecord(s, { carrier_id: ups });
  const base = Date.UTC(2026, 3, 1);
  const at = (sec: number) => new Date(base + sec * 1000);
  // 40 events, several sharing a timestamp (every pair), so page boundaries fall inside ties.
  const original = await insertEvents(
    s,
    id,
    Array.from({ length: 40 }, (_, i) => ({ time: at(Math.floor(i / 2) * 10) })),
  );
  for (const order of [SortOrder.ASC, SortOrder.DESC]) {
    const seen: string[] = [];
    const times: number[] = [];
    let token = "";
    let page = 0;
    do {
      const res = await client.listTrackingEvents({ trackingId: id, pageSize: 7, order, pageToken: token });
      seen.push(...ids(res.events));
      times.push(...res.events.map(ms));
      token = res.nextPageToken;
      page += 1;
      // Meanwhile: events before, inside (at an existing instant) and after the range already read.
      await insertEvents(s, id, [{ time: at(-100 - page) }, { time: at(50) }, { time: at(1_000 + page) }]);
    } while (token);
    assert.is(new Set(seen).size, seen.length, "no duplicates");
    for (const e of original) assert.ok(seen.includes(e), `original event ${e} missing`);
    const sorted = [...times].sort((a, b) => (order === SortOrder.ASC ? a - b : b - a));
    assert.equal(times, sorted, "monotonic across pages");
  }
});

test("ListTrackingEvents: page_size 0 means 100", async () => {
  const id = await insertRecord(t.db.sequelize, { carrier_id: ups });
  await insertManyEvents(t.db.sequelize, id, 150, T(0));
  const first = await client.listTrackingEvents({ trackingId: id });
  assert.is(first.events.length, 100);
  const second = await client.listTrackingEvents({ trackingId: id, pageToken: first.nextPageToken });
  assert.is(second.events.length, 50);
  assert.is(second.nextPageToken, "");
});

async function exportText(req: Parameters<typeof client.exportTrackingEvents>[0]) {
  const decoder = new TextDecoder();
  let text = "";
  let rows = 0;
  for await (const res of client.exportTrackingEvents(req)) {
    text += decoder.decode(res.chunk, { stream: true });
    rows += res.rows;
  }
  return { text: text + decoder.decode(), rows };
}

test("Export JSON lines: one event per line, the same events as ListTrackingEvents (filter and order applied)", async () => {
  const filter = { country: "US" };
  const listed = await client.listTrackingEvents({ trackingId: journey.id, filter, order: SortOrder.DESC });
  const { text, rows } = await exportText({
    trackingId: journey.id,
    filter,
    order: SortOrder.DESC,
    format: ExportFormat.JSONL,
  });
  const lines = text.split("\n");
  assert.is(lines.pop(), "", "newline-terminated");
  assert.is(rows, listed.events.length);
  const parsed = lines.map((l) => fromJsonString(TrackingEventSchema, l));
  assert.equal(ids(parsed), ids(listed.events));
  assert.is(parsed.find((e) => String(e.eventId) === journey.eventIds[4])?.description, "Arrived\nat gateway");
});

test("Export CSV: header row, RFC 4180 quoting of commas, quotes and newlines, CRLF records", async () => {
  const { text, rows } = await exportText({ trackingId: journey.id, format: ExportFormat.CSV });
  assert.is(rows, 12);
  assert.ok(text.startsWith(CSV_HEADER));
  const records = parseCsv(text);
  const header = records[0] ?? [];
  assert.equal(header.slice(0, 4), ["event_id", "tracking_id", "event_sequence", "event_time"]);
  assert.is(records.length, 13);
  const col = (name: string) => header.indexOf(name);
  const byId = new Map(records.slice(1).map((r) => [r[0], r]));
  assert.is(byId.get(journey.eventIds[1])?.[col("description")], 'Departed, "export" hub');
  assert.is(byId.get(journey.eventIds[4])?.[col("description")], "Arrived\nat gateway");
  assert.is(byId.get(journey.eventIds[5])?.[col("weight_kg")], "1.25");
  assert.is(byId.get(journey.eventIds[5])?.[col("status")], "IN_TRANSIT");
  assert.is(byId.get(journey.eventIds[0])?.[col("event_time")], T(0).toISOString());
  assert.is(byId.get(journey.eventIds[0])?.[col("reported_by_carrier_code")], "cainiao");
  assert.match(text, 'Departed, ""export"" hub');
  assert.ok(text.endsWith("\r\n"));
});

test("Export over gRPC (h2c) gives the same bytes as over Connect/HTTP 1.1, and cancels cleanly", async () => {
  const grpc = createClient(TrackingService, createGrpcTransport({ baseUrl: t.baseUrl }));
  const viaConnect = await exportText({ trackingId: journey.id, format: ExportFormat.CSV });
  let text = "";
  for await (const res of grpc.exportTrackingEvents({ trackingId: journey.id, format: ExportFormat.CSV })) {
    text += new TextDecoder().decode(res.chunk);
  }
  assert.is(text, viaConnect.text);
  const abort = new AbortController();
  const err = await connectErrorOf(
    (async () => {
      for await (const _ of grpc.exportTrackingEvents(
        { trackingId: journey.id, format: ExportFormat.JSONL },
        { signal: abort.signal },
      )) {
        abort.abort();
      }
    })(),
  );
  assert.is(err.code, Code.Canceled);
});

test("Export CSV of no events is the header alone; unknown record NotFound; from > to InvalidArgument", async () => {
  const { text, rows } = await exportText({
    trackingId: journey.id,
    format: ExportFormat.CSV,
    filter: { city: "Atlantis" },
  });
  assert.is(text, CSV_HEADER);
  assert.is(rows, 0);
  const jsonl = await exportText({ trackingId: journey.id, format: ExportFormat.JSONL, filter: { city: "Atlantis" } });
  assert.is(jsonl.text, "");
  const missing = await connectErrorOf(
    exportText({ trackingId: "00000000-0000-4000-8000-000000000002", format: ExportFormat.CSV }),
  );
  assert.is(missing.code, Code.NotFound);
  const backwards = await connectErrorOf(
    exportText({
      trackingId: journey.id,
      format: ExportFormat.CSV,
      filter: { fromTime: timestampFromDate(T(50)), toTime: timestampFromDate(T(10)) },
    }),
  );
  assert.is(backwards.code, Code.InvalidArgument);
});

let big: string;
test("Export of 100,000 events streams in chunks with bounded memory (figures printed)", async () => {
  big = await insertRecord(t.db.sequelize, { carrier_id: ups });
  await insertManyEvents(t.db.sequelize, big, 100_000, T(0));
  for (const format of [ExportFormat.CSV, ExportFormat.JSONL]) {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    let rows = 0;
    let bytes = 0;
    let chunks = 0;
    let lastId = 0n;
    const started = Date.now();
    for await (const res of client.exportTrackingEvents({ trackingId: big, format })) {
      rows += res.rows;
      bytes += res.chunk.byteLength;
      chunks += 1;
      peak = Math.max(peak, process.memoryUsage().rss);
      if (format === ExportFormat.JSONL && res.rows > 0) {
        const text = new TextDecoder().decode(res.chunk);
        const firstLine = text.slice(0, text.indexOf("\n"));
        const id = fromJsonString(TrackingEventSchema, firstLine).eventId;
        assert.ok(id > lastId, "chunks in order");
        lastId = id;
      }
    }
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `  export ${ExportFormat[format]}: ${rows} rows, ${chunks} chunks, ${mb(bytes)} MB in ${Date.now() - started} ms; ` +
        `RSS ${mb(before)} → peak ${mb(peak)} MB (+${mb(peak - before)} MB)`,
    );
    assert.is(rows, 100_000);
    assert.ok(chunks >= 100, "chunked, not one message");
    // Loose bound: the whole file is ~20-40 MB; holding it (or the rows) several times over would blow past this.
    assert.ok(peak - before < 256 * 1024 * 1024, `RSS grew by ${mb(peak - before)} MB`);
  }
});

test("Export honours cancellation: the client aborts mid-stream and the server stops reading", async () => {
  const abort = new AbortController();
  let received = 0;
  const err = await connectErrorOf(
    (async () => {
      for await (const res of client.exportTrackingEvents(
        { trackingId: big, format: ExportFormat.CSV },
        { signal: abort.signal },
      )) {
        received += res.rows;
        if (received >= 2_000) abort.abort();
      }
    })(),
  );
  assert.is(err.code, Code.Canceled);
  assert.ok(received < 100_000);
  // The server side: no query over this record's events is still running shortly after.
  let running = 1;
  for (let i = 0; i < 50 && running > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const [row] = await t.db.sequelize.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND state = 'active' AND query LIKE '%FROM tracking_events e%'
         AND pid <> pg_backend_pid()`,
      { type: QueryTypes.SELECT },
    );
    running = row?.n ?? 0;
  }
  assert.is(running, 0);
  // And the service still answers.
  const after = await client.listTrackingEvents({ trackingId: big, pageSize: 1 });
  assert.is(after.events.length, 1);
});

/** An RFC 4180 parser independent of the encoder (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  return records;
}

test.run();
