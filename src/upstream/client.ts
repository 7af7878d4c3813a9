// The 17TRACK v2.2 client (reference §1, §2): one method per endpoint, talking to the real API or the
// simulator through the same wire format. Per-number calls are split into batches of at most 40 (§1.1),
// each batch is one limited, retried, audited call, and the answers are merged.

import type { AuditSink } from "./audit.js";
import { chunk, emptyMerged, type Merged, mergeInto } from "./batching.js";
import type { PageInfo } from "./envelope.js";
import { isTrack17ClientError } from "./errors.js";
import { type Digest, httpAttempt, type OkAnswer } from "./http-attempt.js";
import type { Track17Limiter } from "./limiter.js";
import { silentLogger, type UpstreamLogger } from "./logger.js";
import {
  type ItemSplit,
  type RegisterOutcome,
  type RejectedOutcome,
  splitItems,
  toRegisterOutcomes,
} from "./outcomes.js";
import { parseQuota } from "./quota.js";
import { type BreakerOptions, type CircuitStateName, createResilience, type RetryOptions } from "./resilience.js";
import type {
  ChangeCarrierItem,
  ChangeInfoItem,
  Endpoint,
  NumberAccepted,
  NumberItem,
  Quota,
  RegisterItem,
  TrackInfoAccepted,
  TrackListItem,
  TrackListQuery,
} from "./wire.js";

export interface Track17ClientOptions {
  /**
   * e.g. https://api.17track.net/track/v2.2 (or the simulator's base URL). A function is read per call, for a base
   * URL known only after start-up (the sandbox simulator's port).
   */
  baseUrl: string | (() => string);
  apiKey: string;
  limiter: Track17Limiter;
  audit?: AuditSink;
  /** Per attempt, excluding time queued in the limiter. Default 30 000 ms (reference §1.1). */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  logger?: UpstreamLogger;
  fetch?: typeof fetch;
}

export type BatchResult<A> = Merged<A, RejectedOutcome>;

export interface TrackListResult {
  accepted: TrackListItem[];
  page: PageInfo | null;
  raw: unknown;
}

export interface QuotaResult {
  quota: Quota;
  raw: unknown;
}

export interface Track17Client {
  register(items: readonly RegisterItem[]): Promise<BatchResult<RegisterOutcome>>;
  changeCarrier(items: readonly ChangeCarrierItem[]): Promise<BatchResult<NumberAccepted>>;
  changeInfo(items: readonly ChangeInfoItem[]): Promise<BatchResult<NumberAccepted>>;
  stopTrack(items: readonly NumberItem[]): Promise<BatchResult<NumberAccepted>>;
  retrack(items: readonly NumberItem[]): Promise<BatchResult<NumberAccepted>>;
  deleteTrack(items: readonly NumberItem[]): Promise<BatchResult<NumberAccepted>>;
  getTrackInfo(items: readonly NumberItem[]): Promise<BatchResult<TrackInfoAccepted>>;
  push(items: readonly NumberItem[]): Promise<BatchResult<NumberAccepted>>;
  getTrackList(query?: TrackListQuery): Promise<TrackListResult>;
  getQuota(): Promise<QuotaResult>;
  circuitState(): CircuitStateName;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 10_000 };
export const DEFAULT_BREAKER: BreakerOptions = { consecutiveFailures: 5, halfOpenAfterMs: 30_000 };

/**
 * Whether replaying a request 17TRACK may already have applied is harmless. register answers a replay with
 * -18019901, which we treat as success (§8.4); reads and changeinfo are idempotent; push only re-sends a
 * webhook. A replayed retrack/stoptrack/deletetrack/changecarrier would come back as a misleading state
 * rejection (-18019904, -18019906, -18019902, -18019803) or burn one of the 5 carrier changes (§8.11).
 */
const REPLAY_SAFE: Record<Endpoint, boolean> = {
  register: true,
  changecarrier: false,
  changeinfo: true,
  stoptrack: false,
  retrack: false,
  deletetrack: false,
  gettracklist: true,
  gettrackinfo: true,
  getquota: true,
  push: true,
};

