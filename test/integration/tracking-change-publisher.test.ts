// The change-feed publisher on a real database and Redis: order, marking, NOTIFY wake-up, redelivery after a failed
// (rolled back) batch and after a publisher whose connection died mid-batch, two publishers on one feed never
// handling a row twice, Redis publish failures not blocking the feed, and bounded retention.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { QueryTypes, type Sequelize } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRedis } from "../../src/cache/redis.js";
import { createSequelize } from "../../src/store/sequelize.js";
import { CHANGES_CHANNEL } from "../../src/tracking/change-feed.js";
import {
  CHANGES_REDIS_CHANNEL,
  type ChangeHandler,
  type ChangePublisher,
  type ChangePublisherOptions,
  createChangePublisher,
  type TrackingChange,
} from "../../src/tracking/change-publisher.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from "../support/redis.js";

const logger = pino({ level: "silent" });
let db: TestDatabase;
const prefix = uniquePrefix("change_pub");
const redisClients: Redis[] = [];
const publishers: ChangePublisher[] = [];
const pools: Sequelize[] = [];

test.before(async () => {
  db = await createTestDatabase("change_publisher");
});

test.after(async () => {
  for (const p of publishers) await p.stop();
  for (const r of redisClients) r.disconnect();
  for (const s of pools) await s.close();
  await deleteKeysWithPrefix(prefix);
  await db?.drop();
});

test.before.each(async () => {
  await db.sequelize.query("DELETE FROM tracking_changes");
});

function redis(url = TEST_REDIS_URL): Redis {
  const r = createRedis({ url, keyPrefix: prefix, logger });
  redisClients.push(r);
  return r;
}

function publisher(handlers: ChangeHandler[], opts: Partial<ChangePublisherOptions> = {}): ChangePublisher {
  const p = createChangePublisher({
    sequelize: db.sequelize,
    databaseUrl: db.databaseUrl,
    handlers,
    logger,
    pollMs: 60_000,
    ...opts,
  });
  publishers.push(p);
  return p;
}

async function insertChanges(n: number, notify = false): Promise<string[]> {
  const rows = await db.sequelize.query<{ id: string }>(
    `INSERT INTO tracking_changes (tracking_id, change_kind, current_status, status_changed, new_events)
     SELECT $1::uuid, 'UPDATED', 'IN_TRANSIT', true, 1 FROM generate_series(1, $2) RETURNING change_id::text AS id`,
    { bind: [randomUUID(), n], type: QueryTypes.SELECT },
  );
  if (notify) await db.sequelize.query(`SELECT pg_notify('${CHANGES_CHANNEL}', 'x')`);
  return rows.map((r) => r.id);
}

