// The `/_sim/*` control surface (outside 17TRACK's paths, no `17token`): clock, scripted shipments,
// faults, counters, reset, webhook URL (§9 "time control … test hook"). Each route maps to one
// method of SimControl, which the Simulator also exposes programmatically.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultSpec } from "./faults.js";
import { parseFault } from "./faults.js";
import { parseJson, readBody, sendJson } from "./http-io.js";
import { parseScript, type ShipmentScript } from "./script.js";
import type { ControlRoute } from "./server.js";

export interface CountersSnapshot {
  calls: Record<string, number>;
  http429: number;
  quotaUsed: number;
  /** Registrations currently held (deleted and auto-deleted ones excluded). */
  registered: number;
  pushes: { sent: number; failed: number };
}

export interface ClockInfo {
  now: string;
  startTime: string;
  advancedMs: number;
  mode: "running" | "frozen";
}

export interface ShipmentView {
  number: string;
  carrier: number;
  kind: string;
  trackingStatus: "Tracking" | "Stopped";
  events: {
    at: string;
    status: string;
    subStatus: string;
    stage: string | null;
    description: string;
    providerKey: number;
    visible: boolean;
  }[];
}

export interface FaultInput {
  kind: FaultSpec["kind"];
  count?: number;
  endpoint?: string;
  ms?: number;
}

export interface SimControl {
  clock(): ClockInfo;
  /** Moves the simulated clock forward, then applies auto-stops and sends due webhooks. */
  advanceClock(ms: number): Promise<ClockInfo>;
  /** Replaces the not-yet-visible future of a registered shipment; undefined when not registered. */
  scriptShipment(number: string, script: ShipmentScript): Promise<ShipmentView | undefined>;
  shipment(number: string, carrier?: number): ShipmentView | undefined;
  addFault(fault: FaultInput): void;
  clearFaults(): void;
  faults(): FaultSpec[];
  counters(): CountersSnapshot;
  /** Wipes registrations, quota, counters, faults; the clock returns to its start. */
  reset(): void;
  setWebhookUrl(url: string | null): void;
}

async function jsonBody(req: IncomingMessage): Promise<{ value: unknown } | { error: true }> {
  return parseJson(await readBody(req));
}

export function createControlRoute(control: SimControl): ControlRoute {
  return async (req, res: ServerResponse, path) => {
    const method = req.method ?? "GET";
    const bad = (message: string) => sendJson(res, 400, { error: message });
    const shipment = /^\/_sim\/shipments\/([^/]+)(\/script)?$/.exec(path);
    if (shipment) {
      const number = decodeURIComponent(shipment[1] ?? "");
      if (!shipment[2] && method === "GET") {
        const view = control.shipment(number);
        return view ? sendJson(res, 200, view) : sendJson(res, 404, { error: "not registered" });
      }
      if (shipment[2] && method === "POST") {
        const body = await jsonBody(req);
        const script = "error" in body ? { error: "invalid JSON" } : parseScript(body.value);
        if (script.error !== undefined) return bad(script.error);
        const view = await control.scriptShipment(number, script.value);
        return view ? sendJson(res, 200, view) : sendJson(res, 404, { error: "not registered" });
      }
    }
    const route = `${method} ${path}`;
    switch (route) {
      case "GET /_sim/clock":
        return sendJson(res, 200, control.clock());
      case "POST /_sim/clock/advance": {
        const body = await jsonBody(req);
        const ms = "error" in body ? undefined : (body.value as { ms?: unknown } | undefined)?.ms;
        if (typeof ms !== "number" || !(ms >= 0)) return bad("ms must be a number >= 0");
        return sendJson(res, 200, await control.advanceClock(ms));
      }
      case "POST /_sim/faults": {
        const body = await jsonBody(req);
        const fault = "error" in body ? { error: "invalid JSON" } : parseFault(body.value);
        if (fault.error !== undefined) return bad(fault.error);
        control.addFault(fault.value);
        return sendJson(res, 200, { faults: control.faults() });
      }
      case "GET /_sim/faults":
        return sendJson(res, 200, { faults: control.faults() });
      case "DELETE /_sim/faults":
        control.clearFaults();
        return sendJson(res, 200, { faults: [] });
      case "GET /_sim/counters":
        return sendJson(res, 200, control.counters());
      case "POST /_sim/reset":
        req.resume();
        control.reset();
        return sendJson(res, 200, { ok: true });
      case "POST /_sim/webhook": {
        const body = await jsonBody(req);
        const url = "error" in body ? undefined : (body.value as { url?: unknown } | undefined)?.url;
        if (url !== null && typeof url !== "string") return bad("url must be a string or null");
        control.setWebhookUrl(url);
        return sendJson(res, 200, { url });
      }
      default:
        req.resume();
        return sendJson(res, 404, { error: `no control route ${route}` });
    }
  };
}
