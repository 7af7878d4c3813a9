// Static geography for simulated journeys: a few cities per country with a fixed UTC offset, and the
// national postal operator that does the last mile (§7.3 keys). Offsets are fixed (no DST) on purpose:
// the simulator only has to produce self-consistent time_iso/time_utc pairs (§4.5), and India's +05:30
// keeps clients honest about non-whole-hour offsets.

export interface City {
  city: string;
  state: string | null;
  country: string;
  tz: string;
}

export interface CarrierInfo {
  name: string;
  country: string | null;
  url?: string | null;
}

const CITIES: Record<string, readonly City[]> = {
  US: [
    { city: "Los Angeles", state: "CA", country: "US", tz: "-07:00" },
    { city: "Chicago", state: "IL", country: "US", tz: "-05:00" },
    { city: "New York", state: "NY", country: "US", tz: "-04:00" },
    { city: "Dallas", state: "TX", country: "US", tz: "-05:00" },
    { city: "Seattle", state: "WA", country: "US", tz: "-07:00" },
  ],
  GB: [
    { city: "London", state: null, country: "GB", tz: "+00:00" },
    { city: "Manchester", state: null, country: "GB", tz: "+00:00" },
    { city: "Birmingham", state: null, country: "GB", tz: "+00:00" },
  ],
  DE: [
    { city: "Berlin", state: "BE", country: "DE", tz: "+01:00" },
    { city: "Hamburg", state: "HH", country: "DE", tz: "+01:00" },
    { city: "Leipzig", state: "SN", country: "DE", tz: "+01:00" },
  ],
  FR: [
    { city: "Paris", state: null, country: "FR", tz: "+01:00" },
    { city: "Lyon", state: null, country: "FR", tz: "+01:00" },
    { city: "Roissy", state: null, country: "FR", tz: "+01:00" },
  ],
  NL: [
    { city: "Amsterdam", state: "NH", country: "NL", tz: "+01:00" },
    { city: "Utrecht", state: "UT", country: "NL", tz: "+01:00" },
  ],
  CN: [
    { city: "Shenzhen", state: "GD", country: "CN", tz: "+08:00" },
    { city: "Guangzhou", state: "GD", country: "CN", tz: "+08:00" },
    { city: "Shanghai", state: "SH", country: "CN", tz: "+08:00" },
    { city: "Yiwu", state: "ZJ", country: "CN", tz: "+08:00" },
  ],
  CA: [
    { city: "Toronto", state: "ON", country: "CA", tz: "-05:00" },
    { city: "Mississauga", state: "ON", country: "CA", tz: "-05:00" },
    { city: "Vancouver", state: "BC", country: "CA", tz: "-08:00" },
  ],
  AU: [
    { city: "Sydney", state: "NSW", country: "AU", tz: "+10:00" },
    { city: "Melbourne", state: "VIC", country: "AU", tz: "+10:00" },
  ],
  JP: [
    { city: "Tokyo", state: null, country: "JP", tz: "+09:00" },
    { city: "Osaka", state: null, country: "JP", tz: "+09:00" },
  ],
  IN: [
    { city: "Mumbai", state: "MH", country: "IN", tz: "+05:30" },
    { city: "New Delhi", state: "DL", country: "IN", tz: "+05:30" },
  ],
};

export const COUNTRIES: readonly string[] = Object.keys(CITIES);

export function citiesOf(country: string): readonly City[] {
  return CITIES[country] ?? (CITIES.US as readonly City[]);
}

/** National postal operators used as last-mile providers in hand-off journeys (keys from §7.3). */
export const LAST_MILE_POST: Record<string, { key: number; name: string; url: string }> = {
  US: { key: 21051, name: "USPS", url: "https://www.usps.com/" },
  GB: { key: 11031, name: "Royal Mail", url: "https://www.royalmail.com/" },
  DE: { key: 7041, name: "DHL Paket", url: "https://www.dhl.de/" },
  FR: { key: 6051, name: "La Poste (Colissimo)", url: "https://www.laposte.fr/" },
  NL: { key: 14041, name: "PostNL", url: "https://www.postnl.nl/" },
  CN: { key: 3011, name: "China Post", url: "https://yjcx.ems.com.cn/" },
  CA: { key: 3041, name: "Canada Post", url: "https://www.canadapost-postescanada.ca/" },
  AU: { key: 1151, name: "Australia Post", url: "https://auspost.com.au/" },
  JP: { key: 10021, name: "Japan Post", url: "https://www.post.japanpost.jp/" },
  IN: { key: 9021, name: "India Post", url: "https://www.indiapost.gov.in/" },
};

/** Fallback names for carriers the journeys may use when no carrier list is wired in. */
const BUILTIN_CARRIERS: Record<number, CarrierInfo> = {
  100001: { name: "DHL Express", country: "DE", url: "https://www.dhl.com/" },
  100002: { name: "UPS", country: "US", url: "https://www.ups.com/" },
  100003: { name: "FedEx", country: "US", url: "https://www.fedex.com/" },
  190008: { name: "YunExpress", country: "CN", url: "https://www.yunexpress.com/" },
  190271: { name: "Cainiao", country: "CN", url: "https://global.cainiao.com/" },
  ...Object.fromEntries(
    Object.entries(LAST_MILE_POST).map(([country, c]) => [c.key, { name: c.name, country, url: c.url }]),
  ),
};

export function builtinCarrier(key: number): CarrierInfo | undefined {
  return BUILTIN_CARRIERS[key];
}
