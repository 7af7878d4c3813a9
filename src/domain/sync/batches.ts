// Splitting claimed shipments into 17TRACK calls (reference §1.1: at most 40 numbers per call). Pure.
import { MAX_ITEMS_PER_CALL } from "../../upstream/wire.js";

/** Consecutive slices keep the claim's priority order: the most urgent shipments go out in the first calls. */
export function toBatches<T>(items: readonly T[], size: number = MAX_ITEMS_PER_CALL): T[][] {
  const n = Math.max(1, Math.min(Math.floor(size), MAX_ITEMS_PER_CALL));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}
