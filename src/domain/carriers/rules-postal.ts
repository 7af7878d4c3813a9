// Detection of UPU S10 item identifiers (`AA123456789CC`): 2-letter service indicator, 8-digit serial, check
// digit, and the ISO country of the issuing postal operator. The suffix says which national post accepted the
// item, so that post is the carrier; the check digit is mandatory (UPU S10 §5), so a typo is never offered.
import { s10CheckDigit } from "./checksums.js";
import { type DetectionRule, type Offer, toHits } from "./rule.js";
import { NATIONAL_POST_BY_COUNTRY } from "./seed.js";

const S10 = /^[A-Z]{2}\d{9}[A-Z]{2}$/;

/** Second operators of a country that also issue S10 numbers: EMS items (service indicator E*) and parcels. */
const EMS_OPERATOR: Readonly<Record<string, string>> = { CN: "china-ems", VN: "vietnam-ems", GB: "parcelforce" };
const SECOND_OPERATOR: Readonly<Record<string, string>> = { NL: "postnl-international-mail" };

export function s10Valid(n: string): boolean {
  return S10.test(n) && s10CheckDigit(n.slice(2, 10)) === Number(n[10]);
}

const upuS10: DetectionRule = {
  carriers: [
    ...new Set([
      ...Object.values(NATIONAL_POST_BY_COUNTRY),
      ...Object.values(EMS_OPERATOR),
      ...Object.values(SECOND_OPERATOR),
    ]),
  ],
  detect(n) {
    if (!s10Valid(n)) return [];
    const country = n.slice(11);
    const post = NATIONAL_POST_BY_COUNTRY[country];
    const offers: Offer[] = [];
    const ems = n[0] === "E" ? EMS_OPERATOR[country] : undefined;
    // An EMS item is tracked by the EMS operator first; the national post usually shows the same events.
    if (ems !== undefined) offers.push([ems, 0.97]);
    if (post !== undefined) offers.push([post, ems === undefined ? 0.97 : 0.9]);
    const second = SECOND_OPERATOR[country];
    if (second !== undefined) offers.push([second, 0.5]);
    return toHits(offers, `UPU S10 ${country} (mod 11 check digit)`, true);
  },
};

export const POSTAL_RULES: readonly DetectionRule[] = [upuS10];
