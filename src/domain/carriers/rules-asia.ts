// Detection rules for China's cross-border and domestic carriers and the parcel networks of Asia-Pacific.
// None of these carriers publishes a check digit, so apart from the Japanese mod 7 numbers every rule is
// format only: a prefix that no other carrier uses earns the 0.85–0.9 band of rule.ts, a bare length far less.
// Layouts are the ones printed on these carriers' labels and shown on their public tracking pages.
import { decimalMod } from "./checksums.js";
import { checkedRule, type DetectionRule, formatRule, lastDigit, toHits } from "./rule.js";

// Cainiao (AliExpress Standard Shipping and friends): "LP" + 14 digits.
const cainiaoLp = formatRule("Cainiao LP + 14 digits (format only)", /^LP\d{14}$/, [
  ["cainiao", 0.9],
  ["aliexpress", 0.3],
]);
// Cainiao consolidated numbers "CAINIAO"/"CNG" + digits (some AliExpress choice parcels).
const cainiaoCn = formatRule("Cainiao CAINIAO/CNG prefix (format only)", /^(?:CAINIAO|CNG)[0-9A-Z]{8,20}$/, [
  ["cainiao", 0.85],
]);

// YunExpress: "YT" + 16 digits (YT22…, YT23…). YTO Express domestic: "YT" + 13 digits.
const yunexpress = formatRule("YunExpress YT + 16 digits (format only)", /^YT\d{16}$/, [["yunexpress", 0.9]]);
const ytoExpress = formatRule("YTO Express YT + 13 digits (format only)", /^YT\d{13}$/, [["yto-express", 0.85]]);

// 4PX: "4PX" + 10–16 digits, often followed by "CN".
const fourPx = formatRule("4PX prefix (format only)", /^4PX\d{10,16}(?:CN)?$/, [["4px", 0.9]]);

// Yanwen's own line numbers look like S10 but end in "YP", which is no country, so no post claims them.
const yanwen = formatRule("Yanwen S10-like ..YP (format only)", /^[A-Z]{2}\d{9}YP$/, [["yanwen", 0.85]]);

// SF Express: "SF" + 12–13 digits (international and mainland waybills).
const sfExpress = formatRule("SF Express SF + 12-13 digits (format only)", /^SF\d{12,13}$/, [
  ["sf-express", 0.9],
  ["sf-express-cn", 0.45],
]);

// JD Logistics: "JD" + 13 digits, or "JD" + 2 letters + 11 digits (JDVA…, JDVB…).
const jdLogistics = formatRule("JD Logistics JD + 13 (format only)", /^JD(?:\d{13}|[A-Z]{2}\d{11})$/, [
  ["jd-logistics", 0.85],
]);

// J&T Express China: "JT" + 13 digits.
const jtExpressCn = formatRule("J&T Express JT + 13 digits (format only)", /^JT\d{13}$/, [["jt-express-cn", 0.8]]);

// ZTO (14 digits from 73/75/78) and STO (15 digits from 77/88): length + prefix only, shared with
// European 14/15-digit layouts, hence low.
const zto = formatRule("ZTO Express 7x + 12 digits (format only)", /^7[3-8]\d{12}$/, [["zto-express", 0.25]]);
const sto = formatRule("STO Express 77/88 + 13 digits (format only)", /^(?:77|88)\d{13}$/, [["sto-express", 0.25]]);

// Ninja Van: "NV" + the 2-letter country of the network + the shipper's id; the country picks the network.
const NINJAVAN = new Set(["SG", "MY", "ID", "PH", "TH", "VN"]);
const ninjavan: DetectionRule = {
  carriers: [...NINJAVAN].map((c) => `ninjavan-${c.toLowerCase()}`),
  detect(n) {
    const m = /^NV([A-Z]{2})[A-Z0-9]{8,20}$/.exec(n);
    if (m === null || !NINJAVAN.has(m[1]!)) return [];
    return toHits([[`ninjavan-${m[1]!.toLowerCase()}`, 0.85]], "Ninja Van NV + country (format only)", false);
  },
};

// Shopee Xpress: "SPX" + market + digits (SPXMY…, SPXID…); the market picks the network.
const SHOPEE = new Set(["MY", "ID", "TH", "PH", "VN", "SG", "TW"]);
const shopeeXpress: DetectionRule = {
  carriers: [...SHOPEE].map((c) => `shopee-xpress-${c.toLowerCase()}`),
  detect(n) {
    const m = /^SPX([A-Z]{2})\d{9,15}[A-Z]?$/.exec(n);
    if (m === null || !SHOPEE.has(m[1]!)) return [];
    return toHits([[`shopee-xpress-${m[1]!.toLowerCase()}`, 0.9]], "Shopee Xpress SPX + market (format only)", false);
  },
};

// Flash Express (TH): "TH" + 10–12 digits + optional check letter. Kerry Express (TH): "KER"/"KEX" prefixes.
const flashTh = formatRule("Flash Express TH + digits (format only)", /^TH\d{10,12}[A-Z]?$/, [
  ["flash-express-th", 0.6],
]);
const kerryTh = formatRule("Kerry Express KER/KEX (format only)", /^KE[RX][A-Z]{0,2}\d{9,12}$/, [
  ["kerry-express-th", 0.7],
]);

// Yamato (and Sagawa) 12-digit numbers: the last digit is the first 11 digits mod 7. A 1-in-7 check on a
// length many carriers share keeps them low even when it passes, and a failure rules them out.
const japan12 = checkedRule(
  "Yamato/Sagawa 12 digits (mod 7 check digit)",
  /^\d{12}$/,
  (n) => decimalMod(n.slice(0, 11), 7) === lastDigit(n),
  [
    ["yamato", 0.3],
    ["sagawa", 0.2],
  ],
);

// India: Delhivery (13–14 digits) and Blue Dart (11 digits) are bare lengths with no published check digit.
const delhivery = formatRule("Delhivery 13-14 digits (format only)", /^\d{13,14}$/, [["delhivery", 0.12]]);
const blueDart = formatRule("Blue Dart 11 digits (format only)", /^\d{11}$/, [["blue-dart", 0.12]]);

export const ASIA_RULES: readonly DetectionRule[] = [
  cainiaoLp,
  cainiaoCn,
  yunexpress,
  ytoExpress,
  fourPx,
  yanwen,
  sfExpress,
  jdLogistics,
  jtExpressCn,
  zto,
  sto,
  ninjavan,
  shopeeXpress,
  flashTh,
  kerryTh,
  japan12,
  delhivery,
  blueDart,
];