async function unpublished(): Promise<number> {
  const [row] = await db.sequelize.query<{ n: string }>(
    "SELECT count(*) AS n FROM tracking_changes WHERE published_at IS NULL",
    { type: QueryTypes.SELECT },
  );
  return Number(row?.n);
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("drain hands rows to every handler in change_id order, in batches, then marks them", async () => {
  const ids = await insertChanges(25);
  const seenA: string[] = [];
  const seenB: string[] = [];
  const batches: number[] = [];
  const p = publisher(
    [
      async (cs) => {
        batches.push(cs.length);
        seenA.push(...cs.map((c) => c.changeId));
      },
      async (cs) => void seenB.push(...cs.map((c) => c.changeId)),
    ],
    { batchSize: 10 },
  );
  assert.is(await p.drain(), 25);
  assert.equal(seenA, ids);
  assert.equal(seenB, ids);
  assert.equal(batches, [10, 10, 5]);
  assert.is(await unpublished(), 0);
  assert.is(await p.drain(), 0, "nothing is handed over twice");
});

test("each change is published as JSON on the Redis channel", async () => {
  const sub = redis();
  const got: TrackingChange[] = [];
  // ioredis does not prefix channel names.
  await sub.subscribe(CHANGES_REDIS_CHANNEL);
  sub.on("message", (_ch, msg) => got.push(JSON.parse(msg) as TrackingChange));
  const ids = await insertChanges(3);
  await publisher([], { redis: redis() }).drain();
  await until(() => got.filter((c) => ids.includes(c.changeId)).length === 3);
  const first = got.find((c) => c.changeId === ids[0]);
  assert.is(first?.kind, "UPDATED");
  assert.is(first?.currentStatus, "IN_TRANSIT");
  assert.is(first?.statusChanged, true);
  assert.is(first?.newEvents, 1);
});

test("a Redis publish failure is logged and the rows are still marked", async () => {
  const warnings: string[] = [];
  const dead = redis("redis://127.0.0.1:1");
  await insertChanges(4);
  const p = publisher([], {
    redis: dead,
    publishTimeoutMs: 200,
    logger: { info() {}, error() {}, warn: (_o: object, m: string) => void warnings.push(m) } as never,
  });
  assert.is(await p.drain(), 4);
  assert.is(await unpublished(), 0);
  assert.ok(warnings.some((w) => /publish/.test(w)));
});

test("a handler failure rolls the batch back: the same rows come again, in order, at the next drain", async () => {
  const ids = await insertChanges(5);
  let fail = true;
  const seen: string[][] = [];
  const p = publisher([
    async (cs) => {
      seen.push(cs.map((c) => c.changeId));
      if (fail) throw new Error("boom");
    },
  ]);
  assert.is(await p.drain(), 0);
  assert.is(await unpublished(), 5);
  fail = false;
  assert.is(await p.drain(), 5);
  assert.equal(seen, [ids, ids]);
  assert.is(await unpublished(), 0);
});

test("a publisher whose connection dies before marking leaves its rows to be redelivered", async () => {
  const ids = await insertChanges(3);
  // Its own pool, so its claiming session can be killed like a crashed process's.
  const doomed = createSequelize({ databaseUrl: db.databaseUrl, poolMax: 2 });
  pools.push(doomed);
  const p = publisher(
    [
      async () => {
        await db.sequelize.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
        );
        await new Promise((r) => setTimeout(r, 100));
      },
    ],
    { sequelize: doomed },
  );
  assert.is(await p.drain(), 0, "the mark never committed");
  assert.is(await unpublished(), 3);
  const seen: string[] = [];
  assert.is(await publisher([async (cs) => void seen.push(...cs.map((c) => c.changeId))]).drain(), 3);
  assert.equal(seen, ids);
});

test("two publishers on one feed split it without handling any row twice", async () => {
  const ids = await insertChanges(600);
  const a: string[] = [];
  const b: string[] = [];
  const slow = (into: string[]): ChangeHandler => {
    return async (cs) => {
      into.push(...cs.map((c) => c.changeId));
      await new Promise((r) => setTimeout(r, 5));
    };
  };
  const other = createSequelize({ databaseUrl: db.databaseUrl, poolMax: 3 });
  pools.push(other);
  const p1 = publisher([slow(a)], { batchSize: 20 });
  const p2 = publisher([slow(b)], { batchSize: 20, sequelize: other });
  const [n1, n2] = await Promise.all([p1.drain(), p2.drain()]);
  assert.is(n1 + n2, 600);
  assert.ok(n1 > 0 && n2 > 0, `both took part (${n1}, ${n2})`);
  const all = [...a, ...b];
  assert.is(new Set(all).size, all.length, "no row twice");
  assert.equal(new Set(all), new Set(ids));
  assert.is(await unpublished(), 0);
});

test("start drains what was left, and a NOTIFY wakes it without waiting for the poll", async () => {
  const before = await insertChanges(2);
  const seen: string[] = [];
  const p = publisher([async (cs) => void seen.push(...cs.map((c) => c.changeId))]);
  await p.start();
  assert.equal(seen, before);
  const after = await insertChanges(1, true);
  await until(() => seen.length === 3, 3_000);
  assert.equal(seen.slice(2), after);
  await p.stop();
});

test("prune deletes old published rows only, a bounded slice at a time", async () => {
  await insertChanges(5);
  const p = publisher([], { retentionBatch: 3, retentionDays: 7 });
  await p.drain();
  await db.sequelize.query("UPDATE tracking_changes SET published_at = published_at - interval '8 days'");
  const fresh = await insertChanges(2);
  await p.drain();
  const unpub = await insertChanges(1);
  await db.sequelize.query("UPDATE tracking_changes SET created_at = created_at - interval '30 days'");
  assert.is(await p.prune(), 3);
  assert.is(await p.prune(), 2);
  assert.is(await p.prune(), 0);
  const left = await db.sequelize.query<{ id: string }>(
    "SELECT change_id::text AS id FROM tracking_changes ORDER BY change_id",
    { type: QueryTypes.SELECT },
  );
  assert.equal(
    left.map((r) => r.id),
    [...fresh, ...unpub],
  );
});

test.run();
