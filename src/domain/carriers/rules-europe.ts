// Detection rules for carriers of Europe (DHL, DPD, GLS, Hermes/Evri, Yodel, PostNL, French and Polish
// carriers). Check-digit algorithms are in checksums.ts. Where a carrier publishes no check digit, or we
// do not know it, the rule says "format only" and stays in the low confidence bands of rule.ts.
import { decimalMod, identcodeCheckDigit, iso7064Mod37x36 } from "./checksums.js";
import { checkedRule, type DetectionRule, formatRule, lastDigit, toHits } from "./rule.js";
import { gs1Valid } from "./rules-north-america.js";

// DHL Express waybill: 10 digits (also seen with 11) whose last digit is the preceding digits mod 7. A mod 7
// check passes for 1 in 7 random numbers, so even verified it stays mid-band.
const dhlExpress10 = checkedRule(
  "DHL Express 10 digits (mod 7 check digit)",
  /^\d{10}$/,
  (n) => decimalMod(n.slice(0, -1), 7) === lastDigit(n),
  [["dhl-express", 0.5]],
);
const dhlExpress11 = checkedRule(
  "DHL Express 11 digits (mod 7 check digit)",
  /^\d{11}$/,
  (n) => decimalMod(n.slice(0, -1), 7) === lastDigit(n),
  [["dhl-express", 0.35]],
);

// DHL Express piece id ("licence plate"): J + 2–3 letters + 9–10 digits, e.g. JJD0099999999. Format only.
const dhlPieceId = formatRule("DHL piece id J.. + 9-10 digits (format only)", /^J[A-Z]{2,3}\d{9,10}$/, [
  ["dhl-express", 0.6],
  ["dhl-paket", 0.4],
]);

// DHL Paket "JJD" + 11–20 digits (German parcel licence plates). Format only. JJD + 16 digits is Yodel's
// layout too (see below), so DHL ranks lower there.
const dhlPaketJjd: DetectionRule = {
  carriers: ["dhl-paket", "dhl-express"],
  detect(n) {
    if (!/^JJD\d{11,20}$/.test(n)) return [];
    const yodelLayout = n.length === 19;
    return toHits(
      [
        ["dhl-paket", yodelLayout ? 0.5 : 0.8],
        ["dhl-express", 0.45],
      ],
      "DHL JJD licence plate (format only)",
      false,
    );
  },
};

// DHL Paket 12-digit parcel number. When it validates as a Deutsche Post Identcode (weights 4,9 mod 10)
// we count it as verified; not every 12-digit DHL number is an Identcode, so a failing check only lowers
// the confidence instead of rejecting the number.
const dhlPaket12 = checkedRule(
  "DHL Paket 12 digits (Identcode 4/9 check digit)",
  /^\d{12}$/,
  (n) => identcodeCheckDigit(n.slice(0, 11)) === lastDigit(n),
  [["dhl-paket", 0.45]],
  { whenCheckFails: { rule: "DHL Paket 12 digits (format only)", offers: [["dhl-paket", 0.15]] } },
);

// DHL Paket 20-digit NVE (GS1 SSCC with application id 00): GS1 mod 10 check digit. DHL's own NVEs start
// 00340434 (observed prefix); other SSCCs may belong to any carrier, hence the lower confidence.
const dhlPaketNve: DetectionRule = {
  carriers: ["dhl-paket"],
  detect(n) {
    if (!/^00\d{18}$/.test(n) || !gs1Valid(n)) return [];
    const dhlPrefix = n.startsWith("00340434");
    return toHits(
      [["dhl-paket", dhlPrefix ? 0.85 : 0.35]],
      dhlPrefix ? "DHL Paket NVE 00340434 (GS1 mod 10 check digit)" : "GS1 SSCC 20 digits (mod 10 check digit)",
      true,
    );
  },
};

