// Detection rules for carriers of the United States and Canada. Check-digit algorithms are in
// checksums.ts; the layouts follow USPS Pub. 199 (IMpb), the carriers' published label specifications
// as collected by the public jkeen/tracking_number_data project, and are format-only where we say so.
import { fedexMod11, luhnValid, weightedMod10 } from "./checksums.js";
import { checkedRule, type DetectionRule, formatRule, lastDigit, type Offer, toHits } from "./rule.js";

/** GS1-style mod 10 (weights 3,1 from the right) over everything but the last digit. */
export function gs1Valid(n: string): boolean {
  return weightedMod10(n.slice(0, -1), [3, 1]) === lastDigit(n);
}

function fedex12Valid(n: string): boolean {
  return fedexMod11(n.slice(0, 11)) === lastDigit(n);
}

// UPS 1Z: 6-char shipper account, 2-char service, 7-char package id, then a mod 10 check digit over the
// 15 characters after "1Z" with letters mapped by UPS's (code − 63) mod 10 table.
const ups1z = checkedRule(
  "UPS 1Z (mod 10 check digit)",
  /^1Z[0-9A-Z]{16}$/,
  (n) => weightedMod10(n.slice(2, 17), [1, 2]) === lastDigit(n),
  [["ups", 0.99]],
);

// UPS Mail Innovations: "MI" + 6-digit mailer id + the mailer's package id. Format only.
const upsMailInnovations = formatRule("UPS Mail Innovations MI + mailer id (format only)", /^MI\d{6}[0-9A-Z]{1,22}$/, [
  ["ups-mail-innovations", 0.9],
]);

// FedEx Express 12 digits: weights 1,3,7 from the right, mod 11 (10 → 0). Many carriers use 12 digits, so
// even a verified number only reaches the "verified bare length" band.
const fedex12 = checkedRule("FedEx Express 12 digits (mod 11 check digit)", /^\d{12}$/, fedex12Valid, [["fedex", 0.6]]);

// FedEx Ground 15 digits (7-digit shipper + 7-digit package + check): mod 10, weights 3,1 from the right.
const fedexGround15 = checkedRule("FedEx Ground 15 digits (mod 10 check digit)", /^\d{15}$/, gs1Valid, [
  ["fedex", 0.6],
]);

// FedEx Ground "96" barcode, 22 digits: 96 + 2-digit SCNC + 3-digit service + the 15-digit Ground number,
// whose own check digit is verified; the 15 digits are what FedEx tracks.
const fedexGround96 = checkedRule(
  "FedEx Ground 96 barcode, 22 digits (mod 10 check digit)",
  /^96\d{20}$/,
  (n) => gs1Valid(n.slice(-15)),
  [["fedex", 0.9]],
  { trackingNumber: (n) => n.slice(-15) },
);

// FedEx SmartPost / Ground Economy 20 digits: an IMpb without its "92" application id; the USPS mod 10 is
// computed as if "92" were present.
const fedexSmartPost20 = checkedRule(
  "FedEx SmartPost 20 digits (mod 10 check digit, implied 92)",
  /^\d{20}$/,
  (n) => gs1Valid(`92${n}`),
  [["fedex", 0.45]],
);

// FedEx 34-digit barcode (Express "100…" and Ground "96…" GSN): the last 14 digits are a 13-digit serial +
// check digit (mod 11, weights 1,3,7 from the right). The 12-digit tracking number is the last 12 digits
// when the serial's leading digit is 0, which is then also valid on its own.
const fedex34 = checkedRule(
  "FedEx 34-digit barcode (mod 11 check digit)",
  /^\d{34}$/,
  (n) => fedexMod11(n.slice(20, 33)) === lastDigit(n),
  [["fedex", 0.85]],
  { trackingNumber: (n) => (fedex12Valid(n.slice(-12)) ? n.slice(-12) : undefined) },
);

// FedEx door tag: "DT" + 12 digits. Format only.
const fedexDoorTag = formatRule("FedEx door tag DT + 12 digits (format only)", /^DT\d{12}$/, [["fedex", 0.85]]);

