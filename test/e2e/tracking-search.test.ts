// SearchTrackings through the real listener: every criterion of the contract, every sort in both directions with
// cursor paging, and the errors, against records written straight into the suite's database.
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SearchSort, type SearchTrackingsRequest, TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import { SortOrder, TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { STATUSES } from "../../src/domain/tracking/status.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { connectErrorOf } from "../support/rejection.js";
import { carrierId, insertEvents, insertRecord } from "../support/tracking-seed.js";

let t: TestApp;
let client: ReturnType<typeof createClient<typeof TrackingService>>;

interface Seeded {
  id: string;
  number: string;
  carrier: string;
  status: (typeof STATUSES)[number];
  ref: string;
  order: string;
  dest: string;
  attention: boolean;
  delivered: boolean;
  created: Date;
  updated: Date;
  nextSync: Date | null;
}
const seeded: Seeded[] = [];
const CARRIERS = ["ups", "usps", "fedex"];
const COUNTRIES = ["US", "DE", "GB", "FR", "CN"];
const hour = 3_600_000;
const base = Date.UTC(2026, 0, 1);

test.before(async () => {
  t = await startTestApp("tracking-search");
  client = createClient(TrackingService, createConnectTransport({ baseUrl: t.baseUrl, httpVersion: "1.1" }));
  const s = t.db.sequelize;
  const ids = new Map<string, number>();
  for (const code of CARRIERS) ids.set(code, await carrierId(s, code));
  for (let i = 0; i < 60; i++) {
    const status = STATUSES[i % 9] ?? "IN_TRANSIT";
    const row: Omit<Seeded, "id"> = {
      number: `SRCH${String(i).padStart(4, "0")}`,
      carrier: CARRIERS[i % 3] ?? "ups",
      status,
      ref: `ref-${i % 4}`,
      order: `ord-${i}`,
      dest: COUNTRIES[i % 5] ?? "US",
      attention: i % 7 === 0,
      delivered: status === "DELIVERED",
      // Pairs share a creation instant and next-sync times repeat, so ties are broken by tracking_id across pages.
      created: new Date(base + Math.floor(i / 2) * hour + 0.123),
      updated: new Date(base + 100 * hour + ((i * 17) % 60) * 60_000),
      nextSync: i % 6 === 0 ? null : new Date(base + 200 * hour + (i % 10) * 60_000),
    };
    const id = await insertRecord(s, {
      carrier_id: ids.get(row.carrier) ?? 0,
      tracking_number: row.number,
      current_status: status,
      customer_reference: row.ref,
      order_id: row.order,
      destination_country: row.dest,
      requires_attention: row.attention,
      is_delivered: row.delivered,
      created_at: row.created,
      updated_at: row.updated,
      next_sync_at: row.nextSync,
    });
    seeded.push({ id, ...row });
  }
  const first = seeded[0];
  if (first) await insertEvents(s, first.id, [{ time: new Date(base) }, { time: new Date(base + hour) }]);
});
test.after(async () => {
  await t?.stop();
});

type Req = Partial<Omit<SearchTrackingsRequest, "$typeName">>;

/** Every page of a search, following the cursor. */
async function searchAll(req: Req, pageSize = 500): Promise<string[]> {
  const out: string[] = [];
  let pageToken = "";
  do {
    const res = await client.searchTrackings({ ...req, pageSize, pageToken });
    assert.ok(res.records.length <= pageSize);
    out.push(...res.records.map((r) => r.trackingId));
    pageToken = res.nextPageToken;
  } while (pageToken);
  return out;
}

const enumOf = (name: string) => TrackingStatus[name as keyof typeof TrackingStatus];
const at = (ms: number) => timestampFromDate(new Date(ms));

const criteria: [string, Req, (r: Seeded) => boolean][] = [
  ["no criteria", {}, () => true],
  ["one status", { statuses: [TrackingStatus.IN_TRANSIT] }, (r) => r.status === "IN_TRANSIT"],
  [
    "several statuses",
    { statuses: [TrackingStatus.DELIVERED, TrackingStatus.EXCEPTION] },
    (r) => r.status === "DELIVERED" || r.status === "EXCEPTION",
  ],
  ["one carrier", { carrierCodes: ["usps"] }, (r) => r.carrier === "usps"],
  ["several carriers", { carrierCodes: ["ups", "fedex"] }, (r) => r.carrier !== "usps"],
  ["an unknown carrier matches nothing", { carrierCodes: ["no-such-carrier"] }, () => false],
  ["customer reference", { customerReference: "ref-2" }, (r) => r.ref === "ref-2"],
  ["order id", { orderId: "ord-42" }, (r) => r.order === "ord-42"],
  ["number prefix, normalised", { numberPrefix: "srch-00 1" }, (r) => r.number.startsWith("SRCH001")],
  ["number prefix is literal (no LIKE wildcards)", { numberPrefix: "SRCH" }, () => true],
  ["destination country", { destinationCountry: "GB" }, (r) => r.dest === "GB"],
  ["requires attention", { requiresAttention: true }, (r) => r.attention],
  ["does not require attention", { requiresAttention: false }, (r) => !r.attention],
  ["delivered", { delivered: true }, (r) => r.delivered],
  ["undelivered", { delivered: false }, (r) => !r.delivered],
  [
    "created range [from, to)",
    { createdFrom: at(base + 3 * hour), createdTo: at(base + 6 * hour) },
    (r) => r.created.getTime() >= base + 3 * hour && r.created.getTime() < base + 6 * hour,
  ],
  [
    "updated range [from, to)",
    { updatedFrom: at(base + 100 * hour + 10 * 60_000), updatedTo: at(base + 100 * hour + 20 * 60_000) },
    (r) =>
      r.updated.getTime() >= base + 100 * hour + 10 * 60_000 && r.updated.getTime() < base + 100 * hour + 20 * 60_000,
  ],
  [
    "all criteria combined",
    {
      statuses: [TrackingStatus.IN_TRANSIT, TrackingStatus.NOT_FOUND, TrackingStatus.EXPIRED],
      carrierCodes: ["ups", "usps", "fedex"],
      customerReference: "ref-0",
      destinationCountry: "US",
      delivered: false,
      requiresAttention: false,
      createdFrom: at(base),
    },
    (r) =>
      ["IN_TRANSIT", "NOT_FOUND", "EXPIRED"].includes(r.status) && r.ref === "ref-0" && r.dest === "US" && !r.attention,
  ],
];
for (const [name, req, match] of criteria) {
  test(`SearchTrackings criterion: ${name}`, async () => {
    const expected = seeded.filter(match).map((r) => r.id);
    const got = await searchAll(req, 7);
    assert.equal([...got].sort(), [...expected].sort());
    assert.is(new Set(got).size, got.length, "no duplicates across pages");
  });
}

const sortKey: Record<SearchSort, (r: Seeded) => number | string> = {
  [SearchSort.UNSPECIFIED]: (r) => r.created.getTime(),
  [SearchSort.CREATED_AT]: (r) => r.created.getTime(),
  [SearchSort.UPDATED_AT]: (r) => r.updated.getTime(),
  [SearchSort.NEXT_SYNC_AT]: (r) => r.nextSync?.getTime() ?? Number.POSITIVE_INFINITY,
  [SearchSort.TRACKING_NUMBER]: (r) => r.number,
};
for (const sort of [
  SearchSort.UNSPECIFIED,
  SearchSort.CREATED_AT,
  SearchSort.UPDATED_AT,
  SearchSort.NEXT_SYNC_AT,
  SearchSort.TRACKING_NUMBER,
]) {
  for (const order of [SortOrder.UNSPECIFIED, SortOrder.ASC, SortOrder.DESC]) {
    test(`SearchTrackings sort ${SearchSort[sort]} ${SortOrder[order]}: pages of 7 in key order, ties by id`, async () => {
      const asc = order === SortOrder.ASC; // default direction is descending
      const key = sortKey[sort];
      const cmp = (a: Seeded, b: Seeded) => {
        const ka = key(a);
        const kb = key(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
        return asc ? c : -c;
      };
      const expected = [...seeded].sort(cmp).map((r) => r.id);
      assert.equal(await searchAll({ sort, order }, 7), expected);
    });
  }
}

test("SearchTrackings: records carry carrier, status and the newest event; page_size 0 means 50", async () => {
  const res = await client.searchTrackings({ sort: SearchSort.TRACKING_NUMBER, order: SortOrder.ASC });
  assert.is(res.records.length, 50);
  assert.ok(res.nextPageToken);
  const first = res.records[0];
  const seed = seeded[0];
  assert.is(first?.trackingNumber, "SRCH0000");
  assert.is(first?.carrier?.carrierCode, seed?.carrier);
  assert.is(first?.status, enumOf(seed?.status ?? ""));
  assert.is(first?.latestEvent && timestampDate(first.latestEvent.eventTime!).getTime(), base + hour);
  assert.is(res.records[1]?.latestEvent, undefined);
  assert.is(first?.rawApiResponse, undefined);
});

test("SearchTrackings: page stays stable when records are created between pages", async () => {
  const s = t.db.sequelize;
  const seen: string[] = [];
  let pageToken = "";
  let n = 0;
  do {
    const res = await client.searchTrackings({ pageSize: 9, pageToken, customerReference: "ref-1" });
    seen.push(...res.records.map((r) => r.trackingId));
    pageToken = res.nextPageToken;
    n += 1;
    // Newest first: a record created now sorts before the cursor and must not shift later pages.
    await insertRecord(s, {
      carrier_id: await carrierId(s, "ups"),
      customer_reference: "ref-1",
      order_id: `late-${n}`,
    });
  } while (pageToken);
  const expected = seeded.filter((r) => r.ref === "ref-1").map((r) => r.id);
  assert.is(new Set(seen).size, seen.length);
  for (const id of expected) assert.ok(seen.includes(id), `missing ${id}`);
});

test("SearchTrackings: cursors keep microseconds (rows 1 µs apart page one by one, none skipped or repeated)", async () => {
  const s = t.db.sequelize;
  const ups = await carrierId(s, "ups");
  const ids: string[] = [];
  for (const us of [3, 1, 2]) {
    const id = await insertRecord(s, { carrier_id: ups, customer_reference: "micro" });
    await s.query(
      `UPDATE tracking_records SET created_at = '2025-12-31 00:00:00'::timestamp + $1 * interval '1 microsecond' WHERE tracking_id = $2`,
      {
        bind: [us, id],
      },
    );
    ids[us - 1] = id;
  }
  assert.equal(await searchAll({ customerReference: "micro", order: SortOrder.ASC }, 1), ids);
  assert.equal(await searchAll({ customerReference: "micro" }, 1), [...ids].reverse());
});

test("SearchTrackings: ranges backwards are InvalidArgument naming the fields", async () => {
  const created = await connectErrorOf(client.searchTrackings({ createdFrom: at(base + hour), createdTo: at(base) }));
  assert.is(created.code, Code.InvalidArgument);
  assert.match(created.rawMessage, "created_from");
  assert.match(created.rawMessage, "created_to");
  const updated = await connectErrorOf(client.searchTrackings({ updatedFrom: at(base + hour), updatedTo: at(base) }));
  assert.is(updated.code, Code.InvalidArgument);
  assert.match(updated.rawMessage, "updated_from");
});

test("SearchTrackings: bad page tokens, and tokens of another sort or direction, are InvalidArgument", async () => {
  const token = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString("base64url");
  for (const pageToken of [
    "!!",
    token({ k: "2026-01-01 00:00:00", id: "not-a-uuid", s: "created_at", o: "desc" }),
    token({ k: "soon", id: "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11", s: "created_at", o: "desc" }),
    token({ k: "2026-01-01 00:00:00", id: "6f1c1a8e-1b7e-4c56-9d55-5b8a7e5b2c11" }),
  ]) {
    const err = await connectErrorOf(client.searchTrackings({ pageToken }));
    assert.is(err.code, Code.InvalidArgument, pageToken);
    assert.match(err.rawMessage, "page_token");
  }
  const { nextPageToken } = await client.searchTrackings({ pageSize: 5 });
  const otherSort = await connectErrorOf(
    client.searchTrackings({ pageSize: 5, pageToken: nextPageToken, sort: SearchSort.TRACKING_NUMBER }),
  );
  assert.is(otherSort.code, Code.InvalidArgument);
  const otherOrder = await connectErrorOf(
    client.searchTrackings({ pageSize: 5, pageToken: nextPageToken, order: SortOrder.ASC }),
  );
  assert.is(otherOrder.code, Code.InvalidArgument);
});

test.run();
