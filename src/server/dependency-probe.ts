// Probes Postgres and Redis on an interval and reports reachability to the health registry, so grpc.health.v1
// follows the dependencies (load balancers stop routing to a replica that lost its database).
import type { Logger } from "pino";
import { type HealthRegistry, ServingStatus } from "./health.js";

export interface Probe {
  name: string;
  check(): Promise<void>;
  /**
   * The services this dependency alone takes down. Absent: all of them and the overall "" status (Postgres, the
   * system of record). Redis is a cache and a coordinator: losing it degrades the CacheService, while every other
   * RPC keeps answering from Postgres, so replicas must stay in the load balancer.
   */
  services?: readonly string[];
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
    const down = new Set<string>();
    let hardDown = false;
    for (const [i, [, ok]] of results.entries()) {
      if (ok) continue;
      const scoped = opts.probes[i]?.services;
      if (scoped) for (const s of scoped) down.add(s);
      else hardDown = true;
    }
    const statusOf = (down: boolean) => (down ? ServingStatus.NOT_SERVING : ServingStatus.SERVING);
    opts.health.set("", statusOf(hardDown));
    for (const s of opts.services) opts.health.set(s, statusOf(hardDown || down.has(s)));
    return results.every(([, ok]) => ok);
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
