// Probes Postgres and Redis on an interval and reports reachability to the health registry, so grpc.health.v1
// follows the dependencies (load balancers stop routing to a replica that lost its database).
import type { Logger } from "pino";
import { type HealthRegistry, ServingStatus } from "./health.js";

export interface Probe {
  name: string;
  check(): Promise<void>;
}

export function startDependencyProbes(opts: {
  probes: Probe[];
  health: HealthRegistry;
  services: readonly string[];
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
}): { stop(): void; runOnce(): Promise<boolean> } {
  const state = new Map<string, boolean>();
  let timer: NodeJS.Timeout | undefined;

  const withTimeout = (p: Promise<void>) =>
    Promise.race([
      p,
      new Promise<void>((_, reject) => setTimeout(() => reject(new Error("probe timed out")), opts.timeoutMs).unref()),
    ]);

  async function runOnce(): Promise<boolean> {
    const results = await Promise.all(
      opts.probes.map(async (p) => {
        try {
          await withTimeout(p.check());
          return [p.name, true] as const;
        } catch (err) {
          return [p.name, false, err] as const;
        }
      }),
    );
    for (const [name, ok, err] of results) {
      if (state.get(name) !== ok) {
        if (ok) opts.logger.info({ dependency: name }, "dependency reachable");
        else opts.logger.warn({ dependency: name, err: (err as Error)?.message }, "dependency unreachable");
      }
      state.set(name, ok);
    }
    const healthy = results.every(([, ok]) => ok);
    const status = healthy ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    opts.health.set("", status);
    for (const s of opts.services) opts.health.set(s, status);
    return healthy;
  }

  const loop = () => {
    timer = setTimeout(() => void runOnce().finally(() => timer && loop()), opts.intervalMs);
    timer.unref();
  };
  loop();
  return {
    runOnce,
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
