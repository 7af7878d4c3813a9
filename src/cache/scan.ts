// SCAN over this deployment's keys. ioredis applies keyPrefix to key arguments only: SCAN's MATCH pattern is not
// prefixed and the keys it returns carry the prefix, which a later UNLINK would prefix a second time. So the prefix
// is put (escaped) in front of the pattern here and cut off the results, and callers see keys as PRD §2.2 names them.
import type { Redis } from "ioredis";
import { escapeGlob } from "../domain/cache/keys.js";
import { within } from "./bounded.js";

export interface ScanOptions {
  /** The prefix the client applies (redis.options.keyPrefix). */
  readonly prefix: string;
  /** A glob over unprefixed keys. */
  readonly pattern: string;
  /** SCAN COUNT hint per call. */
  readonly count: number;
  /** Deadline of each SCAN call. */
  readonly timeoutMs: number;
}

/** Yields batches of unprefixed keys matching the pattern, one per SCAN call (possibly empty), until the end. */
export async function* scanKeys(redis: Redis, opts: ScanOptions): AsyncGenerator<string[]> {
  const match = escapeGlob(opts.prefix) + opts.pattern;
  let cursor = "0";
  do {
    const [next, keys] = await within(redis.scan(cursor, "MATCH", match, "COUNT", opts.count), opts.timeoutMs);
    cursor = next;
    yield keys.filter((k) => k.startsWith(opts.prefix)).map((k) => k.slice(opts.prefix.length));
  } while (cursor !== "0");
}
