// Parses 17TRACK's public carrier list (apicarrier.all.json, 17TRACK reference §7.2: `[{ key, _name,
// _name_zh-cn, _url, _tel, _country_iso, … }]`) into carrier master-data rows. Pure: the caller reads the file
// or URL and writes the rows. Lenient on what 17TRACK may add or leave null; a row without a usable key or
// name is rejected with its reasons instead of failing the whole import.

import { assignCarrierCodes, type ExistingCode } from "./carrier-code.js";
import type { CarrierSeed } from "./carrier-seed.js";

/** A carrier of the list before it has a code. Values are normalised the way the built-in seed stores them. */
export type ListedCarrier = Omit<CarrierSeed, "code">;

export interface RejectedEntry {
  /** Position in the list (0-based). */
  index: number;
  key?: unknown;
  reasons: string[];
}

export interface ParsedCarrierList {
  carriers: ListedCarrier[];
  rejected: RejectedEntry[];
  /** Values dropped from otherwise good rows (too long for their column). */
  warnings: string[];
}

// Column sizes of PRD §2.1.1 `carriers`.
const NAME_MAX = 200;
const URL_MAX = 500;
const PHONE_MAX = 50;

function text(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function parseKey(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
}

/** Parses the decoded JSON of apicarrier.all.json. Throws only when it is not an array at all. */
export function parseCarrierList(json: unknown): ParsedCarrierList {
  if (!Array.isArray(json)) throw new TypeError("17TRACK carrier list: expected a JSON array of carriers");
  const carriers: ListedCarrier[] = [];
  const rejected: RejectedEntry[] = [];
  const warnings: string[] = [];
  const seen = new Set<number>();

  json.forEach((entry: unknown, index) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      rejected.push({ index, reasons: ["not an object"] });
      return;
    }
    const e = entry as Record<string, unknown>;
    const reasons: string[] = [];
    const key = parseKey(e.key);
    const name = text(e._name);
    if (key === undefined) reasons.push(`key ${JSON.stringify(e.key ?? null)} is not a positive integer`);
    else if (seen.has(key)) reasons.push(`key ${key} repeats an earlier entry`);
    if (name === undefined) reasons.push("_name is missing or blank");
    else if (name.length > NAME_MAX) reasons.push(`_name is longer than ${NAME_MAX} characters`);
    if (reasons.length > 0 || key === undefined || name === undefined) {
      rejected.push({ index, key: e.key, reasons });
      return;
    }
    seen.add(key);

    const row: ListedCarrier = { track17Key: key, name, country: countryOf(e._country_iso) };
    // Same convention as the seed: the Chinese name only when it says something the name does not.
    const nameCn = text(e["_name_zh-cn"]);
    if (nameCn !== undefined && nameCn !== name && nameCn.length <= NAME_MAX) row.nameCn = nameCn;
    const url = text(e._url);
    if (url !== undefined && url.length <= URL_MAX) row.url = url;
    else if (url !== undefined) warnings.push(`key ${key}: _url dropped (longer than ${URL_MAX})`);
    const phone = text(e._tel);
    if (phone !== undefined && phone.length <= PHONE_MAX) row.phone = phone;
    else if (phone !== undefined) warnings.push(`key ${key}: _tel dropped (longer than ${PHONE_MAX})`);
    carriers.push(row);
  });
  return { carriers, rejected, warnings };
}

function countryOf(value: unknown): string {
  const iso = text(value)?.toUpperCase();
  return iso !== undefined && /^[A-Z]{2}$/.test(iso) ? iso : "";
}

/**
 * The rows to upsert: every listed carrier with its code. Codes already stored (`stored`, matched by 17TRACK
 * key) are kept; then the built-in seed's codes; new carriers get one from carrier-code.ts. A seeded carrier
 * takes the seed's metadata rather than the list's, so the import and the seed applied at start-up agree and
 * do not flip values back and forth (the seed corrects a few of 17TRACK's values).
 */
export function buildImportRows(
  carriers: readonly ListedCarrier[],
  stored: readonly ExistingCode[],
  seed: readonly CarrierSeed[],
): CarrierSeed[] {
  const storedKeys = new Set(stored.map((e) => e.track17Key));
  const storedCodes = new Set(stored.map((e) => e.code));
  const reserved = seed
    .filter((s) => !storedKeys.has(s.track17Key) && !storedCodes.has(s.code))
    .map((s): ExistingCode => ({ code: s.code, track17Key: s.track17Key }));
  const codes = assignCarrierCodes(carriers, [...stored, ...reserved]);
  const seedByKey = new Map(seed.map((s) => [s.track17Key, s]));
  return carriers.map((c) => ({ ...(seedByKey.get(c.track17Key) ?? c), code: codes.get(c.track17Key)! }));
}
