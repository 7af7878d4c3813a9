// One batch = one gettrackinfo call through the limiter (reference §1.1: ≤ 40 numbers), then every shipment of the
// answer ingested in its own transaction together with its job row (DESIGN data path 2).
import type { Sequelize } from "sequelize";
import type { ScheduleRule } from "../domain/sync/schedule-rule.js";
import type { Ingest } from "../tracking/ingest-port.js";
import type { Track17Client } from "../upstream/client.js";
import { numberKey } from "../upstream/outcomes.js";
import type { TrackInfoAccepted } from "../upstream/wire.js";
import type { ClaimedJob } from "./claim.js";
import { classifyBatchError, DEFAULT_DELAYS, type DelayPolicy } from "./failure.js";
import type { SyncMetrics } from "./metrics.js";
import { completeJob, delayBatch, type Failure, failJob, type OutcomeLogger } from "./outcome.js";

export interface BatchRunnerDeps {
  sequelize: Sequelize;
  client: Pick<Track17Client, "getTrackInfo">;
  ingest: Ingest;
  metrics: SyncMetrics;
  logger: OutcomeLogger;
  rules: () => Promise<ScheduleRule[]>;
  delays?: DelayPolicy;
  retryJitter?: number;
  /** Shipments of one batch ingested in parallel. Default 2. */
  ingestConcurrency?: number;
  now?: () => Date;
}

export interface BatchSummary {
  completed: number;
  failed: number;
  delayed: number;
  lost: number;
}

const key = (number: string, carrier: number | null | undefined) => `${numberKey(number)}|${carrier ?? ""}`;

export function createBatchRunner(deps: BatchRunnerDeps) {
  const now = deps.now ?? (() => new Date());
  const outcomeDeps = { ...deps };
  const ingestConcurrency = Math.max(1, deps.ingestConcurrency ?? 2);

  return async function runBatch(batch: readonly ClaimedJob[]): Promise<BatchSummary> {
    const summary: BatchSummary = { completed: 0, failed: 0, delayed: 0, lost: 0 };
    const first = batch[0];
    if (!first) return summary;
    const started = Date.now();
    const rules = await deps.rules();
    let accepted: TrackInfoAccepted[] = [];
    const rejected = new Map<string, Failure>();
    let apiMs: number | null = null;
    try {
      deps.metrics.counters.apiCalls++;
      const answer = await deps.client.getTrackInfo(
        batch.map((j) =>
          j.track17CarrierKey
            ? { number: j.trackingNumber, carrier: j.track17CarrierKey }
            : { number: j.trackingNumber },
        ),
      );
      apiMs = Date.now() - started;
      accepted = answer.accepted;
      for (const r of answer.rejected) {
        const failure = { code: String(r.code || r.reason), message: r.message, details: { reason: r.reason } };
        rejected.set(key(r.number, r.carrier), failure);
        rejected.set(key(r.number, null), failure);
      }
    } catch (err) {
      const failure = classifyBatchError(err, deps.delays ?? DEFAULT_DELAYS);
      if (failure.kind === "delay") {
        summary.delayed = await delayBatch(deps.sequelize, first.batchId, failure.delayMs, failure, now());
        deps.metrics.counters.delayedBatches++;
        deps.logger.warn(
          { batchId: first.batchId, code: failure.code, delayMs: failure.delayMs },
          "sync batch delayed",
        );
        return summary;
      }
      const timings = { apiResponseTimeMs: Date.now() - started, processingTimeMs: Date.now() - started };
      for (const job of batch) {
        const r = await failJob(outcomeDeps, job, failure, rules, timings, now());
        if (r === "lost") summary.lost++;
        else summary.failed++;
      }
      return summary;
    }

    const byKey = new Map<string, TrackInfoAccepted>();
    for (const a of accepted) {
      byKey.set(key(a.number, a.carrier), a);
      if (!byKey.has(key(a.number, null))) byKey.set(key(a.number, null), a);
    }
    const finishOne = async (job: ClaimedJob) => {
      const answer =
        byKey.get(key(job.trackingNumber, job.track17CarrierKey)) ?? byKey.get(key(job.trackingNumber, null));
      const timings = () => ({ apiResponseTimeMs: apiMs, processingTimeMs: Date.now() - started });
      if (answer) {
        try {
          const r = await completeJob(outcomeDeps, job, answer.track_info, rules, timings, now);
          if (r === "completed") summary.completed++;
          else summary.lost++;
          return;
        } catch (err) {
          deps.logger.error({ err, trackingId: job.trackingId }, "ingest of a synced shipment failed");
          const failure = { code: "INGEST_FAILED", message: (err as Error).message ?? String(err), details: {} };
          const r = await failJob(outcomeDeps, job, failure, rules, timings(), now());
          if (r === "lost") summary.lost++;
          else summary.failed++;
          return;
        }
      }
      const failure = rejected.get(key(job.trackingNumber, job.track17CarrierKey)) ??
        rejected.get(key(job.trackingNumber, null)) ?? {
          code: "MISSING_FROM_RESPONSE",
          message: "17TRACK's answer did not mention the number",
          details: {},
        };
      const r = await failJob(outcomeDeps, job, failure, rules, timings(), now());
      if (r === "lost") summary.lost++;
      else summary.failed++;
    };
    // A few shipments of the batch at once: each is its own short transaction, so this trades pool connections
    // (concurrency × ingestConcurrency at most) for throughput.
    let next = 0;
    const worker = async () => {
      while (next < batch.length) await finishOne(batch[next++] as ClaimedJob);
    };
    await Promise.all(Array.from({ length: Math.min(ingestConcurrency, batch.length) }, worker));
    return summary;
  };
}

export type RunBatch = ReturnType<typeof createBatchRunner>;
