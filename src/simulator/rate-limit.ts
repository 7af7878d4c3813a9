// 17TRACK allows 3 requests per second (§1.1); this is a rolling one-second window per API key over
// real (not simulated) time. Rejected requests do not count, so a client that backs off recovers.
export interface RateLimiter {
  allow(key: string): boolean;
  reset(): void;
}

export function createRateLimiter(perSecond: number, realNow: () => number = () => performance.now()): RateLimiter {
  const windows = new Map<string, number[]>();
  return {
    allow(key) {
      const now = realNow();
      const recent = (windows.get(key) ?? []).filter((t) => now - t < 1000);
      if (recent.length >= perSecond) {
        windows.set(key, recent);
        return false;
      }
      recent.push(now);
      windows.set(key, recent);
      return true;
    },
    reset() {
      windows.clear();
    },
  };
}
