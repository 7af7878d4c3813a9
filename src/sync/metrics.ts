// In-process sync counters and the due-to-picked-up latency samples. The metrics issue exports these; the alert
// condition of PRD §3.4.3 ("alert on repeated failures") is `deadLettered` rising, logged as it happens.

export interface SyncCounters {
  claimed: number;
  synced: number;
  failed: number;
  deadLettered: number;
  delayedBatches: number;
  apiCalls: number;
}

export interface SyncMetrics {
  readonly counters: SyncCounters;
  recordPickup(latencyMs: number): void;
  /** Latest pickup latencies (bounded ring), ms. */
  pickupLatencies(): number[];
  reset(): void;
}

export function createSyncMetrics(maxSamples = 20_000): SyncMetrics {
  const counters: SyncCounters = { claimed: 0, synced: 0, failed: 0, deadLettered: 0, delayedBatches: 0, apiCalls: 0 };
  let samples: number[] = [];
  let next = 0;
  return {
    counters,
    recordPickup(ms) {
      if (samples.length < maxSamples) samples.push(ms);
      else samples[next++ % maxSamples] = ms;
    },
    pickupLatencies: () => samples.slice(),
    reset() {
      for (const k of Object.keys(counters) as (keyof SyncCounters)[]) counters[k] = 0;
      samples = [];
      next = 0;
    },
  };
}
