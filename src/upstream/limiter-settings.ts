// Bottleneck settings for the 17TRACK budget. Pure: no I/O.
//
// 17TRACK allows 3 req/s per account (reference §1.1, §8.6; more gives HTTP 429) and the PRD asks for
// 100 calls/min; the caller passes both and we enforce both:
// - `minTime` spaces call starts cluster-wide (Bottleneck keeps `nextRequest` in Redis), so there is never
//   a burst above perSecond. It gets a small safety margin because timers fire late, never early: a call
//   that starts a few ms late would otherwise sit closer than 1000/perSecond to the next one.
// - a reservoir of perMinute, refreshed every 60 s (a multiple of 5000 ms, as Bottleneck requires in
//   cluster mode), caps each minute.
// - maxConcurrent bounds how far ahead of its start a call may reserve its slot (Bottleneck books the
//   slot and the reservoir unit when the call is registered, then sleeps until its turn).

export interface LimiterSettingsInput {
  perSecond: number;
  perMinute: number;
  maxConcurrent?: number;
  /** Fraction added to 1000/perSecond; default 0.03 (3 %). */
  spacingMargin?: number;
}

export interface LimiterSettings {
  minTime: number;
  maxConcurrent: number;
  reservoir: number;
  reservoirRefreshAmount: number;
  reservoirRefreshInterval: number;
}

export const RESERVOIR_REFRESH_MS = 60_000;
export const DEFAULT_SPACING_MARGIN = 0.03;

export function limiterSettings(input: LimiterSettingsInput): LimiterSettings {
  const { perSecond, perMinute } = input;
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`perSecond must be > 0, got ${perSecond}`);
  if (!Number.isInteger(perMinute) || perMinute < 1)
    throw new RangeError(`perMinute must be an integer >= 1, got ${perMinute}`);
  const margin = input.spacingMargin ?? DEFAULT_SPACING_MARGIN;
  if (!(margin >= 0) || margin > 1) throw new RangeError(`spacingMargin must be within [0, 1], got ${margin}`);
  const maxConcurrent = input.maxConcurrent ?? Math.max(1, Math.ceil(perSecond));
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be an integer >= 1, got ${maxConcurrent}`);
  }
  return {
    minTime: Math.ceil((1000 / perSecond) * (1 + margin)),
    maxConcurrent,
    reservoir: perMinute,
    reservoirRefreshAmount: perMinute,
    reservoirRefreshInterval: RESERVOIR_REFRESH_MS,
  };
}
