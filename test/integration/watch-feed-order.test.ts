// The change feed never lets a change slip in front of a position a reader already passed: a transaction that wrote
// a change and commits late holds back every later change until it ends, then both come in (tx, change) order.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createWatchReads } from "../../src/store/watch-reads.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let db: TestDatabase;
test.before(async () => {
  db = await createTestDatabase("watch_feed_order");
});
test.after(() => db.drop());

const insert = `INSERT INTO tracking_changes (tracking_id, change_kind, current_status)
  VALUES (gen_random_uuid(), 'UPDATED', 'IN_TRANSIT') RETURNING change_id`;

test("a slow committer's change is neither skipped nor delivered before the changes after it", async () => {
  const reads = createWatchReads(db.sequelize);
  const start = await reads.head();
  const slow = await db.sequelize.transaction();
  await db.sequelize.query(insert, { transaction: slow });
  await db.sequelize.query(insert); // a later transaction, committed at once
  assert.equal(await reads.changesAfter(start, 10), [], "held back while an older writer is still open");
  await slow.commit();
  const rows = await reads.changesAfter(start, 10);
  assert.is(rows.length, 2);
  assert.ok(BigInt(rows[0]?.txId ?? 0) < BigInt(rows[1]?.txId ?? 0), "in transaction order");
  assert.equal(await reads.changesAfter(rows[1] as { txId: string; changeId: string }, 10), []);
  assert.is(await reads.kept(rows[0] as { txId: string; changeId: string }), true);
  assert.is(await reads.kept({ txId: "1", changeId: "1" }), false);
});

test.run();
