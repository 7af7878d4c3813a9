// The cluster-wide 17TRACK call budget: one Bottleneck limiter whose state lives in Redis, so every
// replica using the same `id` (one per 17TRACK account) shares one budget (DESIGN "Upstream limit").
// Limits and their reasons: limiter-settings.ts.

import Bottleneck from "bottleneck";
import type { Redis } from "ioredis";
import { type LimiterSettings, limiterSettings } from "./limiter-settings.js";
import { silentLogger, type UpstreamLogger } from "./logger.js";

export interface Track17LimiterOptions {
  /** Shared ioredis client; the limiter duplicates it once for its pub/sub subscriber and never closes it. */
  redis: Redis;
  /** One id per 17TRACK account: every limiter with this id shares one budget. */
  id: string;
  perSecond: number;
  perMinute: number;
  maxConcurrent?: number;
  /** See limiter-settings.ts; default 0.03. */
  spacingMargin?: number;
  /**
   * How often each limiter runs Bottleneck's heartbeat script. In cluster mode a depleted reservoir is only
   * seen as refilled when some script runs, so queued calls wait up to this long after the minute turns.
   * Default 1000 ms (Bottleneck's own default is 5000).
   */
  heartbeatMs?: number;
  /**
   * A booked slot is released after this long even if its holder died, so a crashed replica cannot keep
   * `maxConcurrent` slots forever. Bottleneck also fails a job still running past it. Default 120 000 ms.
   */
  jobExpirationMs?: number;
  /** How long stop() waits for running calls before dropping everything. Default 5000 ms. */
  stopTimeoutMs?: number;
  logger?: UpstreamLogger;
}

export interface LimiterUsage {
  /** Calls booked or running in the whole cluster. */
  running: number;
  /** Calls waiting for a slot in the whole cluster. */
  queued: number;
  /** Calls left in the current minute; null when no reservoir is set. */
  reservoir: number | null;
}

export interface Track17Limiter {
  readonly id: string;
  readonly settings: LimiterSettings;
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  usage(): Promise<LimiterUsage>;
  /** Resolves once the limiter's Redis state is initialised (rejects if Redis answered with an error). */
  ready(): Promise<void>;
  /** Drops calls still waiting, lets running ones finish, detaches from Redis. Idempotent. */
  stop(): Promise<void>;
}

/** Bottleneck's Redis keys for a limiter id (its lib/Scripts.js `allKeys`); for tests and clean-up. */
export function limiterKeys(id: string): string[] {
  return [
    "settings",
    "job_weights",
    "job_expirations",
    "job_clients",
    "client_running",
    "client_num_queued",
    "client_last_registered",
    "client_last_seen",
  ].map((k) => `b_${id}_${k}`);
}

type ScriptCallback = (err: Error | null, res: unknown) => void;
interface PatchableConnection {
  __scriptArgs__(name: string, id: string, args: unknown[], cb: ScriptCallback): unknown[];
  client: Redis;
}

/**
 * Pushes `nextRequest` to at least ARGV[1]. Bottleneck's init.lua always restarts the schedule at "now",
 * which is what we need to override after a loss (see holdAfterReinitMs below).
 */
const HOLD_NEXT_REQUEST = `
local n = tonumber(redis.call('hget', KEYS[1], 'nextRequest'))
local t = tonumber(ARGV[1])
if n ~= nil and n < t then redis.call('hset', KEYS[1], 'nextRequest', t) end
return 0`;

export interface Redis7PatchOptions {
  /**
   * After the keys were lost and Bottleneck re-created them, hold the shared schedule this long. A limiter
   * books up to `maxConcurrent` calls ahead, each with its own wait of up to maxConcurrent × minTime; those
   * bookings are forgotten with the keys but still run, so without the hold the fresh schedule would run
   * beside them and the cluster would briefly call at twice the limit (measured: 15 starts in 1 s at 10/s).
   * Not covered: init.lua also refills the per-minute reservoir, so the minute in which the keys were lost
   * may see up to 2 × perMinute calls; the per-second spacing (17TRACK's hard 3/s) still holds.
   */
  holdAfterReinitMs?: number;
}

/**
 * Redis 7 prefixes Lua error replies with "ERR ", so Bottleneck 2.19.5's self-healing
 * (`e.message === "SETTINGS_KEY_NOT_FOUND"`) never fires and, once its keys vanish (FLUSHDB, eviction,
 * a restart without persistence), every schedule() fails forever (stack.md §0 pitfall 6, §6).
 * Stripping the prefix restores the re-initialisation path.
 */
