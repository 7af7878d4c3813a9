// The in-process half of the dispatcher: claims due records whenever a batch slot is free (bounded concurrency,
// default 10 calls in flight per process), runs the batches, and sleeps until the next record is due — so a shipment
// is picked up within milliseconds of its time instead of at the next poll. The recurring Agenda job (scheduler.ts)
// kicks it too, as the safety net. Replicas split the work through SKIP LOCKED in claimDue().
import type { Sequelize } from "sequelize";
import type { ScheduleRule } from "../domain/sync/schedule-rule.js";
import type { BatchSummary, RunBatch } from "./batch-runner.js";
import { type ClaimedJob, claimDue, nextDueAt } from "./claim.js";
import type { SyncMetrics } from "./metrics.js";

export interface DispatcherOptions {
  sequelize: Sequelize;
  runBatch: RunBatch;
  rules: () => Promise<ScheduleRule[]>;
  metrics: SyncMetrics;
  logger: { error(obj: object, msg: string): void; debug?(obj: object, msg: string): void };
  /** Batches (17TRACK calls) in flight in this process. Default 10. */
  concurrency?: number;
  /** Numbers per call, ≤ 40. Default 40. */
  batchSize?: number;
  /** How long a claim holds a record before another worker may take it. Default 5 min. */
  leaseMs?: number;
  /** Longest sleep between claims when nothing is due. Default 5 s. */
  pollMs?: number;
  now?: () => Date;
}

export interface Dispatcher {
  /** Starts the claim loop (idempotent). */
  start(): void;
  /** Claims now if a slot is free (no-op before start()); resolves when this claim pass is done. */
  kick(): Promise<void>;
  /** Stops claiming and waits up to `timeoutMs` for running batches. */
  stop(timeoutMs?: number): Promise<void>;
  inFlight(): number;
  /** Resolves when nothing is running (for tests and the bench). */
  idle(): Promise<void>;
  onBatch?: (batch: readonly ClaimedJob[], summary: BatchSummary) => void;
}

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const concurrency = opts.concurrency ?? 10;
  const batchSize = opts.batchSize ?? 40;
  const leaseMs = opts.leaseMs ?? 300_000;
  const pollMs = opts.pollMs ?? 5000;
  const now = opts.now ?? (() => new Date());
  const running = new Set<Promise<void>>();
  let started = false;
  let stopped = false;
  let claiming: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  const self: Dispatcher = {
    start() {
      if (started || stopped) return;
      started = true;
      void self.kick();
    },
    kick() {
      if (stopped || !started) return Promise.resolve();
      if (claiming) {
        again = true;
        return claiming;
      }
      claiming = claimPass()
        .catch((err: unknown) => opts.logger.error({ err }, "sync dispatcher claim failed"))
        .finally(() => {
          claiming = null;
          if (again && !stopped) {
            again = false;
            void self.kick();
          } else {
            void arm();
          }
        });
      return claiming;
    },
    async stop(timeoutMs = 10_000) {
      stopped = true;
      clearTimeout(timer);
      await claiming;
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((r) => {
          t = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(t);
    },
    inFlight: () => running.size,
    idle() {
      if (running.size === 0 && !claiming) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
  };

  async function claimPass() {
    while (!stopped) {
      const free = concurrency - running.size;
      if (free <= 0) return;
      const limit = free * batchSize;
      const batches = await claimDue(opts.sequelize, {
        limit,
        leaseMs,
        batchSize,
        now: now(),
        rules: await opts.rules(),
      });
      const at = Date.now();
      let claimed = 0;
      for (const batch of batches) {
        claimed += batch.length;
        for (const j of batch) opts.metrics.recordPickup(Math.max(0, at - j.dueAt.getTime()));
        launch(batch);
      }
      opts.metrics.counters.claimed += claimed;
      if (claimed < limit) return;
    }
  }

  function launch(batch: ClaimedJob[]) {
    const p: Promise<void> = opts
      .runBatch(batch)
      .then((summary) => self.onBatch?.(batch, summary))
      .catch((err: unknown) => opts.logger.error({ err, batchId: batch[0]?.batchId }, "sync batch crashed"))
      .finally(() => {
        running.delete(p);
        if (running.size === 0 && !claiming) {
          const w = idleWaiters;
          idleWaiters = [];
          for (const r of w) r();
        }
        void self.kick();
      });
    running.add(p);
  }

  /** Sleep until the next record is due (at most pollMs); batches finishing kick earlier. */
  async function arm() {
    clearTimeout(timer);
    if (stopped || !started) return;
    if (running.size === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const r of w) r();
    }
    let wait = pollMs;
    try {
      // With every slot busy, the next finishing batch kicks; otherwise wake when the next record is due. A record
      // already due that we could not claim is held by another replica: look again shortly, not in a hot loop.
      const due = running.size < concurrency ? await nextDueAt(opts.sequelize) : null;
      if (due) {
        const untilDue = due.getTime() - now().getTime();
        wait = Math.min(pollMs, untilDue > 0 ? untilDue + 5 : 250);
      }
    } catch (err) {
      opts.logger.error({ err }, "sync dispatcher could not read the next due time");
    }
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void self.kick(), wait);
    timer.unref?.();
  }

  return self;
}
