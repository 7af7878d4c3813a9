// The migrator on real Postgres (STYLE §9): up, down, up on an empty database; database creation (also racing);
// the advisory lock serialising concurrent runs; migrations found relative to the repo, not the working directory.
import { tmpdir } from "node:os";
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { withAdvisoryLock } from "../../src/store/advisory-lock.js";
import { ensureDatabase } from "../../src/store/ensure-database.js";
import { createMigrator, MIGRATION_LOCK_KEY, migrateDown, migrateUp } from "../../src/store/migrator.js";
import { createSequelize } from "../../src/store/sequelize.js";
import { adminQuery, dropDatabase, testDatabaseUrl, uniqueDatabaseName } from "../support/db.js";

const PRD_TABLES = [
  "api_audit_log",
  "carriers",
  "event_notifications",
  "status_cache",
  "sync_jobs",
  "sync_schedule_config",
  "tracking_events",
  "tracking_records",
];

const created: string[] = [];

/** A database name that does not exist yet; dropped after the suite. */
function freshDatabase(label: string): { name: string; url: string } {
  const name = uniqueDatabaseName(`store_migrations_${label}`);
  created.push(name);
  return { name, url: testDatabaseUrl(name) };
}

async function exists(name: string): Promise<boolean> {
  return (await adminQuery("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length === 1;
}

async function tablesOf(url: string): Promise<string[]> {
  const sequelize = createSequelize({ databaseUrl: url, poolMax: 1 });
  try {
    // Aliased on purpose: Sequelize rewrites the rows of any query starting "SELECT table_name FROM
    // information_schema.tables" (its own showAllTables) into arrays, whatever `type` says.
    const rows = await sequelize.query<{ table_name: string }>(
      "SELECT table_name AS table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      { type: QueryTypes.SELECT },
    );
    return rows.map((r) => r.table_name);
  } finally {
    await sequelize.close();
  }
}

/** Later migrations may add tables of their own (DESIGN: additions only); the PRD's eight must all be there. */
function assertHasPrdTables(tables: readonly string[]): void {
  const missing = [...PRD_TABLES, "sequelize_meta"].filter((t) => !tables.includes(t));
  assert.equal(missing, [], `tables missing after up: ${missing.join(", ")}`);
}

async function allMigrationNames(): Promise<string[]> {
  // pending() on a database with no history lists every migration file, in order.
  const { url } = freshDatabase("list");
  await ensureDatabase(url);
  const sequelize = createSequelize({ databaseUrl: url, poolMax: 1 });
  try {
    return (await createMigrator({ sequelize }).pending()).map((m) => m.name);
  } finally {
    await sequelize.close();
  }
}

test.after(async () => {
  for (const name of created) await dropDatabase(name);
});

test("migrations are numbered NNNN-verb-object and start with the PRD schema", async () => {
  const names = await allMigrationNames();
  assert.ok(names.length >= 2, `found ${names.join(", ")}`);
  assert.is(names[0], "0001-create-prd-schema");
  assert.is(names[1], "0002-add-carrier-track17-columns");
  for (const [i, name] of names.entries()) {
    assert.match(name, /^\d{4}-[a-z0-9]+(-[a-z0-9]+)+$/);
    assert.is(name.slice(0, 4), String(i + 1).padStart(4, "0"), "numbers are consecutive");
  }
});

test("up on a missing database creates it, then down (all) and up again work", async () => {
  const { name, url } = freshDatabase("cycle");
  const all = await allMigrationNames();
  assert.not.ok(await exists(name));

  assert.equal(await migrateUp({ databaseUrl: url }), all);
  assert.ok(await exists(name), "migrateUp created the database");
  const migrated = await tablesOf(url);
  assertHasPrdTables(migrated);
  assert.equal(await migrateUp({ databaseUrl: url }), [], "a second up has nothing to do");

  assert.equal(await migrateDown({ databaseUrl: url, all: true }), [...all].reverse());
  assert.equal(await tablesOf(url), ["sequelize_meta"], "down (all) removes every PRD table");

  assert.equal(await migrateUp({ databaseUrl: url }), all);
  assert.equal(await tablesOf(url), migrated, "up again restores the same tables");
});

test("down without `all` undoes only the last migration, and up re-applies it", async () => {
  const { url } = freshDatabase("step");
  const all = await allMigrationNames();
  await migrateUp({ databaseUrl: url });
  assert.equal(await migrateDown({ databaseUrl: url }), [all[all.length - 1]]);
  assert.equal(await migrateUp({ databaseUrl: url }), [all[all.length - 1]]);
});

test("ensureDatabase tolerates several processes creating the same database at once", async () => {
  const { name, url } = freshDatabase("race");
  const results = await Promise.all(Array.from({ length: 6 }, () => ensureDatabase(url)));
  assert.is(results.filter(Boolean).length, 1, "exactly one call created it");
  assert.ok(await exists(name));
});

test("two concurrent migrateUp calls on the same new database both succeed, each migration applied once", async () => {
  const { url } = freshDatabase("concurrent");
  const all = await allMigrationNames();
  const [a, b] = await Promise.all([migrateUp({ databaseUrl: url }), migrateUp({ databaseUrl: url })]);
  assert.equal([...a, ...b].sort(), [...all].sort(), "together they applied every migration exactly once");
  const sequelize = createSequelize({ databaseUrl: url, poolMax: 1 });
  try {
    const rows = await sequelize.query<{ name: string }>("SELECT name FROM sequelize_meta ORDER BY name", {
      type: QueryTypes.SELECT,
    });
    assert.equal(
      rows.map((r) => r.name),
      all,
    );
  } finally {
    await sequelize.close();
  }
});

test("migrateUp waits for the advisory lock held by another session", async () => {
  const { url } = freshDatabase("lock");
  await ensureDatabase(url);
  let migrated = false;
  let running: Promise<string[]> | undefined;
  await withAdvisoryLock({ databaseUrl: url, key: MIGRATION_LOCK_KEY }, async () => {
    running = migrateUp({ databaseUrl: url }).then((names) => {
      migrated = true;
      return names;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.not.ok(migrated, "migrateUp ran while another session held the migration lock");
  });
  assert.ok((await running)?.length, "migrateUp ran once the lock was released");
  assert.ok(migrated);
});

test("a failing migration run releases the lock and its connections", async () => {
  // Unreachable database name characters are fine; an invalid URL makes the run fail before umzug starts.
  const { name, url } = freshDatabase("fail");
  await ensureDatabase(url);
  await adminQuery(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
  try {
    await migrateUp({ databaseUrl: url });
    assert.unreachable("migrateUp succeeded on a database refusing connections");
  } catch (err) {
    assert.match(String((err as Error).message), /not currently accepting connections|does not allow connections/);
  } finally {
    await adminQuery(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
  }
  const sessions = await adminQuery("SELECT 1 FROM pg_stat_activity WHERE datname = $1", [name]);
  assert.is(sessions.length, 0, "no session left behind");
  assert.ok((await migrateUp({ databaseUrl: url })).length > 0, "a later run gets the lock");
});

test("migrations are found relative to the repository, whatever the working directory", async () => {
  const cwd = process.cwd();
  const { url } = freshDatabase("cwd");
  process.chdir(tmpdir());
  try {
    const names = await migrateUp({ databaseUrl: url });
    assert.is(names[0], "0001-create-prd-schema");
  } finally {
    process.chdir(cwd);
  }
});

test.run();
