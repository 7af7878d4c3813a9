// Keeps a recent view of the 17TRACK quota so bulk registration stops before burning calls on
// -18019908 / -18019907 rejections (reference §8.5: "check getquota before bulk registration").
// getquota itself is free (§1.4), so a periodic refresh costs only limiter budget.

import type { BatchResult, Track17Client } from "./client.js";
import { isTrack17ClientError, Track17QuotaExhaustedError } from "./errors.js";
import { silentLogger, type UpstreamLogger } from "./logger.js";
import type { RegisterOutcome } from "./outcomes.js";
import { applyRegisterErrorCode, applyRegisterResult, type QuotaState, quotaVerdict } from "./quota.js";
import type { Quota, RegisterItem } from "./wire.js";

export interface QuotaGuardOptions {
  client: Pick<Track17Client, "getQuota" | "register">;
  refreshMs: number;
  logger?: UpstreamLogger;
  now?: () => number;
}

export interface QuotaSnapshot {
  quota: Quota | null;
  dailyLimitHit: boolean;
  /** Epoch ms of the last successful getquota, null before the first one. */
  refreshedAt: number | null;
  lastError: string | null;
}

export interface QuotaGuard {
  /** Reads getquota once (a failure is logged, not thrown), then every refreshMs on an unref'd timer. */
  start(): Promise<void>;
  stop(): void;
  refresh(): Promise<QuotaSnapshot>;
  snapshot(): QuotaSnapshot;
  /** Throws Track17QuotaExhaustedError when no registration can succeed right now. */
  assertCanRegister(count: number): void;
  recordRegisterResult(result: BatchResult<RegisterOutcome>): void;
  recordRegisterError(err: unknown): void;
  /** assertCanRegister + client.register + record the outcome. */
  register(items: readonly RegisterItem[]): Promise<BatchResult<RegisterOutcome>>;
}

export function createQuotaGuard(opts: QuotaGuardOptions): QuotaGuard {
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? Date.now;
  let state: QuotaState = { quota: null, dailyLimitHit: false };
  let refreshedAt: number | null = null;
  let lastError: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<QuotaSnapshot> | null = null;

  const snapshot = (): QuotaSnapshot => ({
    quota: state.quota,
    dailyLimitHit: state.dailyLimitHit,
    refreshedAt,
    lastError,
  });

  const refresh = (): Promise<QuotaSnapshot> => {
    inFlight ??= (async () => {
      try {
        const { quota } = await opts.client.getQuota();
        // A fresh answer replaces our local estimate, including a remembered daily-limit hit.
        state = { quota, dailyLimitHit: false };
        refreshedAt = now();
        lastError = null;
        if (quotaVerdict(state).ok === false) {
          logger.warn({ quota }, "17track quota exhausted or daily cap reached; registrations paused");
        }
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        logger.warn({ err }, "17track getquota failed; keeping the previous quota view");
      } finally {
        inFlight = null;
      }
      return snapshot();
    })();
    return inFlight;
  };

  const guard: QuotaGuard = {
    async start() {
      if (timer) return;
      timer = setInterval(() => void refresh(), opts.refreshMs);
      timer.unref();
      await refresh();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    refresh,
    snapshot,
    assertCanRegister(count) {
      if (count <= 0) return;
      const verdict = quotaVerdict(state);
      if (!verdict.ok) throw new Track17QuotaExhaustedError({ ...verdict, requested: count });
    },
    recordRegisterResult(result) {
      state = applyRegisterResult(state, result);
    },
    recordRegisterError(err) {
      if (!isTrack17ClientError(err)) return;
      // Batches that completed before the failure did cost quota.
      if (err.partial) {
        const accepted = err.partial.accepted as RegisterOutcome[];
        state = applyRegisterResult(state, { accepted, rejected: err.partial.rejected });
      }
      state = applyRegisterErrorCode(state, err.code);
    },
    async register(items) {
      guard.assertCanRegister(items.length);
      try {
        const result = await opts.client.register(items);
        guard.recordRegisterResult(result);
        return result;
      } catch (err) {
        guard.recordRegisterError(err);
        throw err;
      }
    },
  };
  return guard;
}