// USPS IMpb (Pub. 199): application id 91–95 + service + mailer id + serial + mod 10 (weights 3,1 from the
// right), 22 or 26 digits; optionally preceded by the routing code 420 + ZIP (5 or 9 digits). Channel ids
// 92/93 are commercial mailers, which is how consolidators that inject into USPS (FedEx SmartPost, DHL
// eCommerce, UPS Mail Innovations) label parcels; we keep no mailer-id table, so they rank below USPS.
const IMPB = /^9[1-5](?:\d{20}|\d{24})$/;
const CONSOLIDATORS: readonly Offer[] = [
  ["dhl-ecommerce-us", 0.35],
  ["ups-mail-innovations", 0.3],
];
const uspsImpb: DetectionRule = {
  carriers: ["usps", "fedex", ...CONSOLIDATORS.map(([code]) => code)],
  detect(n) {
    let impb = n;
    let routed = false;
    if (n.startsWith("420") && !IMPB.test(n)) {
      // 420 + ZIP5 (8 digits) or 420 + ZIP+4 (12 digits) in front of the IMpb.
      const rest = [n.slice(8), n.slice(12)].find((candidate) => IMPB.test(candidate) && gs1Valid(candidate));
      if (rest === undefined) return [];
      impb = rest;
      routed = true;
    }
    if (!IMPB.test(impb) || !gs1Valid(impb)) return [];
    const commercial = impb.startsWith("92") || impb.startsWith("93");
    const offers: Offer[] = [["usps", routed ? 0.9 : 0.95]];
    if (commercial || routed) offers.push(...CONSOLIDATORS);
    if (impb.startsWith("92")) offers.push(["fedex", 0.3]);
    const rule = routed ? "USPS IMpb with 420+ZIP routing (mod 10 check digit)" : "USPS IMpb (mod 10 check digit)";
    return toHits(offers, rule, true, routed ? impb : undefined);
  },
};

// USPS legacy 20 digits (certified / registered mail and older labels): mod 10 weights 3,1, computed either
// on the bare 20 digits or with an implied "91" application id; both layouts are in use.
const usps20 = checkedRule(
  "USPS 20 digits (mod 10 check digit)",
  /^\d{20}$/,
  (n) => gs1Valid(n) || gs1Valid(`91${n}`),
  [["usps", 0.55]],
);

// OnTrac "C"/"D" + 14 digits: mod 10 (weights 2,1 from the right, products not folded) over the 13 serial
// digits prefixed with 4 (C) or 5 (D).
const ontrac = checkedRule(
  "OnTrac C/D + 14 digits (mod 10 check digit)",
  /^[CD]\d{14}$/,
  (n) => weightedMod10(`${n[0] === "C" ? "4" : "5"}${n.slice(1, 14)}`, [2, 1]) === lastDigit(n),
  [["ontrac", 0.99]],
);

// LaserShip: "1LS" + 12–14 digits or letters (the "-1" piece suffix loses its hyphen in normalisation) and
// "LX1[3-8]" + 6 digits. Format only: the last digit's algorithm is not published.
const lasership1ls = formatRule("LaserShip 1LS (format only)", /^1LS[0-9A-Z]{12,14}$/, [["lasership", 0.9]]);
const lasershipLx = formatRule("LaserShip LX (format only)", /^LX1[3-8]\d{6}$/, [["lasership", 0.85]]);

// Amazon Logistics "TBA" + 12 digits, used in the US and in Europe. Format only (no check digit).
const amazonTba = formatRule("Amazon TBA + 12 digits (format only)", /^TBA\d{12}$/, [
  ["amazon-shipping", 0.95],
  ["amazon-shipping-uk", 0.4],
]);

// Canada Post 16-digit PIN: mod 10, weights 3,1 from the right. The 12-digit domestic numbers carry no
// check digit we know, so they are a length-only guess.
const canadaPost16 = checkedRule("Canada Post 16-digit PIN (mod 10 check digit)", /^\d{16}$/, gs1Valid, [
  ["canada-post", 0.6],
]);
const canadaPost12 = formatRule("Canada Post 12 digits (format only)", /^\d{12}$/, [["canada-post", 0.1]]);

// Purolator: 12 digits starting 0–5 with a Luhn check digit, or 3 letters + 9 digits (format only).
const purolator12 = checkedRule("Purolator 12 digits (Luhn check digit)", /^[0-5]\d{11}$/, luhnValid, [
  ["purolator", 0.4],
]);
const purolatorAlpha = formatRule("Purolator 3 letters + 9 digits (format only)", /^[A-Z]{3}\d{9}$/, [
  ["purolator", 0.45],
]);

// Canpar: one of C D K L S U X Z + 21 digits. Format only.
const canpar = formatRule("Canpar letter + 21 digits (format only)", /^[CDKLSUXZ]\d{21}$/, [["canpar", 0.8]]);

// DHL eCommerce (US): "GM" + 10–22 digits. Format only.
const dhlEcommerceGm = formatRule("DHL eCommerce GM (format only)", /^GM\d{10,22}$/, [["dhl-ecommerce-us", 0.9]]);

export const NORTH_AMERICA_RULES: readonly DetectionRule[] = [
  ups1z,
  upsMailInnovations,
  fedex12,
  fedexGround15,
  fedexGround96,
  fedexSmartPost20,
  fedex34,
  fedexDoorTag,
  uspsImpb,
  usps20,
  ontrac,
  lasership1ls,
  lasershipLx,
  amazonTba,
  canadaPost16,
  canadaPost12,
  purolator12,
  purolatorAlpha,
  canpar,
  dhlEcommerceGm,
];
