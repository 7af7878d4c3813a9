import { test } from "uvu";
import * as assert from "uvu/assert";
import { assignCarrierCodes, CARRIER_CODE_MAX, slugifyCarrierName } from "../../src/domain/carriers/carrier-code.js";
import { buildImportRows, parseCarrierList } from "../../src/domain/carriers/import-17track.js";

const CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// biome-ignore format: one row per name reads as a table
const slugs: [string, string][] = [
  ["UPS", "ups"],
  ["DHL Express", "dhl-express"],
  ["China Post", "china-post"],
  ["DPD (UK)", "dpd-uk"],
  ["Colis Prive(Colis Privé)", "colis-prive-colis-prive"],
  ["Inter Rapidisimo (INTER RAPIDÍSIMO)", "inter-rapidisimo-inter-rapidisimo"],
  ["FedEx® International Connect (FIC)", "fedex-international-connect-fic"],
  ["J&T Express (CN)", "j-t-express-cn"],
  ["  Yamato (ヤマト運輸) ", "yamato"],
  ["顺丰速运", "carrier"],
  ["Trinidad and Tobago Postal Corporation", "trinidad-and-tobago-postal"],
  ["HONG KONG GLOBAL TNTERNATIONAL LOGISTICS LIMITED", "hong-kong-global-tnternational"],
  ["Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyzabcdefghij"],
];
for (const [name, slug] of slugs) {
  test(`slugifyCarrierName(${JSON.stringify(name)}) = ${slug}`, () => {
    assert.is(slugifyCarrierName(name), slug);
    assert.match(slug, CODE);
  });
}

test("collisions: bare slug to the lowest key, then -country, then -key", () => {
  const codes = assignCarrierCodes(
    [
      { track17Key: 300, name: "Unknown", country: "CN" },
      { track17Key: 100, name: "Unknown", country: "US" },
      { track17Key: 200, name: "Unknown", country: "CN" },
      { track17Key: 400, name: "Unknown", country: "" },
    ],
    [],
  );
  assert.equal(Object.fromEntries(codes), {
    100: "unknown",
    200: "unknown-cn",
    300: "unknown-300",
    400: "unknown-400",
  });
});

test("existing codes are kept by 17TRACK key, even when the name changed", () => {
  const codes = assignCarrierCodes(
    [
      { track17Key: 100002, name: "UPS Worldwide (renamed)", country: "US" },
      { track17Key: 5, name: "UPS", country: "US" },
    ],
    [{ code: "ups", track17Key: 100002 }],
  );
  assert.is(codes.get(100002), "ups");
  assert.is(codes.get(5), "ups-us");
});

test("codes stored by hand without a key are never handed out again", () => {
  const codes = assignCarrierCodes(
    [{ track17Key: 7, name: "Acme", country: "US" }],
    [
      { code: "acme", track17Key: null },
      { code: "acme-us", track17Key: null },
      { code: "acme-7", track17Key: null },
    ],
  );
  assert.is(codes.get(7), "acme-7-2");
});

test("result does not depend on the order of the list", () => {
  const list = Array.from({ length: 50 }, (_, i) => ({
    track17Key: 1000 + i,
    name: i % 3 ? "Same" : "Other",
    country: i % 2 ? "CN" : "US",
  }));
  const a = assignCarrierCodes(list, []);
  const b = assignCarrierCodes([...list].reverse(), []);
  assert.equal([...a.entries()].sort(), [...b.entries()].sort());
  assert.is(new Set(a.values()).size, 50);
});

test("codes are unique, readable and at most 50 characters even for hostile names", () => {
  const names = ["", "   ", "---", "😀", "A".repeat(300), "a-".repeat(100), "Ünïcödé Pöst", "x"];
  const requests = names.flatMap((name, i) => [1, 2, 3].map((j) => ({ track17Key: i * 10 + j, name, country: "DE" })));
  const codes = [...assignCarrierCodes(requests, []).values()];
  assert.is(new Set(codes).size, requests.length);
  for (const code of codes) {
    assert.ok(code.length <= CARRIER_CODE_MAX, code);
    assert.match(code, CODE);
  }
});

test("parseCarrierList: lenient to nulls and unknown fields, rejects rows without key or name", () => {
  const parsed = parseCarrierList([
    { key: 1, _name: " Acme Post ", "_name_zh-cn": "Acme Post", _url: null, _tel: "", _country_iso: "de", extra: 1 },
    {
      key: "2",
      _name: "Beta",
      "_name_zh-cn": "贝塔",
      _url: " https://beta.example/ ",
      _tel: "+1 555",
      _country_iso: "",
    },
    { key: null, _name: "No key" },
    { key: 3, _name: "   " },
    { key: 1, _name: "Duplicate" },
    { key: -4, _name: "Negative" },
    "not an object",
    { key: 5, _name: "Long phone", _tel: "9".repeat(51), _url: `https://x/${"y".repeat(500)}` },
  ]);
  assert.equal(parsed.carriers, [
    { track17Key: 1, name: "Acme Post", country: "DE" },
    { track17Key: 2, name: "Beta", country: "", nameCn: "贝塔", url: "https://beta.example/", phone: "+1 555" },
    { track17Key: 5, name: "Long phone", country: "" },
  ]);
  assert.equal(
    parsed.rejected.map((r) => r.index),
    [2, 3, 4, 5, 6],
  );
  assert.ok(parsed.rejected[2]!.reasons[0]!.includes("repeats"));
  assert.is(parsed.warnings.length, 2);
  assert.throws(() => parseCarrierList({ carriers: [] }), /JSON array/);
});

test("buildImportRows: stored codes first, then seed codes and seed metadata, then new codes", () => {
  const seed = [
    { code: "acme", track17Key: 1, name: "Acme Post", country: "DE", trackingUrlTemplate: "https://a/{number}" },
  ];
  const rows = buildImportRows(
    [
      { track17Key: 1, name: "Acme Post", country: "DE", url: "https://wrong.example/" },
      { track17Key: 2, name: "Acme Post", country: "DE" },
      { track17Key: 3, name: "Beta", country: "FR" },
    ],
    [{ code: "beta-kept", track17Key: 3 }],
    seed,
  );
  assert.equal(rows, [
    { code: "acme", track17Key: 1, name: "Acme Post", country: "DE", trackingUrlTemplate: "https://a/{number}" },
    { code: "acme-post", track17Key: 2, name: "Acme Post", country: "DE" },
    { code: "beta-kept", track17Key: 3, name: "Beta", country: "FR" },
  ]);
});

test.run();
