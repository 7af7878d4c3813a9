// Carrier detection table. Every "valid" number below has its check digit computed by hand in the comment
// (and the well-known published samples are marked as such), so the table does not trust the code it tests.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { s10CheckDigit } from "../../src/domain/carriers/checksums.js";
import { DETECTION_RULES, detectCarriers, normalizeTrackingNumber } from "../../src/domain/carriers/detect.js";
import { NATIONAL_POST_BY_COUNTRY, seedByCode } from "../../src/domain/carriers/seed.js";

/** [number, expected carriers best first (prefix of the result), top candidate's checkDigitVerified] */
type Row = [string, string[], boolean];

// biome-ignore format: one row per number reads as a table
const valid: Row[] = [
  // UPS 1Z: published sample; mod 10 weights 1,2 over "999AA1012345678" (A → 2) → 4
  ["1Z999AA10123456784", ["ups"], true],
  // FedEx Express 12: weights 1,3,7 from the right over 98657878885 → 269 mod 11 = 5
  ["986578788855", ["fedex"], true],
  // FedEx Ground 15: published sample; weights 3,1 from the right over 44904430413782 → 1
  ["449044304137821", ["fedex"], true],
  // FedEx 96 barcode: last 15 digits 987654321012343, weights 3,1 → 3
  ["9611020987654321012343", ["fedex"], true],
  // FedEx 34: serial 0012345678901 mod 11 weights 1,3,7 → 2 (same as 12345678901 → 123456789012)
  ["1001901781100000000000123456789012", ["fedex"], true],
  // FedEx SmartPost 20: published sample; mod 10 over "92" + 6129999566935245546 → 4
  ["61299995669352455464", ["fedex"], true],
  // USPS IMpb 22: weights 3,1 from the right over 940011189922310000000 → 0
  ["9400111899223100000000", ["usps"], true],
  // USPS IMpb 26 (commercial 92): over 9205590164917312751089001 → 7
  ["92055901649173127510890017", ["usps", "dhl-ecommerce-us"], true],
  // USPS IMpb with 420 + ZIP5 routing in front
  ["420902109400111899223100000000", ["usps"], true],
  // USPS legacy 20: over 0307102000003398001 → 1
  ["03071020000033980011", ["usps"], true],
  // DHL Express 10: 123456789 mod 7 = 1
  ["1234567891", ["dhl-express"], true],
  // UPU S10, weights 8,6,4,2,3,5,9,7: 12345678 → 204 mod 11 = 6 → 11 − 6 = 5
  ["RR123456785GB", ["royal-mail"], true],
  // 47312482 (the UPU standard's example serial) → 9
  ["EA473124829US", ["usps"], true],
  ["LB123456785CN", ["china-post"], true],
  // EMS item: 98765432 → 6; the EMS operator first, the national post second
  ["EE987654326CN", ["china-ems", "china-post"], true],
  // 00000001 → 7×1 = 7 → 11 − 7 = 4
  ["RX000000014DE", ["deutsche-post"], true],
  // 11111111 → 44 mod 11 = 0 → 11 → 5
  ["RA111111115CA", ["canada-post"], true],
  // 55555555 → 220 mod 11 = 0 → 11 → 5
  ["CX555555555AU", ["australia-post"], true],
  // 20202020 → 2×(8+4+3+9) = 48 mod 11 = 4 → 7
  ["EJ202020207JP", ["japan-post"], true],
  // 31415926 → 3·8+1·6+4·4+1·2+5·3+9·5+2·9+6·7 = 168 mod 11 = 3 → 8
  ["UV314159268NL", ["postnl", "postnl-international-mail"], true],
  // OnTrac: mod 10 weights 2,1 from the right over "4" + 1111111111111 → 6
  ["C11111111111116", ["ontrac"], true],
  // over "5" + 1000000000000 → 3
  ["D10000000000003", ["ontrac"], true],
  // Canada Post 16: weights 3,1 over 707000000000000 → 7·3+7·3 = 42 → 8
  ["7070000000000008", ["canada-post"], true],
  // Purolator 12: Luhn → 7
  ["312345678907", ["purolator"], true],
  // DPD 28-char barcode: ISO 7064 MOD 37,36 over the first 27 → "O"; registers the 14-digit parcel number
  ["013082001234567890123101276O", ["dpd-de", "dpd-uk"], true],
  // Deutsche Post Identcode: weights 4,9 over 56310243003 → 2
  ["563102430032", ["dhl-paket"], true],
  // DHL Paket NVE: GS1 mod 10 over 0034043416123456789 → 6
  ["00340434161234567896", ["dhl-paket"], true],
  // Yamato 12: 12345678901 mod 7 = 3
  ["123456789013", ["yamato", "sagawa"], true],
  // Sample numbers published with public tracking-number libraries (jkeen/tracking_number_data and its ports)
  ["1Z5R89390357567127", ["ups"], true],
  ["1Z879E930346834440", ["ups"], true],
  ["1Z410E7W0392751591", ["ups"], true],
  ["1Z8V92A70367203024", ["ups"], true],
  ["477179081230", ["fedex"], true],
  ["9611020987654312345672", ["fedex"], true],
  ["C11031500001879", ["ontrac"], true],
  ["C10999911320231", ["ontrac"], true],
  ["D10011354453707", ["ontrac"], true],
  ["1LS717793482164", ["lasership"], false],
  ["320595463938", ["purolator"], true],
  ["KYV009956937", ["purolator"], false],
  ["0073938000549297", ["canada-post"], true],
  ["YT2229521272164446", ["yunexpress"], false],
  ["00 81827 0998 0000 0200 33 350 276 C", ["dpd-de", "dpd-uk"], true],
  ["0081 827 0998 0000 0200 45 327 276 N", ["dpd-de", "dpd-uk"], true],
  ["1LSCZM300293DG8", ["lasership"], false],
  ["9101123456789000000013", ["usps"], true],
  ["3318810025", ["dhl-express"], true],
  ["8487135506", ["dhl-express"], true],
  // DHL Express 11 digits: 7389105114 mod 7 = 6
  ["73891051146", ["dhl-express"], true],
  // Format-only layouts (no published check digit)
  ["TBA123456789012", ["amazon-shipping"], false],
  ["1LS123456789012", ["lasership"], false],
  ["LX13123456", ["lasership"], false],
  ["MI123456ABC123", ["ups-mail-innovations"], false],
  ["DT123456789012", ["fedex"], false],
  ["GM1234567890123", ["dhl-ecommerce-us"], false],
  ["LP00123456789012", ["cainiao", "aliexpress"], false],
  ["CAINIAO1234567890", ["cainiao"], false],
  ["YT2212345678901234", ["yunexpress"], false],
  ["YT1234567890123", ["yto-express"], false],
  ["4PX3001234567890CN", ["4px"], false],
  ["UG123456789YP", ["yanwen"], false],
  ["SF1234567890123", ["sf-express", "sf-express-cn"], false],
  ["JD0001234567890", ["jd-logistics"], false],
  ["JT1234567890123", ["jt-express-cn"], false],
  ["NVSGSHOP000123456", ["ninjavan-sg"], false],
  ["SPXMY012345678901", ["shopee-xpress-my"], false],
  ["KERTH123456789", ["kerry-express-th"], false],
  ["TH01234567890A", ["flash-express-th"], false],
  ["JJD0012345678901234", ["yodel", "dhl-paket"], false],
  ["3S12AB1234567", ["postnl"], false],
  ["6A12345678901", ["la-poste"], false],
  ["LTN12345678N1", ["landmark-global"], false],
  ["GE123456789WW", ["tnt"], false],
  ["Z1234567890", ["packeta"], false],
  ["UUS5A12345678901234", ["uniuni"], false],
  ["12345678901234", ["dpd-de", "dpd-uk"], false],
  ["12345678902", ["gls", "gls-de"], false],
  ["123456789012345678901234", ["inpost"], false],
];