// DPD parcel number: 14 digits (4-digit depot + 10-digit serial). No check character in this form, and DPD
// runs one network per country, so length-only offers to the two biggest.
const dpd14 = formatRule("DPD 14 digits (format only)", /^\d{14}$/, [
  ["dpd-de", 0.3],
  ["dpd-uk", 0.25],
]);

// DPD 28-character label barcode: 7-char postcode + 14-digit parcel number + 3-digit service + 3-digit
// country + ISO 7064 MOD 37,36 check character (DPD Parcel Label Specification). We register the 14 digits.
const dpd28 = checkedRule(
  "DPD 28-char barcode (ISO 7064 mod 37,36 check character)",
  /^\d{27}[0-9A-Z]$/,
  (n) => iso7064Mod37x36(n.slice(0, 27)) === n[27],
  [
    ["dpd-de", 0.85],
    ["dpd-uk", 0.6],
  ],
  { trackingNumber: (n) => n.slice(7, 21) },
);

// GLS parcel numbers: 11 digits, or 12 with a trailing check digit whose algorithm we do not rely on.
const gls11 = formatRule("GLS 11 digits (format only)", /^\d{11}$/, [
  ["gls", 0.25],
  ["gls-de", 0.2],
]);
const gls12 = formatRule("GLS 12 digits (format only)", /^\d{12}$/, [["gls", 0.15]]);

// Evri (ex-Hermes UK): 16 digits. Hermes Germany: 14 digits. Both format only and shared with other layouts.
const evri16 = formatRule("Evri 16 digits (format only)", /^\d{16}$/, [["evri", 0.3]]);
const hermesDe14 = formatRule("Hermes (DE) 14 digits (format only)", /^\d{14}$/, [["hermes-de", 0.15]]);

// Yodel UK domestic: "JD" + 16 digits, also printed as "JJD" + 16 digits. Format only.
const yodel = formatRule("Yodel JD/JJD + 16 digits (format only)", /^J?JD\d{16}$/, [["yodel", 0.85]]);

// PostNL domestic "3S" barcodes: 3S + 4-character customer code + 7–11 digits. Format only.
const postnl3s = formatRule("PostNL 3S code (format only)", /^3S[A-Z0-9]{4}\d{7,11}$/, [["postnl", 0.9]]);

// Chronopost: S10-like numbers ending "TS", which 17TRACK does not auto-detect (17TRACK reference §8.1).
// Format only.
const chronopostTs = formatRule("Chronopost ..TS (format only)", /^[A-Z]{2}\d{9}TS$/, [["chronopost", 0.6]]);

// Colissimo domestic: 13 characters, digit + letter + 11 digits (e.g. 6A…, 8R…), or 2 letters + 11 digits.
// Format only.
const colissimo = formatRule("Colissimo digit+letter + 11 digits (format only)", /^\d[A-Z]\d{11}$/, [
  ["la-poste", 0.8],
]);
const colissimoLetters = formatRule("Colissimo 2 letters + 11 digits (format only)", /^[A-Z]{2}\d{11}$/, [
  ["la-poste", 0.5],
]);

// InPost (PL): 24 digits. Format only; 17TRACK itself misdetects InPost (17TRACK reference §8.1).
const inpost = formatRule("InPost 24 digits (format only)", /^\d{24}$/, [["inpost", 0.6]]);

// Landmark Global: "LTN" + 8 digits + "N" + piece digit. Format only.
const landmark = formatRule("Landmark Global LTN (format only)", /^LTN\d{8}N\d$/, [["landmark-global", 0.9]]);

export const EUROPE_RULES: readonly DetectionRule[] = [
  dhlExpress10,
  dhlExpress11,
  dhlPieceId,
  dhlPaketJjd,
  dhlPaket12,
  dhlPaketNve,
  dpd14,
  dpd28,
  gls11,
  gls12,
  evri16,
  hermesDe14,
  yodel,
  postnl3s,
  chronopostTs,
  colissimo,
  colissimoLetters,
  inpost,
  landmark,
];
