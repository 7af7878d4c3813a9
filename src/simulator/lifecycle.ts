// Automatic stop and deletion rules (§2.4, HC-STOP): tracking stops 30 days after the last change,
// 15 days after delivery if nothing changes; stopped numbers are deleted 90 days after the stop.
// Pure: the times are passed in, so a clock jump of months still stops at the exact boundary.
import type { JourneyPlan } from "./journeys.js";

export const DAY_MS = 86_400_000;
export const STOP_AFTER_SILENCE_MS = 30 * DAY_MS;
export const STOP_AFTER_DELIVERY_MS = 15 * DAY_MS;
export const DELETE_AFTER_STOP_MS = 90 * DAY_MS;

/**
 * The instant tracking stops on its own, if it does so at or before `upTo`; otherwise null.
 * `since` is when tracking (re)started: registration, retrack or carrier change.
 */
export function autoStopAt(plan: JourneyPlan, since: number, upTo: number): number | null {
  const changes = [...plan.events, ...plan.statusChanges].filter((c) => c.at > since).sort((a, b) => a.at - b.at);
  let last = since;
  let status = latestStatusAt(plan, since);
  for (const change of changes) {
    const stopAt = last + silenceLimit(status);
    if (stopAt <= change.at) return stopAt <= upTo ? stopAt : null;
    last = change.at;
    status = change.status;
  }
  const stopAt = last + silenceLimit(status);
  return stopAt <= upTo ? stopAt : null;
}

export function deleteAt(stopTime: number): number {
  return stopTime + DELETE_AFTER_STOP_MS;
}

function silenceLimit(status: string): number {
  return status === "Delivered" ? STOP_AFTER_DELIVERY_MS : STOP_AFTER_SILENCE_MS;
}

function latestStatusAt(plan: JourneyPlan, at: number): string {
  let best: { at: number; status: string } | null = null;
  for (const c of [...plan.events, ...plan.statusChanges]) {
    if (c.at <= at && (best === null || c.at >= best.at)) best = c;
  }
  return best?.status ?? "NotFound";
}