for (const [number, expected, verified] of valid) {
  test(`detects ${number} as ${expected.join(" > ")}`, () => {
    const got = detectCarriers(number);
    assert.equal(
      got.slice(0, expected.length).map((c) => c.carrierCode),
      expected,
    );
    assert.is(got[0]!.checkDigitVerified, verified);
    for (const c of got) {
      assert.ok(c.confidence > 0 && c.confidence <= 1, `${c.carrierCode} confidence ${c.confidence}`);
      assert.is(c.track17Key, seedByCode(c.carrierCode)!.track17Key);
      assert.ok(c.rule.length > 0);
    }
  });
}

// A mandatory check digit that fails: the carrier is not offered at all (other layouts may still match).
// biome-ignore format: one row per number reads as a table
const checkFailures: [string, string][] = [
  ["1Z999AA10123456785", "ups"], // valid: …4
  ["986578788856", "fedex"], // valid: …5
  ["449044304137822", "fedex"], // valid: …1
  ["9611020987654321012344", "fedex"], // valid: …3
  ["61299995669352455465", "fedex"], // valid: …4
  ["9400111899223100000001", "usps"], // valid: …0
  ["03071020000033980012", "usps"], // valid: …1
  ["1234567890", "dhl-express"], // 123456789 mod 7 = 1, not 0
  ["RR123456784GB", "royal-mail"], // valid: 5
  ["EE987654325CN", "china-ems"], // valid: 6
  ["EE987654325CN", "china-post"],
  ["LB123456786CN", "china-post"], // valid: 5
  ["C11111111111117", "ontrac"], // valid: …6
  ["C11031500001889", "ontrac"], // published invalid sample
  ["320595463939", "purolator"], // published invalid sample
  ["008182709980000020033350276A", "dpd-de"], // published invalid sample
  ["0081 827 0998 0000 0200 45 000 000 N", "dpd-de"], // published invalid sample
  ["0073938000549292", "canada-post"], // published invalid sample
  ["7070000000000009", "canada-post"], // valid: …8
  ["312345678908", "purolator"], // Luhn: …7
  ["013082001234567890123101276A", "dpd-de"], // valid: O
  ["123456789014", "yamato"], // 12345678901 mod 7 = 3
];
for (const [number, carrier] of checkFailures) {
  test(`check digit failure: ${number} is not offered as ${carrier}`, () => {
    assert.not.ok(detectCarriers(number).some((c) => c.carrierCode === carrier));
  });
}