function digestItems<A>(split: { accepted: A[]; rejected: RejectedOutcome[] }, raw: unknown): Digest<BatchResult<A>> {
  const { accepted, rejected } = split;
  const value = { accepted, rejected, raw: [raw] };
  if (rejected.length === 0) return { value, operationStatus: "SUCCESS", errorCode: null, errorMessage: null };
  const first = rejected[0] as RejectedOutcome;
  return {
    value,
    operationStatus: accepted.length > 0 ? "PARTIAL" : "FAILURE",
    errorCode: String(first.code),
    errorMessage: `${rejected.length} of ${accepted.length + rejected.length} item(s) rejected; first: ${first.message}`,
  };
}

export function createTrack17Client(opts: Track17ClientOptions): Track17Client {
  const logger = opts.logger ?? silentLogger;
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const base = opts.baseUrl;
  const baseUrl = () => (typeof base === "function" ? base() : base).replace(/\/+$/, "");
  const resilience = createResilience({
    limiter: opts.limiter,
    timeoutMs: opts.timeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    breaker: { ...DEFAULT_BREAKER, ...opts.breaker },
    logger,
  });

  const call = <T>(
    endpoint: Endpoint,
    payload: unknown,
    trackingNumbers: string[],
    digest: (ok: OkAnswer) => Digest<T>,
  ): Promise<T> =>
    resilience.run(endpoint, REPLAY_SAFE[endpoint], (signal) =>
      httpAttempt({
        endpoint,
        url: `${baseUrl()}/${endpoint}`,
        apiKey: opts.apiKey,
        payload,
        trackingNumbers,
        signal,
        fetchImpl,
        audit: opts.audit,
        logger,
        digest,
      }),
    );

  /** Batches sequentially, so a failure stops before spending more budget (and, for register, quota). */
  async function perNumber<I extends { number: string }, A>(
    endpoint: Endpoint,
    items: readonly I[],
    shape: (split: ItemSplit, batch: readonly I[]) => { accepted: A[]; rejected: RejectedOutcome[] },
  ): Promise<BatchResult<A>> {
    const merged = emptyMerged<A, RejectedOutcome>();
    for (const batch of chunk(items)) {
      const numbers = batch.map((i) => i.number);
      try {
        const result = await call(endpoint, batch, numbers, (ok) =>
          digestItems(shape(splitItems(ok.data, numbers), batch), ok.body),
        );
        mergeInto(merged, { accepted: result.accepted, rejected: result.rejected, raw: result.raw[0] });
      } catch (err) {
        if (isTrack17ClientError(err) && merged.raw.length > 0) {
          err.partial = { accepted: merged.accepted, rejected: merged.rejected };
        }
        throw err;
      }
    }
    return merged;
  }

  const plain = <A>(split: ItemSplit) => ({ accepted: split.accepted as A[], rejected: split.rejected });

  return {
    register: (items) => perNumber("register", items, (split, batch) => toRegisterOutcomes(split, batch)),
    changeCarrier: (items) => perNumber("changecarrier", items, plain<NumberAccepted>),
    changeInfo: (items) => perNumber("changeinfo", items, plain<NumberAccepted>),
    stopTrack: (items) => perNumber("stoptrack", items, plain<NumberAccepted>),
    retrack: (items) => perNumber("retrack", items, plain<NumberAccepted>),
    deleteTrack: (items) => perNumber("deletetrack", items, plain<NumberAccepted>),
    getTrackInfo: (items) => perNumber("gettrackinfo", items, plain<TrackInfoAccepted>),
    push: (items) => perNumber("push", items, plain<NumberAccepted>),
    getTrackList: (query = {}) =>
      call("gettracklist", query, query.number ? [query.number] : [], (ok) => ({
        value: { accepted: splitItems(ok.data, []).accepted as TrackListItem[], page: ok.page, raw: ok.body },
        operationStatus: "SUCCESS",
        errorCode: null,
        errorMessage: null,
      })),
    // §1.1: getquota takes no parameters; clients send [] or {}.
    getQuota: () =>
      call("getquota", {}, [], (ok) => ({
        value: { quota: parseQuota(ok.data), raw: ok.body },
        operationStatus: "SUCCESS",
        errorCode: null,
        errorMessage: null,
      })),
    circuitState: () => resilience.circuitState(),
  };
}
