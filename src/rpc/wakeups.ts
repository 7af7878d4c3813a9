// A coalescing wake-up signal for server streams: producers poke it any number of times, the stream awaits the next
// poke (or its own abort). Streams re-read their state from the database on each wake-up, so pokes carry no data and
// nothing can overflow.
export interface Wakeups {
  poke(): void;
  /** Resolves true after a poke (immediately if one came since the last wait), false when the signal aborts. */
  next(signal: AbortSignal): Promise<boolean>;
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
    next(signal) {
      if (signal.aborted) return Promise.resolve(false);
      if (pending) {
        pending = false;
        return Promise.resolve(true);
      }
      return new Promise<boolean>((r) => {
        const onAbort = () => {
          resolve = undefined;
          r(false);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        resolve = (woken) => {
          signal.removeEventListener("abort", onAbort);
          r(woken);
        };
      });
    },
  };
}
