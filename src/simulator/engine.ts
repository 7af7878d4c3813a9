// The simulator's state machine: account, registrations, simulated clock, lifecycle settlement and
// webhook delivery. HTTP lives in server.ts; the endpoints receive this engine.
import type { PushPayload } from "../upstream/wire.js";
import { createSimClock, type SimClock } from "./clock.js";
import { type JourneyPlan, planJourney } from "./journeys.js";
import { autoStopAt, deleteAt } from "./lifecycle.js";
import { cutoffOf, trackInfoItem } from "./presenters.js";
import { createWebhookSender, type PushOutcome, serialisePayload, type WebhookSender } from "./push.js";
import { createRegistrationStore, type Registration, type RegistrationStore } from "./store.js";
import { visibleRevision } from "./track-info.js";
import type { SimConfig } from "./types.js";

const MINUTE = 60_000;
/** Reported retry schedule for failed pushes: 10, 30 and 60 minutes (§5.4, [R]). */
const RETRY_DELAYS = [10 * MINUTE, 30 * MINUTE, 60 * MINUTE];

export interface Account {
  quotaUsed: number;
  todayUsed: number;
  /** UTC date of the simulated clock that `todayUsed` counts. */
  day: string;
  webhookUrl: string | null;
}

export interface Counters {
  calls: Record<string, number>;
  http429: number;
  /** sent = webhook POSTs answered with HTTP 200; failed = every other outcome. */
  pushes: { sent: number; failed: number };
}

interface Retry {
  dueAt: number;
  reg: Registration;
  body: string;
  attempt: number;
}

export interface Engine {
  readonly config: SimConfig;
  readonly clock: SimClock;
  readonly store: RegistrationStore;
  readonly account: Account;
  readonly counters: Counters;
  now(): number;
  /** Applies auto-stops and 90-day deletions up to the current simulated time (§2.4). */
  settle(): void;
  /** Rolls the daily counter over when the simulated UTC date changes. */
  rollDay(): void;
  planFor(number: string, carrier: number, startedAt: number): JourneyPlan;
  /** Call after changing a registration's plan or tracking period. */
  refreshAutoStop(reg: Registration): void;
  /** Queues TRACKING_STOPPED for a number stopped by request (§2.4). */
  markStopped(reg: Registration): void;
  /** Sends TRACKING_UPDATED with the current data now (the `push` endpoint, §2.8). */
  pushCurrent(reg: Registration): Promise<PushOutcome>;
  /** Settles, pushes new data/stops and due retries; resolves when those pushes are answered. */
  tick(): Promise<void>;
  reset(): void;
  close(): void;
}

