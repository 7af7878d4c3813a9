// The built-in carrier master data (PRD §2.1.1, §3.1.1): the ~200 carriers most used worldwide, every one
// with a 17TRACK key verified against the shared carrier list (17TRACK reference §7.3; wrong keys circulate
// in public code, so test/integration/carriers-import.test.ts re-checks key and name). The full 17TRACK list is
// imported on top of this seed with codes from carrier-code.ts; seed codes win and never change.
import type { CarrierSeed } from "./carrier-seed.js";
import { ASIA_PACIFIC_SEED } from "./seed-asia-pacific.js";
import { COURIER_SEED } from "./seed-couriers.js";
import { POSTAL_SEED } from "./seed-posts.js";

export type { CarrierSeed } from "./carrier-seed.js";

export const CARRIER_SEED: readonly CarrierSeed[] = Object.freeze([
  ...POSTAL_SEED,
  ...COURIER_SEED,
  ...ASIA_PACIFIC_SEED,
]);

/**
 * ISO 3166-1 alpha-2 → code of the country's designated postal operator. This is what the two-letter suffix
 * of a UPU S10 item identifier (the issuing operator's country) resolves to. Countries missing here have no
 * seeded post, so an S10 number from them is not offered to any carrier.
 */
export const NATIONAL_POST_BY_COUNTRY: Readonly<Record<string, string>> = Object.freeze({
  US: "usps",
  GB: "royal-mail",
  CA: "canada-post",
  AU: "australia-post",
  NZ: "nz-post",
  CN: "china-post",
  DE: "deutsche-post",
  FR: "la-poste",
  NL: "postnl",
  BE: "bpost",
  IT: "poste-italiane",
  ES: "correos-spain",
  PT: "ctt",
  CH: "swiss-post",
  AT: "austrian-post",
  SE: "postnord-sweden",
  DK: "postnord-denmark",
  FI: "posti",
  NO: "norway-post",
  IE: "an-post",
  PL: "poland-post",
  CZ: "czech-post",
  HU: "magyar-posta",
  SK: "slovakia-post",
  SI: "slovenia-post",
  HR: "croatian-post",
  RS: "serbia-post",
  RO: "romania-post",
  BG: "bulgarian-post",
  GR: "elta",
  CY: "cyprus-post",
  MT: "malta-post",
  LU: "luxembourg-post",
  IS: "iceland-post",
  EE: "omniva",
  LV: "latvia-post",
  LT: "lithuania-post",
  RU: "russian-post",
  UA: "ukrposhta",
  BY: "belpost",
  MD: "moldova-post",
  MK: "macedonia-post",
  ME: "montenegro-post",
  BA: "jp-bh-post",
  TR: "ptt",
  KZ: "kazpost",
  UZ: "uzbekistan-post",
  GE: "georgian-post",
  AM: "haypost",
  AZ: "azer-express-post",
  JP: "japan-post",
  KR: "korea-post",
  HK: "hongkong-post",
  MO: "macau-post",
  TW: "chunghwa-post",
  SG: "singapore-post",
  MY: "pos-malaysia",
  TH: "thailand-post",
  VN: "vietnam-post",
  ID: "pos-indonesia",
  PH: "philippine-post",
  IN: "india-post",
  PK: "pakistan-post",
  BD: "bangladesh-post",
  LK: "sri-lanka-post",
  NP: "nepal-post",
  KH: "cambodia-post",
  MM: "myanmar-post",
  MN: "mongol-post",
  BR: "correios-brazil",
  MX: "mexico-post",
  AR: "correo-argentino",
  CL: "correos-chile",
  CO: "colombia-4-72",
  PE: "serpost",
  UY: "correo-uruguayo",
  EC: "correos-ecuador",
  CR: "correos-costa-rica",
  AE: "emirates-post",
  SA: "saudi-post",
  QA: "q-post",
  KW: "kuwait-post",
  OM: "oman-post",
  JO: "jordan-post",
  LB: "liban-post",
  IL: "israel-post",
  EG: "egypt-post",
  MA: "morocco-post",
  DZ: "algeria-post",
  TN: "la-poste-tunisia",
  NG: "nigerian-post",
  KE: "kenya-post",
  ZA: "south-africa-post",
});

const byCode = new Map(CARRIER_SEED.map((seed) => [seed.code, seed]));
const byKey = new Map(CARRIER_SEED.map((seed) => [seed.track17Key, seed]));

export function seedByCode(code: string): CarrierSeed | undefined {
  return byCode.get(code);
}

export function seedByKey(key: number): CarrierSeed | undefined {
  return byKey.get(key);
}

/** The national post of a country (ISO alpha-2, any case), or undefined when none is seeded. */
export function postalCarrierForCountry(iso2: string): CarrierSeed | undefined {
  const code = NATIONAL_POST_BY_COUNTRY[iso2.toUpperCase()];
  return code === undefined ? undefined : byCode.get(code);
}

/** The carrier's public tracking page for a number, or undefined when the seed has no template. */
export function trackingUrlFor(seed: CarrierSeed, trackingNumber: string): string | undefined {
  return seed.trackingUrlTemplate?.replaceAll("{number}", encodeURIComponent(trackingNumber));
}
