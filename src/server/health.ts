// grpc.health.v1 (Check, Watch, List) for Connect, which has no health package (reference/stack.md §3).
// The overall status ("") is SERVING only while every dependency probe passes and the server is not shutting down.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  type Health,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as Status,
} from "../../gen/grpc/health/v1/health_pb.js";

export { Status as ServingStatus };

export interface HealthRegistry {
  set(service: string, status: Status): void;
  get(service: string): Status | undefined;
  /** Flips every service to NOT_SERVING for good (shutdown). */
  shutdown(): void;
  impl: ServiceImpl<typeof Health>;
}

export function createHealthRegistry(services: readonly string[]): HealthRegistry {
  const statuses = new Map<string, Status>([
    ["", Status.NOT_SERVING],
    ...services.map((s) => [s, Status.NOT_SERVING] as const),
  ]);
  const listeners = new Set<() => void>();
  let closing = false;

  function set(service: string, status: Status) {
    if (closing && status === Status.SERVING) return;
    if (statuses.get(service) === status) return;
    statuses.set(service, status);
    for (const l of listeners) l();
  }

  return {
    set,
    get: (service) => statuses.get(service),
    shutdown() {
      for (const key of statuses.keys()) set(key, Status.NOT_SERVING);
      closing = true;
      for (const l of listeners) l();
    },
    impl: {
      check(req) {
        const status = statuses.get(req.service);
        if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
        return { status };
      },
      list() {
        const out: Record<string, { status: Status }> = {};
        for (const [name, status] of statuses) out[name] = { status };
        return { statuses: out };
      },
      async *watch(req, ctx) {
        let last: Status | undefined;
        let wake: (() => void) | undefined;
        const notify = () => wake?.();
        listeners.add(notify);
        ctx.signal.addEventListener("abort", notify);
        try {
          while (!ctx.signal.aborted) {
            const current = statuses.get(req.service) ?? Status.SERVICE_UNKNOWN;
            if (current !== last) {
              last = current;
              yield create(HealthCheckResponseSchema, { status: current });
            }
            // The stream ends once the server shuts down, after telling the watcher NOT_SERVING.
            if (closing) return;
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        } finally {
          listeners.delete(notify);
          ctx.signal.removeEventListener("abort", notify);
        }
      },
    },
  };
}
