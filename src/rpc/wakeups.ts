// A coalescing wake-up signal for server streams: producers poke it any number of times, the stream awaits the next
// poke (or its own abort). Streams re-read their state from the database on each wake-up, so pokes carry no data and
// nothing can overflow.
export interface Wakeups {
  poke(): void;
  /**
   * Resolves true after a poke (immediately if one came since the last wait) or after `maxWaitMs` when given, false
   * when the signal aborts.
   */
  next(signal: AbortSignal, maxWaitMs?: number): Promise<boolean>;
}

export function createWakeups(): Wakeups {
  let pending = false;
  let resolve: ((woken: boolean) => void) | undefined;
  return {
    poke() {
      if (resolve) {
        const r = resolve;
        resolve = undefined;
        r(true);
      } else {
        pending = true;
      }
    },
    next(signal, maxWaitMs) {
      if (signal.aborted) return Promise.resolve(false);
      if (pending) {
        pending = false;
        return Promise.resolve(true);
      }
      return new Promise<boolean>((r) => {
        let timer: NodeJS.Timeout | undefined;
        const settle = (woken: boolean) => {
          resolve = undefined;
          if (timer) clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          r(woken);
        };
        const onAbort = () => settle(false);
        signal.addEventListener("abort", onAbort, { once: true });
        if (maxWaitMs !== undefined) timer = setTimeout(() => settle(true), maxWaitMs);
        resolve = settle;
      });
    },
  };
}
