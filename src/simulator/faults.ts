// Injected failures for the next N matching 17TRACK calls (control surface): what a client must survive
// from the real service and the network between (§1.2 HTTP codes, timeouts, broken bodies).
import type { Parsed } from "./script.js";

export const FAULT_KINDS = ["latency", "http500", "http503", "http429", "malformed", "hang"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching calls it affects (default 1). */
  count: number;
  /** Only calls to this endpoint (e.g. "gettrackinfo"); every endpoint when absent. */
  endpoint?: string;
  /** Delay for "latency" (default 1000 ms). */
  ms: number;
}

export interface Faults {
  add(spec: FaultSpec): void;
  /** Consumes one use of the first fault matching the endpoint. */
  take(endpoint: string): FaultSpec | undefined;
  list(): FaultSpec[];
  clear(): void;
}

export function parseFault(body: unknown): Parsed<FaultSpec> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { error: "body must be an object" };
  const b = body as Record<string, unknown>;
  if (!FAULT_KINDS.includes(b.kind as FaultKind)) return { error: `kind must be one of ${FAULT_KINDS.join(", ")}` };
  if (b.count !== undefined && !(Number.isInteger(b.count) && (b.count as number) > 0)) {
    return { error: "count must be a positive integer" };
  }
  if (b.endpoint !== undefined && typeof b.endpoint !== "string") return { error: "endpoint must be a string" };
  if (b.ms !== undefined && !(typeof b.ms === "number" && b.ms >= 0)) return { error: "ms must be >= 0" };
  return {
    value: {
      kind: b.kind as FaultKind,
      count: (b.count as number | undefined) ?? 1,
      endpoint: b.endpoint as string | undefined,
      ms: (b.ms as number | undefined) ?? 1000,
    },
  };
}

export function createFaults(): Faults {
  let faults: FaultSpec[] = [];
  return {
    add(spec) {
      faults.push({ ...spec });
    },
    take(endpoint) {
      const hit = faults.find((f) => f.endpoint === undefined || f.endpoint === endpoint);
      if (!hit) return undefined;
      hit.count--;
      if (hit.count <= 0) faults = faults.filter((f) => f !== hit);
      return { ...hit };
    },
    list: () => faults.map((f) => ({ ...f })),
    clear() {
      faults = [];
    },
  };
}
