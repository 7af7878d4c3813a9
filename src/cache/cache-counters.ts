// In-memory hit/miss counters of one process, per key family and per TTL strategy (GetCacheStatistics, issue #6).
// Per process on purpose: counting in Redis would put a write on every read, and Redis being down is exactly when
// the misses must still be counted. Replicas' figures add up in the metrics pipeline.
import { classifyKey, KEY_FAMILIES, type KeyFamilyOrOther } from "../domain/cache/keys.js";
import { CACHE_STRATEGIES, type CacheStrategy } from "../domain/cache/ttl.js";

export interface CounterSnapshot {
  readonly name: string;
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses), 0 when there were no reads. */
  readonly hitRatio: number;
}

interface Tally {
  hits: number;
  misses: number;
}

export const hitRatio = (hits: number, misses: number) => (hits + misses === 0 ? 0 : hits / (hits + misses));

export class CacheCounters {
  private readonly families = new Map<KeyFamilyOrOther, Tally>();
  private readonly strategies = new Map<CacheStrategy, Tally>();
  /** Redis calls that failed, timed out, or were not sent at all (their reads are also counted as misses). */
  errors = 0;
  timeouts = 0;
  skipped = 0;

  hit(key: string, strategy: CacheStrategy | undefined): void {
    this.tally(this.families, classifyKey(key)).hits++;
    if (strategy !== undefined) this.tally(this.strategies, strategy).hits++;
  }

  miss(key: string, strategy: CacheStrategy | undefined): void {
    this.tally(this.families, classifyKey(key)).misses++;
    if (strategy !== undefined) this.tally(this.strategies, strategy).misses++;
  }

  /** Every family and strategy, zeros included, so a dashboard sees a stable list. */
  snapshot(): { families: CounterSnapshot[]; strategies: CounterSnapshot[]; hits: number; misses: number } {
    const families = [...KEY_FAMILIES, "other" as const].map((f) => this.row(f, this.families.get(f)));
    const strategies = CACHE_STRATEGIES.map((s) => this.row(s, this.strategies.get(s)));
    const hits = families.reduce((n, f) => n + f.hits, 0);
    const misses = families.reduce((n, f) => n + f.misses, 0);
    return { families, strategies, hits, misses };
  }

  private row(name: string, t: Tally | undefined): CounterSnapshot {
    const hits = t?.hits ?? 0;
    const misses = t?.misses ?? 0;
    return { name, hits, misses, hitRatio: hitRatio(hits, misses) };
  }

  private tally<K>(map: Map<K, Tally>, key: K): Tally {
    let t = map.get(key);
    if (t === undefined) {
      t = { hits: 0, misses: 0 };
      map.set(key, t);
    }
    return t;
  }
}
