// PRD §2.2 Redis key names, their fixed TTLs, which family a key belongs to (statistics are per family) and which
// patterns an operator may invalidate. Pure. Keys here carry no deployment prefix: ioredis's keyPrefix adds it.

/** Key families in PRD §2.2 order; "ratelimit" is classified for statistics but never invalidated by pattern. */
export const KEY_FAMILIES = [
  "tracking:status",
  "tracking:events",
  "carrier:metadata",
  "sync:active",
  "tracking:hot",
  "ratelimit",
] as const;
export type KeyFamily = (typeof KEY_FAMILIES)[number];
/** What classifyKey says of a key outside every family. */
export type KeyFamilyOrOther = KeyFamily | "other";

/** Families an invalidation pattern may target: cached copies only, not the rate-limit counters (security issue). */
export const INVALIDATABLE_FAMILIES: readonly KeyFamily[] = [
  "tracking:status",
  "tracking:events",
  "carrier:metadata",
  "sync:active",
  "tracking:hot",
];

/** PRD §2.2 TTLs of the families whose TTL does not depend on the entry; status TTLs come from chooseTtl(). */
export const FAMILY_TTL_SECONDS = {
  "tracking:events": 6 * 60 * 60,
  "carrier:metadata": 24 * 60 * 60,
  "sync:active": 60 * 60,
  "tracking:hot": 15 * 60,
} as const satisfies Partial<Record<KeyFamily, number>>;

/** Longest pattern accepted, as the API allows (cache_service.proto InvalidatePatternRequest.pattern). */
export const MAX_PATTERN_LENGTH = 200;

function part(kind: string, value: string): string {
  // An empty id would address the family itself; spaces and control characters never occur in our ids and codes
  // and would make the key unreadable in redis-cli.
  if (value === "" || /[\s\p{Cc}]/u.test(value)) {
    throw new RangeError(`invalid ${kind} for a cache key: ${JSON.stringify(value)}`);
  }
  return value;
}

export const cacheKeys = {
  /** `tracking:status:{tracking_id}` → JSON {status, location, timestamp}; TTL from chooseTtl(). */
  status: (trackingId: string) => `tracking:status:${part("tracking id", trackingId)}`,
  /** `tracking:events:{tracking_id}` → JSON array of events; 6 h. */
  events: (trackingId: string) => `tracking:events:${part("tracking id", trackingId)}`,
  /** `carrier:metadata:{carrier_code}` → JSON carrier details; 24 h. */
  carrierMetadata: (carrierCode: string) => `carrier:metadata:${part("carrier code", carrierCode)}`,
  /** `sync:active:{tracking_id}` → JSON job details; 1 h. */
  syncActive: (trackingId: string) => `sync:active:${part("tracking id", trackingId)}`,
  /** `tracking:hot:{tracking_number}` → tracking_id; 15 min. The caller passes the number as stored (normalised). */
  hot: (trackingNumber: string) => `tracking:hot:${part("tracking number", trackingNumber)}`,
  /**
   * The keys holding copies of one shipment's data (InvalidateTracking drops these); the hot-number key only when the
   * number is given. sync:active is left alone: it coordinates a running job rather than caching data.
   */
  ofTracking: (trackingId: string, trackingNumber?: string) => [
    cacheKeys.status(trackingId),
    cacheKeys.events(trackingId),
    ...(trackingNumber === undefined ? [] : [cacheKeys.hot(trackingNumber)]),
  ],
};

/** The family of a key (without deployment prefix), "other" for keys outside PRD §2.2. */
export function classifyKey(key: string): KeyFamilyOrOther {
  for (const family of KEY_FAMILIES) {
    if (key.startsWith(`${family}:`) && key.length > family.length + 1) return family;
  }
  return "other";
}

export type PatternCheck =
  | { readonly value: { readonly pattern: string; readonly family: KeyFamily } }
  | { readonly error: string };

/**
 * Accepts a Redis glob an operator may invalidate with: it must start with one invalidatable family and a colon,
 * literally, so no pattern reaches beyond the cache (rate-limit counters, Bottleneck's state, other deployments'
 * keys). After the family only `*` and `?` are special; `[`, `]` and `\` are refused because they make the reach of
 * a pattern hard to read, and whitespace or control characters never occur in our keys.
 */
export function checkInvalidationPattern(pattern: string): PatternCheck {
  if (pattern.length > MAX_PATTERN_LENGTH) return { error: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  const family = INVALIDATABLE_FAMILIES.find((f) => pattern.startsWith(`${f}:`));
  if (family === undefined) {
    return { error: `pattern must start with one of ${INVALIDATABLE_FAMILIES.map((f) => `"${f}:"`).join(", ")}` };
  }
  const rest = pattern.slice(family.length + 1);
  if (rest === "") return { error: `pattern "${pattern}" matches nothing; use "${family}:*" for the whole family` };
  if (/[[\]\\]/.test(rest)) return { error: "pattern may use only * and ? as wildcards ([, ] and \\ are refused)" };
  if (/[\s\p{Cc}]/u.test(rest)) return { error: "pattern contains whitespace or control characters" };
  return { value: { pattern, family } };
}

/** Escapes glob characters so a literal string (the deployment key prefix) can lead a SCAN MATCH pattern. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, "\\$&");
}