export function createEngine(config: SimConfig, initialWebhookUrl: string | null): Engine {
  const clock = createSimClock(config.startTime, config.clockMode);
  const store = createRegistrationStore();
  const account: Account = { quotaUsed: 0, todayUsed: 0, day: "", webhookUrl: initialWebhookUrl };
  const counters: Counters = { calls: {}, http429: 0, pushes: { sent: 0, failed: 0 } };
  let sender: WebhookSender = createWebhookSender(config.apiKey, config.pushTimeoutMs);
  let pendingStops: Registration[] = [];
  let pendingDeleted: Registration[] = [];
  let retries: Retry[] = [];
  const chains = new Map<Registration, Promise<void>>();
  let tickChain: Promise<void> = Promise.resolve();
  let generation = 0;

  const now = () => clock.now();

  function deliver(reg: Registration, body: string, attempt: number): Promise<PushOutcome> {
    const url = account.webhookUrl;
    const gen = generation;
    const run = async (): Promise<PushOutcome> => {
      if (!url) return { ok: false, status: 0 };
      const outcome = await sender.send(url, body);
      if (gen !== generation) return outcome; // reset() happened meanwhile: drop the record
      reg.pushTime = now();
      reg.pushStatus = outcome.ok ? "Success" : "Failure";
      reg.pushStatusCode = outcome.status === 0 ? null : outcome.status;
      if (outcome.ok) counters.pushes.sent++;
      else counters.pushes.failed++;
      config.logger[outcome.ok ? "info" : "warn"]({ number: reg.number, status: outcome.status, attempt }, "sim push");
      const delay = RETRY_DELAYS[attempt];
      if (!outcome.ok && config.pushRetry && delay !== undefined) {
        retries.push({ dueAt: now() + delay, reg, body, attempt: attempt + 1 });
      }
      return outcome;
    };
    // One chain per registration keeps its pushes in order (UPDATED before STOPPED).
    const result = (chains.get(reg) ?? Promise.resolve()).then(run);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    chains.set(reg, tail);
    void tail.then(() => {
      if (chains.get(reg) === tail) chains.delete(reg);
    });
    return result;
  }

  function updatedBody(reg: Registration): string {
    const payload: PushPayload = { event: "TRACKING_UPDATED", data: trackInfoItem(reg, now()) };
    return serialisePayload(payload);
  }

  function stoppedBody(reg: Registration): string {
    const data = { number: reg.number, carrier: reg.carrier, param: reg.param, tag: reg.tag };
    return serialisePayload({ event: "TRACKING_STOPPED", data });
  }

  const engine: Engine = {
    config,
    clock,
    store,
    account,
    counters,
    now,
    settle() {
      const t = now();
      for (const reg of store.all()) {
        if (reg.trackingStatus === "Tracking" && reg.autoStopTime <= t) {
          reg.trackingStatus = "Stopped";
          reg.stopTime = reg.autoStopTime;
          reg.stopReason = "Expired";
          pendingStops.push(reg);
        }
        if (reg.trackingStatus === "Stopped" && reg.stopTime !== null && deleteAt(reg.stopTime) <= t) {
          store.remove(reg);
          pendingDeleted.push(reg);
        }
      }
    },
    rollDay() {
      const day = new Date(now()).toISOString().slice(0, 10);
      if (day !== account.day) {
        account.day = day;
        account.todayUsed = 0;
      }
    },
    planFor: (number, carrier, startedAt) =>
      planJourney({ number, carrier, startedAt, describe: config.describeCarrier }),
    refreshAutoStop(reg) {
      reg.autoStopTime = autoStopAt(reg.plan, reg.trackingSince, Number.POSITIVE_INFINITY) ?? Number.POSITIVE_INFINITY;
    },
    markStopped(reg) {
      pendingStops.push(reg);
      void engine.tick();
    },
    pushCurrent(reg) {
      reg.pushedRevision = visibleRevision(reg.plan, cutoffOf(reg, now()));
      return deliver(reg, updatedBody(reg), 0);
    },
    tick() {
      tickChain = tickChain.then(runTick).catch((err: unknown) => config.logger.error({ err }, "sim tick failed"));
      return tickChain;
    },
    reset() {
      generation++;
      sender.abortAll();
      sender = createWebhookSender(config.apiKey, config.pushTimeoutMs);
      store.clear();
      clock.reset();
      Object.assign(account, { quotaUsed: 0, todayUsed: 0, day: "", webhookUrl: initialWebhookUrl });
      counters.calls = {};
      counters.http429 = 0;
      counters.pushes = { sent: 0, failed: 0 };
      pendingStops = [];
      pendingDeleted = [];
      retries = [];
      chains.clear();
    },
    close() {
      generation++;
      sender.abortAll();
    },
  };

  async function runTick(): Promise<void> {
    engine.settle();
    const stops = pendingStops;
    const deleted = pendingDeleted;
    pendingStops = [];
    pendingDeleted = [];
    if (!account.webhookUrl) {
      retries = [];
      return;
    }
    const t = now();
    const sends: Promise<unknown>[] = [];
    for (const reg of [...store.all(), ...deleted]) {
      const revision = visibleRevision(reg.plan, cutoffOf(reg, t));
      if (revision > reg.pushedRevision) {
        reg.pushedRevision = revision;
        sends.push(deliver(reg, updatedBody(reg), 0));
      }
    }
    for (const reg of stops) sends.push(deliver(reg, stoppedBody(reg), 0));
    const due = retries.filter((r) => r.dueAt <= t);
    retries = retries.filter((r) => r.dueAt > t);
    for (const r of due) sends.push(deliver(r.reg, r.body, r.attempt));
    await Promise.all(sends);
  }

  return engine;
}
