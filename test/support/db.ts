// Every integration suite gets its own Postgres database, cloned from a fully migrated template (CREATE DATABASE ...
// TEMPLATE copies files, far faster than migrating each time). The template is named after a hash of migrations/,
// so it is rebuilt exactly when a migration changes and reused across runs otherwise.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { Sequelize } from "sequelize";
import { withAdvisoryLock } from "../../src/store/advisory-lock.js";
import { withDatabase } from "../../src/store/database-url.js";
import { MIGRATIONS_DIR, migrateUp } from "../../src/store/migrator.js";
import { defineModels, type Models } from "../../src/store/models/index.js";
import { createSequelize } from "../../src/store/sequelize.js";

/** Server the suites use; only its host, port and credentials matter (the database part is replaced). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432";
const ADMIN_URL = withDatabase(TEST_DATABASE_URL, "postgres");

/** Serialises template builds across test processes ("Waybill" + 0x02; 0x01 is the migration lock). */
const TEMPLATE_LOCK_KEY = 0x57617962696c6c02n;
/** Test databases older than this are leftovers of crashed runs and get dropped. */
const LEFTOVER_AGE_MS = 6 * 60 * 60 * 1000;

export interface TestDatabase {
  readonly databaseUrl: string;
  readonly name: string;
  readonly sequelize: Sequelize;
  readonly models: Models;
  /** Closes the Sequelize pool and drops the database; safe to call twice. */
  drop(): Promise<void>;
}

const quote = (name: string) => pg.escapeIdentifier(name);

/** Runs one statement on the `postgres` maintenance database and returns its rows. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A fresh, valid database name for a suite: waybill_test_<suite>_<creation time, base 36>_<random>. The time in the
 * name lets a later run recognise leftovers of a crashed run, however the database was created.
 */
export function uniqueDatabaseName(suite: string): string {
  const slug = suite
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 30);
  return `waybill_test_${slug}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

/** The URL of a database on the test server. */
export function testDatabaseUrl(name: string): string {
  return withDatabase(TEST_DATABASE_URL, name);
}

/** Drops a database (template or not) even while sessions are connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(
    `DO $$ BEGIN
       IF EXISTS (SELECT 1 FROM pg_database WHERE datname = ${pg.escapeLiteral(name)} AND datistemplate) THEN
         ALTER DATABASE ${quote(name)} WITH IS_TEMPLATE false;
       END IF;
     END $$`,
  );
  await adminQuery(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
}

function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(MIGRATIONS_DIR, file)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 8);
}

async function dropLeftovers(currentTemplate: string): Promise<void> {
  const rows = await adminQuery<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'waybill\\_tpl\\_%' OR datname LIKE 'waybill\\_test\\_%'`,
  );
  for (const { datname } of rows) {
    const created = /_([0-9a-z]{8,9})_[0-9a-f]{6}$/.exec(datname)?.[1];
    const staleTemplate = datname.startsWith("waybill_tpl_") && datname !== currentTemplate;
    const leftover = created !== undefined && Date.now() - Number.parseInt(created, 36) > LEFTOVER_AGE_MS;
    if (staleTemplate || leftover) await dropDatabase(datname);
  }
}

async function buildTemplate(): Promise<string> {
  const name = `waybill_tpl_${migrationsHash()}`;
  // Exclusive: only one process builds; clones hold the same lock shared, so no template vanishes mid-copy.
  return withAdvisoryLock({ databaseUrl: ADMIN_URL, key: TEMPLATE_LOCK_KEY }, async () => {
    await dropLeftovers(name);
    const [existing] = await adminQuery<{ datistemplate: boolean }>(
      "SELECT datistemplate FROM pg_database WHERE datname = $1",
      [name],
    );
    // datistemplate is set last, so a database without it is a build that crashed half-way.
    if (existing?.datistemplate) return name;
    if (existing) await dropDatabase(name);
    await migrateUp({ databaseUrl: testDatabaseUrl(name) });
    // No connections allowed: a stray session on the template would make every clone fail.
    await adminQuery(`ALTER DATABASE ${quote(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    return name;
  });
}

let template: Promise<string> | undefined;

/** Name of the migrated template database, built once per process (and once per migrations/ content overall). */
export function ensureTemplate(): Promise<string> {
  template ??= buildTemplate().catch((err: unknown) => {
    template = undefined;
    throw err;
  });
  return template;
}

async function cloneTemplate(name: string): Promise<void> {
  const tpl = await ensureTemplate();
  await withAdvisoryLock({ databaseUrl: ADMIN_URL, key: TEMPLATE_LOCK_KEY, shared: true }, async () => {
    await adminQuery(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(tpl)}`);
  });
}

/** A migrated database of its own for one suite, with a Sequelize instance and the models bound to it. */
export async function createTestDatabase(suite: string): Promise<TestDatabase> {
  const name = uniqueDatabaseName(suite);
  try {
    await cloneTemplate(name);
  } catch (err) {
    // 3D000: the template was dropped meanwhile by a process holding other migrations; rebuild it once.
    if ((err as { code?: string }).code !== "3D000") throw err;
    template = undefined;
    await cloneTemplate(name);
  }
  const databaseUrl = testDatabaseUrl(name);
  const sequelize = createSequelize({ databaseUrl, poolMax: 5 });
  let dropped: Promise<void> | undefined;
  return {
    databaseUrl,
    name,
    sequelize,
    models: defineModels(sequelize),
    drop() {
      dropped ??= (async () => {
        await sequelize.close().catch(() => {});
        await dropDatabase(name);
      })();
      return dropped;
    },
  };
}
