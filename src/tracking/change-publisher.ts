// The consumer of the change feed (tracking_changes, migrations/0004): after a shipment's change commits, its row is
// claimed here, handed to the registered handlers (cache refresh, ...), published on a Redis channel for Watch
// streams, and only then marked published. Rows are claimed in change_id order with FOR UPDATE SKIP LOCKED and the
// locks are held until the mark commits, so replicas split the feed without handling a row twice, and a crash before
// the mark releases the rows for redelivery (handlers are at-least-once and must be idempotent).
//
// Woken by NOTIFY on CHANGES_CHANNEL through a dedicated connection; a poll at start and every pollMs catches what a
// NOTIFY cannot: rows committed while no publisher listened, and batches whose handler failed.
import type { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "pino";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { within } from "../cache/bounded.js";
import { CHANGES_CHANNEL } from "./change-feed.js";

export type ChangeKind = "REGISTERED" | "UPDATED" | "DELETED";

/** One tracking_changes row. */
export interface TrackingChange {
  /** BIGSERIAL as a decimal string (pg returns int8 as text). */
  readonly changeId: string;
  readonly trackingId: string;
  readonly kind: ChangeKind;
  readonly currentStatus: string | null;
  readonly statusChanged: boolean;
  readonly newEvents: number;
  readonly createdAt: Date;
}

/** Called with each claimed batch (change_id order) before it is marked; a throw leaves the batch for redelivery. */
export type ChangeHandler = (changes: readonly TrackingChange[]) => Promise<void>;

/** The Redis channel changes are published on (JSON of TrackingChange), for WatchUpdates fan-out. */
export const CHANGES_REDIS_CHANNEL = "tracking:changes";

export interface ChangePublisherOptions {
  readonly sequelize: Sequelize;
  /** For the LISTEN connection (a pooled connection cannot be held for LISTEN). */
  readonly databaseUrl: string;
  readonly handlers: readonly ChangeHandler[];
  /** Publishes each change on redisChannel; omitted: no publishing. */
  readonly redis?: Redis;
  readonly redisChannel?: string;
  readonly logger: Pick<Logger, "warn" | "info" | "error">;
  /** Rows per claim. Default 200. */
  readonly batchSize?: number;
  /** Fallback poll, ms. Default 2,000. */
  readonly pollMs?: number;
  /** Deadline of the Redis publish pipeline, ms. Default 1,000. */
  readonly publishTimeoutMs?: number;
  /** Published rows older than this are deleted. Default 7 days (the Watch resume window). */
  readonly retentionDays?: number;
  /** How often retention runs, ms. Default 10 minutes. */
  readonly retentionEveryMs?: number;
  /** Rows deleted per retention run at most. Default 5,000. */
  readonly retentionBatch?: number;
}

export interface ChangePublisher {
  start(): Promise<void>;
  /** Stops listening and polling and waits for the batch in hand. Idempotent. */
  stop(): Promise<void>;
  /** Drains what is unpublished now (tests, shutdown); resolves the number of rows marked. */
  drain(): Promise<number>;
  /** Deletes one bounded slice of old published rows; resolves how many went. */
  prune(): Promise<number>;
}

interface ChangeRow {
  change_id: string;
  tracking_id: string;
  change_kind: ChangeKind;
  current_status: string | null;
  status_changed: boolean;
  new_events: number;
  created_at: Date;
}

const CLAIM = `
  SELECT change_id, tracking_id, change_kind, current_status, status_changed, new_events, created_at
  FROM tracking_changes WHERE published_at IS NULL
  ORDER BY change_id LIMIT $1 FOR UPDATE SKIP LOCKED`;

const MARK = `UPDATE tracking_changes SET published_at = (now() AT TIME ZONE 'UTC') WHERE change_id = ANY($1::bigint[])`;

// Walks the primary key from the oldest row: old published rows sit at the front, so the LIMIT ends the scan early.
const PRUNE = `
  DELETE FROM tracking_changes WHERE change_id IN (
    SELECT change_id FROM tracking_changes
    WHERE published_at IS NOT NULL AND published_at < (now() AT TIME ZONE 'UTC') - make_interval(days => $1)
    ORDER BY change_id LIMIT $2)`;

const toChange = (r: ChangeRow): TrackingChange => ({
  changeId: String(r.change_id),
  trackingId: r.tracking_id,
  kind: r.change_kind,
  currentStatus: r.current_status,
  statusChanged: r.status_changed,
  newEvents: r.new_events,
  createdAt: r.created_at,
});

export function createChangePublisher(options: ChangePublisherOptions): ChangePublisher {
  const { sequelize, handlers, redis, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const pollMs = options.pollMs ?? 2_000;
  const channel = options.redisChannel ?? CHANGES_REDIS_CHANNEL;
  const publishTimeoutMs = options.publishTimeoutMs ?? 1_000;
  const retentionDays = options.retentionDays ?? 7;
  const retentionEveryMs = options.retentionEveryMs ?? 10 * 60_000;
  const retentionBatch = options.retentionBatch ?? 5_000;

  let stopped = true;
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let lastPrune = 0;
  let failing = false;

  async function publish(changes: readonly TrackingChange[]): Promise<void> {
    if (!redis) return;
    try {
      const pipeline = redis.pipeline();
      for (const c of changes) pipeline.publish(channel, JSON.stringify(c));
      const results = await within(pipeline.exec(), publishTimeoutMs);
      const err = results?.find(([e]) => e !== null)?.[0];
      if (err) throw err;
    } catch (err) {
      // Watch streams resume from Postgres by change_id, so a lost publish delays them; it must not stall the feed.
      logger.warn({ err: (err as Error).message, changes: changes.length }, "change publish to redis failed");
    }
  }

  /** One claimed batch, handled and marked in one transaction; resolves the rows marked. */
  async function runBatch(): Promise<number> {
    return sequelize.transaction(async (transaction: Transaction) => {
      const rows = await sequelize.query<ChangeRow>(CLAIM, { bind: [batchSize], type: QueryTypes.SELECT, transaction });
      if (rows.length === 0) return 0;
      const changes = rows.map(toChange);
      for (const handle of handlers) await handle(changes);
      await publish(changes);
      await sequelize.query(MARK, { bind: [changes.map((c) => c.changeId)], transaction });
      return changes.length;
    });
  }

  async function drainOnce(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await runBatch();
        total += n;
        if (n < batchSize) break;
      }
      if (failing) logger.info({}, "change feed recovered");
      failing = false;
    } catch (err) {
      // The batch stays unpublished and comes back at the next poll; one log line per episode.
      if (!failing) logger.warn({ err: (err as Error).message }, "change feed batch failed; retrying at the next poll");
      failing = true;
    }
    if (Date.now() - lastPrune >= retentionEveryMs) {
      lastPrune = Date.now();
      await prune().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "change feed prune failed"));
    }
    return total;
  }

  /** Single flight: a wake-up during a drain makes it go round once more instead of starting a second one. */
  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await drainOnce();
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function prune(): Promise<number> {
    const [, meta] = await sequelize.query(PRUNE, { bind: [retentionDays, retentionBatch] });
    return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
  }

  async function listen(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({ connectionString: options.databaseUrl });
    const retry = () => {
      if (listener !== client) return;
      listener = undefined;
      client.end().catch(() => {});
      // The poll keeps the feed moving meanwhile; a drain after reconnecting picks up what was missed.
      if (!stopped) reconnectTimer = setTimeout(() => void listen(), Math.min(pollMs, 1_000)).unref();
    };
    listener = client;
    client.on("error", (err) => {
      logger.warn({ err: err.message }, "change feed listener lost; polling until it reconnects");
      retry();
    });
    client.on("end", retry);
    client.on("notification", () => void drain());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (!stopped) void drain();
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "change feed listener could not connect; polling");
      retry();
    }
  }

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      await listen();
      pollTimer = setInterval(() => void drain(), pollMs);
      pollTimer.unref();
      await drain();
    },
    async stop() {
      stopped = true;
      clearInterval(pollTimer);
      clearTimeout(reconnectTimer);
      const l = listener;
      listener = undefined;
      await l?.end().catch(() => {});
      await running?.catch(() => {});
    },
    drain,
    prune,
  };
}
