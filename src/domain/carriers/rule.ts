// The building blocks of carrier detection: a rule looks at a normalised number and offers carriers with
// a confidence. detect.ts runs every rule, keeps the best offer per carrier and ranks them.
//
// Confidence scale shared by all rules (our calibration, not a probability):
//   0.95–0.99  carrier-specific prefix/layout AND a verified mandatory check digit (UPS 1Z, S10, IMpb)
//   0.85–0.9   a prefix no other carrier uses, format only (TBA…, YT…, LP…), or a verified barcode form
//   0.5–0.6    a verified check digit on a bare length (12-digit FedEx, 16-digit Canada Post)
//   0.3–0.45   a weaker check (mod 7: 1 in 7 random numbers pass) or a second carrier on the same layout
//   0.1–0.25   length only, no check digit ("12 digits" fits several carriers)

/** One carrier offered by one rule. */
export interface RuleHit {
  carrierCode: string;
  confidence: number;
  rule: string;
  checkDigitVerified: boolean;
  /** The number to register when it differs from the input (a barcode that embeds the tracking number). */
  trackingNumber?: string;
}

export interface DetectionRule {
  /** Every carrier code the rule can offer; test/unit/carrier-detect.test.ts checks each is seeded. */
  readonly carriers: readonly string[];
  detect(normalized: string): RuleHit[];
}

/** [carrier code, confidence] */
export type Offer = readonly [string, number];

export function toHits(offers: readonly Offer[], rule: string, checkDigitVerified: boolean, trackingNumber?: string) {
  return offers.map(
    ([carrierCode, confidence]): RuleHit => ({
      carrierCode,
      confidence,
      rule,
      checkDigitVerified,
      ...(trackingNumber === undefined ? {} : { trackingNumber }),
    }),
  );
}

function codesOf(...offerLists: (readonly Offer[] | undefined)[]): string[] {
  return [...new Set(offerLists.flatMap((offers) => (offers ?? []).map(([code]) => code)))];
}

/** A layout with no check digit: matching the pattern is all the evidence there is. */
export function formatRule(rule: string, pattern: RegExp, offers: readonly Offer[]): DetectionRule {
  return {
    carriers: codesOf(offers),
    detect: (n) => (pattern.test(n) ? toHits(offers, rule, false) : []),
  };
}

export interface CheckedRuleOptions {
  /** When set the check digit is optional: a failing number is still offered, with these lower offers. */
  whenCheckFails?: { rule: string; offers: readonly Offer[] };
  /** Extracts the tracking number to register from a barcode form. */
  trackingNumber?: (n: string) => string | undefined;
}

/**
 * A layout with a check digit. By default the check is MANDATORY: a number that fails it is not offered to
 * these carriers at all (a typo must not be registered under a carrier that would reject it).
 */
export function checkedRule(
  rule: string,
  pattern: RegExp,
  check: (n: string) => boolean,
  offers: readonly Offer[],
  options: CheckedRuleOptions = {},
): DetectionRule {
  return {
    carriers: codesOf(offers, options.whenCheckFails?.offers),
    detect(n) {
      if (!pattern.test(n)) return [];
      if (check(n)) return toHits(offers, rule, true, options.trackingNumber?.(n));
      const fallback = options.whenCheckFails;
      return fallback === undefined ? [] : toHits(fallback.offers, fallback.rule, false);
    },
  };
}

/** The last character as a digit (NaN for a letter, which then never equals a computed check digit). */
export function lastDigit(n: string): number {
  return Number(n.at(-1));
}
