// Reads a 17TRACK carrier list file (apicarrier.all.json shape, §7.2: `[{ key, _name, _country_iso, _url, … }]`)
// into key → name/country/homepage, for known-key checks and `provider` objects.
import { readFileSync } from "node:fs";
import type { CarrierInfo } from "./places.js";

interface CarrierListEntry {
  key?: unknown;
  _name?: unknown;
  _country_iso?: unknown;
  _url?: unknown;
}

export function readCarrierList(path: string): Map<number, CarrierInfo> {
  const entries = JSON.parse(readFileSync(path, "utf8")) as unknown;
  if (!Array.isArray(entries)) throw new Error(`${path}: expected a JSON array of carriers`);
  const out = new Map<number, CarrierInfo>();
  for (const e of entries as CarrierListEntry[]) {
    if (typeof e?.key !== "number" || !Number.isInteger(e.key)) continue;
    out.set(e.key, {
      name: typeof e._name === "string" ? e._name.trim() : `Carrier ${e.key}`,
      country: typeof e._country_iso === "string" && e._country_iso !== "" ? e._country_iso : null,
      url: typeof e._url === "string" ? e._url : null,
    });
  }
  return out;
}
