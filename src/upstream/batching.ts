// Splitting per-number requests into calls of at most 40 items (reference §1.1, -18010014) and merging
// the per-batch answers back into one result. Pure: no I/O.

import { MAX_ITEMS_PER_CALL } from "./wire.js";

export function chunk<T>(items: readonly T[], size: number = MAX_ITEMS_PER_CALL): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface Merged<A, R> {
  accepted: A[];
  rejected: R[];
  /** One parsed response body per batch, in batch order. */
  raw: unknown[];
}

export function emptyMerged<A, R>(): Merged<A, R> {
  return { accepted: [], rejected: [], raw: [] };
}

export function mergeInto<A, R>(target: Merged<A, R>, batch: { accepted: A[]; rejected: R[]; raw: unknown }): void {
  target.accepted.push(...batch.accepted);
  target.rejected.push(...batch.rejected);
  target.raw.push(batch.raw);
}
