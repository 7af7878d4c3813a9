// The simulated clock: starts at `startTime`, jumps forward on demand (control surface), and in
// "running" mode also follows real time so journeys progress while a demo runs.
export interface SimClock {
  now(): number;
  advance(ms: number): number;
  reset(): void;
  info(): { now: string; startTime: string; advancedMs: number; mode: "running" | "frozen" };
}

export function createSimClock(
  startTime: number,
  mode: "running" | "frozen",
  realNow: () => number = Date.now,
): SimClock {
  let realStart = realNow();
  let advanced = 0;
  const now = () => startTime + advanced + (mode === "running" ? realNow() - realStart : 0);
  return {
    now,
    advance(ms) {
      advanced += ms;
      return now();
    },
    reset() {
      realStart = realNow();
      advanced = 0;
    },
    info: () => ({
      now: new Date(now()).toISOString(),
      startTime: new Date(startTime).toISOString(),
      advancedMs: advanced,
      mode,
    }),
  };
}
