// Readable, stable carrier codes (carriers.carrier_code, VARCHAR(50)) for 17TRACK's carrier list. Callers and
// URLs use the code, so once given it never changes: a re-import keeps every code already stored for a 17TRACK
// key, whatever the carrier's name has become.
//
// The rule for a carrier that has no code yet (carriers taken in ascending 17TRACK key order, so the result
// does not depend on the order of the file):
//   1. slug of its name: diacritics dropped, lower case, every run of other characters → "-", at most
//      BASE_MAX characters, cut at a hyphen when one is in the second half ("DPD (UK)" → "dpd-uk",
//      "Correos Spain" → "correos-spain");
//      a name with no Latin letters or digits gives "carrier";
//   2. if taken: slug + "-" + its ISO country in lower case ("Unknown", CN → "unknown-cn");
//   3. if taken: slug + "-" + its 17TRACK key ("unknown-190123"), unique because keys are;
//   4. (only if someone stored such a code by hand) slug + "-" + key + "-2", "-3", ….
// Every code matches ^[a-z0-9]+(-[a-z0-9]+)*$ and is at most 50 characters.

export const CARRIER_CODE_MAX = 50;
/** Room left for "-" + a 6-digit key + "-" + a counter after the base. */
const BASE_MAX = 36;

export function slugifyCarrierName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug === "") return "carrier";
  if (slug.length <= BASE_MAX) return slug;
  // Cut at a word boundary when one is near, so long names do not end in a word's stump.
  const cut = slug.slice(0, BASE_MAX + 1);
  const boundary = cut.lastIndexOf("-");
  return boundary >= BASE_MAX / 2 ? cut.slice(0, boundary) : slug.slice(0, BASE_MAX).replace(/-+$/, "");
}

export interface CodeRequest {
  track17Key: number;
  name: string;
  /** ISO 3166-1 alpha-2, or empty/undefined when 17TRACK gives none. */
  country?: string | null;
}

export interface ExistingCode {
  code: string;
  /** null for a carrier added by hand without a 17TRACK key: its code is taken all the same. */
  track17Key: number | null;
}

/** 17TRACK key → carrier code for every request; existing codes (matched by key) are kept as they are. */
export function assignCarrierCodes(
  requests: readonly CodeRequest[],
  existing: readonly ExistingCode[],
): Map<number, string> {
  const taken = new Set(existing.map((e) => e.code));
  const byKey = new Map<number, string>();
  for (const e of existing) if (e.track17Key !== null) byKey.set(e.track17Key, e.code);

  const result = new Map<number, string>();
  const fresh = [...requests].sort((a, b) => a.track17Key - b.track17Key);
  for (const request of fresh) {
    if (result.has(request.track17Key)) continue;
    const kept = byKey.get(request.track17Key);
    if (kept !== undefined) {
      result.set(request.track17Key, kept);
      continue;
    }
    const code = firstFree(request, taken);
    taken.add(code);
    result.set(request.track17Key, code);
  }
  return result;
}

function firstFree(request: CodeRequest, taken: ReadonlySet<string>): string {
  const slug = slugifyCarrierName(request.name);
  const country = /^[A-Za-z]{2}$/.test(request.country ?? "") ? request.country!.toLowerCase() : undefined;
  const candidates = [slug, ...(country === undefined ? [] : [`${slug}-${country}`]), `${slug}-${request.track17Key}`];
  for (const candidate of candidates) if (!taken.has(candidate)) return candidate;
  for (let i = 2; ; i++) {
    const candidate = `${slug}-${request.track17Key}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}
