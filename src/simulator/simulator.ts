// Composition of the simulator: engine + HTTP surface + control + listener, with an idempotent close()
// that also ends hanging requests and in-flight webhooks (STYLE §7).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ClockInfo,
  type CountersSnapshot,
  createControlRoute,
  type FaultInput,
  type ShipmentView,
  type SimControl,
} from "./control.js";
import { createEngine } from "./engine.js";
import { createFaults } from "./faults.js";
import { createRateLimiter } from "./rate-limit.js";
import { applyScript, type ShipmentScript } from "./script.js";
import { createApiServer } from "./server.js";
import type { Registration } from "./store.js";
import { formatUtc } from "./time-format.js";
import { resolveConfig, type SimulatorOptions } from "./types.js";

export interface Simulator extends SimControl {
  /** Starts listening; resolves to the base URL, e.g. "http://127.0.0.1:40123". */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Base URL once listening. */
  readonly url: string | undefined;
  /** The request handler, to mount the simulator in another node:http server. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Current simulated time. */
  now(): Date;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const config = resolveConfig(options, Date.now());
  const engine = createEngine(config, options.webhookUrl ?? null);
  const faults = createFaults();
  const limiter = createRateLimiter(config.ratePerSecond);
  let server: Server | undefined;
  let url: string | undefined;
  let closing: Promise<void> | undefined;

  const view = (reg: Registration): ShipmentView => {
    const now = engine.now();
    const cutoff = reg.trackingStatus === "Stopped" && reg.stopTime !== null ? reg.stopTime : now;
    return {
      number: reg.number,
      carrier: reg.carrier,
      kind: reg.plan.kind,
      trackingStatus: reg.trackingStatus,
      events: reg.plan.events.map((e) => ({
        at: formatUtc(e.at),
        status: e.status,
        subStatus: e.subStatus,
        stage: e.stage,
        description: e.description,
        providerKey: e.providerKey,
        visible: e.at <= cutoff,
      })),
    };
  };

  const control: SimControl = {
    clock: (): ClockInfo => engine.clock.info(),
    async advanceClock(ms) {
      engine.clock.advance(ms);
      await engine.tick();
      return engine.clock.info();
    },
    async scriptShipment(number: string, script: ShipmentScript) {
      engine.settle();
      const regs = engine.store
        .find(number)
        .filter((r) => script.carrier === undefined || r.carrier === script.carrier);
      const reg = regs[0];
      if (!reg) return undefined;
      reg.plan = applyScript(reg.plan, engine.now(), script, reg.carrier, config.describeCarrier);
      engine.refreshAutoStop(reg);
      await engine.tick();
      return view(reg);
    },
    shipment(number, carrier) {
      engine.settle();
      const reg = engine.store.find(number).find((r) => carrier === undefined || r.carrier === carrier);
      return reg ? view(reg) : undefined;
    },
    addFault: (fault: FaultInput) =>
      faults.add({ kind: fault.kind, count: fault.count ?? 1, endpoint: fault.endpoint, ms: fault.ms ?? 1000 }),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    counters(): CountersSnapshot {
      const c = engine.counters;
      return {
        calls: { ...c.calls },
        http429: c.http429,
        quotaUsed: engine.account.quotaUsed,
        registered: engine.store.size,
        pushes: { ...c.pushes },
      };
    },
    reset() {
      engine.reset();
      faults.clear();
      limiter.reset();
    },
    setWebhookUrl(next) {
      engine.account.webhookUrl = next;
    },
  };

  const api = createApiServer({ engine, faults, limiter, control: createControlRoute(control) });

  // §5.2: pushes follow new data; with a running clock data appears without any request, so poll.
  const timer = setInterval(() => {
    if (engine.account.webhookUrl) void engine.tick();
  }, config.pushIntervalMs);
  timer.unref();

  return {
    ...control,
    handler: api.handler,
    get url() {
      return url;
    },
    now: () => new Date(engine.now()),
    listen(port = 0, host = "127.0.0.1") {
      if (server) return Promise.reject(new Error("simulator is already listening"));
      const s = createServer(api.handler);
      server = s;
      return new Promise<string>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, host, () => {
          const address = s.address() as AddressInfo;
          const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
          url = `http://${shownHost}:${address.port}`;
          config.logger.info({ url }, "17TRACK simulator listening");
          resolve(url);
        });
      });
    },
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        api.abortActive();
        engine.close();
        const s = server;
        if (!s) return;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
