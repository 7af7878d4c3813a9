// Carrier detection: which carriers a tracking number can belong to, ranked, each with the rule that matched
// and whether a check digit backed it. Pure; the rules live in rules-*.ts and the confidence scale in rule.ts.
// Used by registration (when the caller names no carrier), by DetectCarrier and by the simulator.
import type { DetectionRule, RuleHit } from "./rule.js";
import { ASIA_RULES } from "./rules-asia.js";
import { EUROPE_RULES } from "./rules-europe.js";
import { NORTH_AMERICA_RULES } from "./rules-north-america.js";
import { OTHER_RULES } from "./rules-other.js";
import { POSTAL_RULES } from "./rules-postal.js";
import { seedByCode } from "./seed.js";

export interface DetectionCandidate {
  carrierCode: string;
  /** 17TRACK carrier key (the `carrier` field of register calls). */
  track17Key: number;
  /** 0..1, calibrated as described in rule.ts; only meaningful for ranking. */
  confidence: number;
  /** Name of the rule that matched, e.g. "UPS 1Z (mod 10 check digit)". */
  rule: string;
  checkDigitVerified: boolean;
  /** The number to register when the input was a barcode that embeds it (FedEx 96…, IMpb with 420+ZIP). */
  trackingNumber?: string;
}

export interface DetectOptions {
  /** Carriers for which this returns false are left out (disabled carriers are never detected). */
  enabled?: (carrierCode: string) => boolean;
}

export const DETECTION_RULES: readonly DetectionRule[] = [
  ...POSTAL_RULES,
  ...NORTH_AMERICA_RULES,
  ...EUROPE_RULES,
  ...ASIA_RULES,
  ...OTHER_RULES,
];

/** Longest input worth matching; no layout we know is longer (IMpb with 420+ZIP+4 is 38). */
const MAX_LENGTH = 64;

/** Upper-case, without spaces or hyphens (how numbers are printed and typed, not how carriers store them). */
export function normalizeTrackingNumber(raw: string): string {
  return raw.replace(/[\s-]+/g, "").toUpperCase();
}

function better(a: RuleHit, b: RuleHit): boolean {
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  return a.checkDigitVerified && !b.checkDigitVerified;
}

/**
 * Every carrier the number may belong to, best first (confidence, then verified check digit, then code so the
 * order is deterministic). One entry per carrier: its strongest rule. An unknown format gives [].
 */
export function detectCarriers(raw: string, options: DetectOptions = {}): DetectionCandidate[] {
  const n = normalizeTrackingNumber(raw);
  if (n.length === 0 || n.length > MAX_LENGTH || !/^[0-9A-Z]+$/.test(n)) return [];
  const best = new Map<string, RuleHit>();
  for (const rule of DETECTION_RULES) {
    for (const hit of rule.detect(n)) {
      const current = best.get(hit.carrierCode);
      if (current === undefined || better(hit, current)) best.set(hit.carrierCode, hit);
    }
  }
  const candidates: DetectionCandidate[] = [];
  for (const hit of best.values()) {
    const seed = seedByCode(hit.carrierCode);
    // Rules only name seeded carriers (the unit test checks); this guards a typo from reaching 17TRACK.
    if (seed === undefined) continue;
    if (options.enabled !== undefined && !options.enabled(hit.carrierCode)) continue;
    candidates.push({ ...hit, track17Key: seed.track17Key });
  }
  return candidates.sort(
    (a, b) =>
      b.confidence - a.confidence ||
      Number(b.checkDigitVerified) - Number(a.checkDigitVerified) ||
      (a.carrierCode < b.carrierCode ? -1 : a.carrierCode > b.carrierCode ? 1 : 0),
  );
}