export function patchRedis7(conn: unknown, options: Redis7PatchOptions = {}): void {
  const c = conn as PatchableConnection;
  const orig = c.__scriptArgs__.bind(c);
  const hold = options.holdAfterReinitMs ?? 0;
  // Ids whose keys were found missing: the next init for them is a re-initialisation, not a first start.
  const lost = new Set<string>();
  c.__scriptArgs__ = (name, id, args, cb) =>
    orig(name, id, args, (err, res) => {
      const m = err ? /^ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT|OVERWEIGHT:.*)$/.exec(err.message) : null;
      if (err && m?.[1]) err.message = m[1];
      if (err?.message === "SETTINGS_KEY_NOT_FOUND" && name !== "heartbeat") lost.add(id);
      if (name !== "init" || err || !lost.delete(id) || hold <= 0) return cb(err, res);
      c.client.eval(HOLD_NEXT_REQUEST, 1, `b_${id}_settings`, Date.now() + hold).then(
        () => cb(null, res),
        (holdErr: Error) => cb(holdErr, null),
      );
    });
}

export function createTrack17Limiter(opts: Track17LimiterOptions): Track17Limiter {
  const logger = opts.logger ?? silentLogger;
  const settings = limiterSettings(opts);
  const jobExpirationMs = opts.jobExpirationMs ?? 120_000;

  const connection = new Bottleneck.IORedisConnection({ client: opts.redis });
  patchRedis7(connection, { holdAfterReinitMs: settings.maxConcurrent * settings.minTime });
  connection.on("error", (err) => logger.error({ err, limiterId: opts.id }, "17track limiter redis error"));

  const options: Bottleneck.ConstructorOptions & { heartbeatInterval: number } = {
    id: opts.id,
    datastore: "ioredis",
    connection,
    // Never wipe the shared state: other replicas are using it right now.
    clearDatastore: false,
    heartbeatInterval: opts.heartbeatMs ?? 1000,
    ...settings,
  };
  const limiter = new Bottleneck(options);
  limiter.on("error", (err) => logger.error({ err, limiterId: opts.id }, "17track limiter error"));

  // The first limiter of a cluster writes the settings to Redis and later ones adopt them (stack.md §6).
  // Re-apply ours so a configuration change takes effect; the current reservoir is left alone so a
  // restart never hands out a fresh minute's budget.
  const { reservoir: _initial, ...liveSettings } = settings;
  const readyPromise = limiter
    .ready()
    .then(() => limiter.updateSettings(liveSettings))
    .then(() => undefined);
  readyPromise.catch((err: unknown) => logger.error({ err, limiterId: opts.id }, "17track limiter failed to start"));

  let stopping: Promise<void> | null = null;
  // Our own handle on every scheduled call: when Redis is unreachable Bottleneck's internal locks never
  // release, so its stop() cannot drop those jobs and their promises would hang forever.
  const pending = new Set<(err: Error) => void>();
  const stoppedError = () => new Error(`17track limiter ${opts.id} stopped`);

  return {
    id: opts.id,
    settings,
    schedule<T>(fn: () => Promise<T>): Promise<T> {
      if (stopping) return Promise.reject(stoppedError());
      return new Promise<T>((resolve, reject) => {
        pending.add(reject);
        limiter
          // A job that only gets its turn after stop() began must not reach 17TRACK any more.
          .schedule({ expiration: jobExpirationMs }, () => (stopping ? Promise.reject(stoppedError()) : fn()))
          .then(resolve, reject)
          .finally(() => pending.delete(reject));
      });
    },
    async usage() {
      const [running, queued, reservoir] = await Promise.all([
        limiter.running(),
        limiter.clusterQueued(),
        limiter.currentReservoir(),
      ]);
      return { running, queued, reservoir };
    },
    ready: () => readyPromise,
    stop() {
      stopping ??= (async () => {
        const graceful = limiter
          .stop({ dropWaitingJobs: true, dropErrorMessage: `17track limiter ${opts.id} stopped` })
          .then(() => true)
          .catch((err: unknown) => {
            logger.warn({ err, limiterId: opts.id }, "17track limiter stop failed");
            return false;
          });
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<false>((r) => {
          timer = setTimeout(() => r(false), opts.stopTimeoutMs ?? 5000);
        });
        const clean = await Promise.race([graceful, gaveUp]);
        clearTimeout(timer);
        if (!clean) logger.warn({ limiterId: opts.id }, "17track limiter did not stop cleanly; dropping its calls");
        for (const reject of pending) reject(stoppedError());
        pending.clear();
        // With a passed-in connection Bottleneck only unsubscribes on disconnect. Marking the connection
        // terminated skips that UNSUBSCRIBE (it would reject unobserved inside Bottleneck when Redis is down);
        // closing the subscriber (ours) drops the subscriptions anyway. The shared client stays the caller's.
        (connection as unknown as { terminated: boolean }).terminated = true;
        await limiter.disconnect(false);
        const subscriber = (connection as unknown as { subscriber?: Redis }).subscriber;
        if (subscriber?.status === "ready") await subscriber.quit().catch(() => subscriber.disconnect());
        else subscriber?.disconnect();
      })();
      return stopping;
    },
  };
}