// Generated with the S10 check digit (checksums.ts), one per mapped country: the suffix picks the post.
for (const [country, post] of Object.entries(NATIONAL_POST_BY_COUNTRY)) {
  const serial = "31415926";
  const number = `RR${serial}${s10CheckDigit(serial)}${country}`;
  test(`S10 ${number} → ${post}`, () => {
    const got = detectCarriers(number);
    assert.is(got[0]?.carrierCode, post);
    assert.is(got[0]?.checkDigitVerified, true);
  });
}

test("S10 from a country without a seeded post, or no country at all, gives nothing", () => {
  assert.equal(detectCarriers("RR123456785ZZ"), []);
});

test("spaces, hyphens and lower case are tolerated", () => {
  assert.is(normalizeTrackingNumber(" 1z 999-aa1\t0123 4567 84 "), "1Z999AA10123456784");
  assert.equal(detectCarriers("1z 999 aa1 01 2345 6784"), detectCarriers("1Z999AA10123456784"));
  assert.is(detectCarriers("rr-123-456-785-gb")[0]?.carrierCode, "royal-mail");
  assert.is(detectCarriers("9400 1118 9922 3100 0000 00")[0]?.carrierCode, "usps");
});

test("ranking: verified and specific layouts first, several candidates for a shared length", () => {
  const got = detectCarriers("986578788855");
  assert.ok(got.length > 1, "12 digits fit more than one carrier");
  for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.confidence >= got[i]!.confidence);
  assert.is(got[0]!.carrierCode, "fedex");
  assert.ok(got.slice(1).every((c) => c.confidence < got[0]!.confidence));
});

test("ranking: a 12-digit number valid for both FedEx (mod 11) and Purolator (Luhn) offers both, FedEx first", () => {
  const got = detectCarriers("287809468872").filter((c) => c.checkDigitVerified);
  assert.equal(
    got.map((c) => c.carrierCode),
    ["fedex", "purolator"],
  );
});

test("one candidate per carrier, with its strongest rule", () => {
  const got = detectCarriers("92055901649173127510890017");
  assert.is(new Set(got.map((c) => c.carrierCode)).size, got.length);
});

test("barcodes that embed a tracking number say which number to register", () => {
  assert.is(detectCarriers("9611020987654321012343")[0]?.trackingNumber, "987654321012343");
  assert.is(detectCarriers("013082001234567890123101276O")[0]?.trackingNumber, "01234567890123");
  assert.is(detectCarriers("420902109400111899223100000000")[0]?.trackingNumber, "9400111899223100000000");
  assert.is(detectCarriers("1Z999AA10123456784")[0]?.trackingNumber, undefined);
});

test("a disabled carrier is not detected; the others still are", () => {
  const enabled = (code: string) => code !== "china-ems";
  assert.equal(
    detectCarriers("EE987654326CN", { enabled }).map((c) => c.carrierCode),
    ["china-post"],
  );
  assert.equal(detectCarriers("1Z999AA10123456784", { enabled: (c) => c !== "ups" }), []);
});

for (const unknown of [
  "",
  "   ",
  "HELLO",
  "1Z",
  "12345",
  "ABC-DEF",
  "!!!",
  "1234567890123456789012",
  "X".repeat(500),
]) {
  test(`unknown format ${JSON.stringify(unknown.slice(0, 20))} gives []`, () => {
    assert.equal(detectCarriers(unknown), []);
  });
}

test("every carrier a rule can offer is in the seed (so it has a 17TRACK key)", () => {
  const missing = DETECTION_RULES.flatMap((r) => r.carriers).filter((code) => seedByCode(code) === undefined);
  assert.equal(missing, []);
});

test("at least 50 distinct carriers are detectable", () => {
  const codes = new Set(DETECTION_RULES.flatMap((r) => r.carriers));
  assert.ok(codes.size >= 50, `${codes.size} carriers`);
});

test.run();
