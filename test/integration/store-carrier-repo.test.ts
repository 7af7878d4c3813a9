// The carrier repository on a real migrated database: filters, keyset pages, lookups, statistics from
// tracking_records, and operator updates.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type CarrierRepo, createCarrierRepo } from "../../src/store/carrier-repo.js";
import { applyCarrierSeed, type CarrierSeedEntry } from "../../src/store/seed-carriers.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let db: TestDatabase;
let repo: CarrierRepo;

const SEED: CarrierSeedEntry[] = [
  { code: "alpha-post", track17Key: 910001, name: "Alpha Post", country: "GB" },
  { code: "beta_express", track17Key: 910002, name: "Beta Express", country: "DE", supportsPrediction: true },
  { code: "gamma", track17Key: 910003, name: "Gamma 100% Logistics", country: "DE" },
  { code: "delta", track17Key: 910004, name: "Delta Cargo", country: "US", url: "https://delta.example/" },
];

test.before(async () => {
  db = await createTestDatabase("store_carrier_repo");
  repo = createCarrierRepo(db.sequelize);
  await applyCarrierSeed(db.sequelize, SEED);
  await db.models.Carrier.update({ isActive: false }, { where: { carrierCode: "delta" } });
});

test.after(async () => {
  await db?.drop();
});

// Migrations may insert rows of their own (e.g. the "auto" pseudo-carrier), so assertions look at the seeded codes.
const SEEDED = new Set(SEED.map((s) => s.code));
const codes = (rows: { carrierCode: string }[]) => rows.map((r) => r.carrierCode).filter((c) => SEEDED.has(c));

test("list: ordered by code, filters by active, country and text (LIKE characters taken literally)", async () => {
  assert.equal(codes(await repo.list({ limit: 10 })), ["alpha-post", "beta_express", "delta", "gamma"]);
  assert.equal(codes(await repo.list({ active: false, limit: 10 })), ["delta"]);
  assert.equal(codes(await repo.list({ active: true, country: "DE", limit: 10 })), ["beta_express", "gamma"]);
  assert.equal(codes(await repo.list({ query: "EXPRESS", limit: 10 })), ["beta_express"]);
  assert.equal(codes(await repo.list({ query: "100%", limit: 10 })), ["gamma"]);
  assert.equal(codes(await repo.list({ query: "a_p", limit: 10 })), [], "underscore is not a wildcard");
});

test("list: keyset pages cover every carrier exactly once, in order", async () => {
  const everything = (await repo.list({ limit: 1000 })).map((r) => r.carrierCode);
  assert.ok(everything.length >= SEED.length);
  const seen: string[] = [];
  let afterCode: string | undefined;
  for (;;) {
    const page = await repo.list({ afterCode, limit: 2 });
    seen.push(...page.map((r) => r.carrierCode));
    if (page.length < 2) break;
    afterCode = page.at(-1)?.carrierCode;
  }
  assert.equal(seen, everything);
  assert.equal(codes(everything.map((carrierCode) => ({ carrierCode }))), [
    "alpha-post",
    "beta_express",
    "delta",
    "gamma",
  ]);
});

test("byCode: every CarrierData field, typed; undefined for an unknown code", async () => {
  const c = await repo.byCode("beta_express");
  assert.ok(c);
  assert.type(c.carrierId, "number");
  assert.is(c.carrierName, "Beta Express");
  assert.is(c.isActive, true);
  assert.is(c.supportsPrediction, true);
  assert.is(c.track17Key, 910002);
  assert.is(c.countryIso, "DE");
  assert.is(c.carrierNameCn, null);
  assert.instance(c.createdAt, Date);
  assert.ok(Math.abs(c.createdAt.getTime() - Date.now()) < 60_000, "created_at read as UTC");
  assert.is(await repo.byCode("nope"), undefined);
});

test("stats: counts and the average registration-to-delivery days", async () => {
  const carrier = await repo.byCode("alpha-post");
  assert.ok(carrier);
  assert.equal(await repo.stats(carrier.carrierId), { recordsTracked: 0, recordsDelivered: 0, avgDeliveryDays: null });
  const created = new Date("2026-11-01T00:00:00Z");
  const rows = [
    { n: "A1", delivered: new Date("2026-11-03T00:00:00Z") }, // 2 days
    { n: "A2", delivered: new Date("2026-11-05T12:00:00Z") }, // 4.5 days
    { n: "A3", delivered: new Date("2026-10-30T00:00:00Z") }, // delivered before registration: not averaged
    { n: "A4", delivered: null },
  ];
  for (const r of rows) {
    await db.models.TrackingRecord.create({
      trackingNumber: r.n,
      carrierId: carrier.carrierId,
      currentStatus: r.delivered ? "DELIVERED" : "IN_TRANSIT",
      isDelivered: r.delivered !== null,
      actualDeliveryDate: r.delivered,
      createdAt: created,
    });
  }
  const stats = await repo.stats(carrier.carrierId);
  assert.is(stats.recordsTracked, 4);
  assert.is(stats.recordsDelivered, 3);
  assert.ok(
    stats.avgDeliveryDays !== null && Math.abs(stats.avgDeliveryDays - 3.25) < 1e-9,
    `${stats.avgDeliveryDays}`,
  );

  // The avg_delivery_days column follows our own deliveries (rounded to its INTEGER), and only rows that changed.
  assert.ok((await repo.refreshAverages()) >= 1);
  assert.is((await repo.byCode("alpha-post"))?.avgDeliveryDays, 3);
  assert.is(await repo.refreshAverages(), 0, "nothing changed since");
});

test("update: patches only the given fields, moves updated_at, undefined for an unknown code", async () => {
  const before = await repo.byCode("gamma");
  assert.ok(before);
  await new Promise((r) => setTimeout(r, 10));
  const after = await repo.update("gamma", { isActive: false, carrierPhone: "+49 1234", trackingUrlTemplate: null });
  assert.ok(after);
  assert.is(after.isActive, false);
  assert.is(after.carrierPhone, "+49 1234");
  assert.is(after.carrierName, before.carrierName);
  assert.ok(after.updatedAt > before.updatedAt);
  assert.equal(await repo.byCode("gamma"), after);
  assert.equal(await repo.update("gamma", {}), after, "an empty patch changes nothing");
  assert.is(await repo.update("nope", { isActive: true }), undefined);
});

test("an operator's metadata edit survives the start-up seed; untouched rows still get the seed's refresh", async () => {
  const [edited, untouched] = [SEED[0] as CarrierSeedEntry, SEED[1] as CarrierSeedEntry];
  await repo.update(edited.code, { carrierPhone: "+1 555 0100" });
  const refreshed = SEED.map((s) => ({ ...s, phone: "+44 20 0000" }));
  await applyCarrierSeed(db.sequelize, refreshed);
  assert.is((await repo.byCode(edited.code))?.carrierPhone, "+1 555 0100");
  assert.is((await repo.byCode(untouched.code))?.carrierPhone, "+44 20 0000");
  await applyCarrierSeed(db.sequelize, SEED);
});

test.run();
