// Applies migrations/NNNN-verb-object.ts in order (STYLE §9: append-only, each with up and down). umzug tracks what
// ran in `sequelize_meta` but has no locking, so every run happens under a Postgres advisory lock held on one
// dedicated connection: replicas starting together (MIGRATE_ON_START) apply each migration exactly once.
import { fileURLToPath, pathToFileURL } from "node:url";
import type { QueryInterface, Sequelize } from "sequelize";
import { type MigrationFn, type MigrationParams, SequelizeStorage, Umzug } from "umzug";
import { withAdvisoryLock } from "./advisory-lock.js";
import { ensureDatabase } from "./ensure-database.js";
import { createSequelize } from "./sequelize.js";

/** What every migration receives as `context`. */
export interface MigrationContext {
  readonly sequelize: Sequelize;
  readonly queryInterface: QueryInterface;
}

/** The type of a migration file's `up` and `down` exports. */
export type Migration = MigrationFn<MigrationContext>;

/** umzug's logger shape; a pino logger fits it. */
export type MigrationLogger = Record<"info" | "warn" | "error" | "debug", (message: Record<string, unknown>) => void>;

/** migrations/ at the repository root, independent of the process's working directory. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));

/** Only numbered files are migrations; anything else in the folder (notes, helpers) is ignored. */
const MIGRATION_GLOB = "[0-9][0-9][0-9][0-9]-*.ts";

/** Advisory lock key of migration runs: "Waybill" in ASCII followed by 0x01 (0x02 is the test template lock). */
export const MIGRATION_LOCK_KEY = 0x57617962696c6c01n;

export interface CreateMigratorOptions {
  readonly sequelize: Sequelize;
  readonly logger?: MigrationLogger;
}

interface MigrationModule {
  up: Migration;
  down?: Migration;
}

async function loadMigration(path: string): Promise<MigrationModule> {
  // Imported, not required: migrations are ESM TypeScript, loaded through tsx like the rest of the service.
  const mod = (await import(pathToFileURL(path).href)) as Partial<MigrationModule>;
  if (typeof mod.up !== "function") throw new Error(`migration ${path} exports no up() function`);
  return mod as MigrationModule;
}

/**
 * An umzug instance over migrations/ on the given Sequelize. It does not lock: use migrateUp/migrateDown to run
 * migrations, this only for inspection (pending(), executed()) or inside a lock you already hold.
 */
export function createMigrator(options: CreateMigratorOptions): Umzug<MigrationContext> {
  const { sequelize } = options;
  return new Umzug<MigrationContext>({
    migrations: {
      glob: [MIGRATION_GLOB, { cwd: MIGRATIONS_DIR }],
      resolve: ({ name, path }) => {
        if (!path) throw new Error(`migration ${name} has no file path`);
        return {
          // Stored without the extension so a later switch to compiled .js files keeps the history valid.
          name: name.replace(/\.ts$/, ""),
          path,
          up: async (params: MigrationParams<MigrationContext>) => (await loadMigration(path)).up(params),
          down: async (params: MigrationParams<MigrationContext>) => {
            const mod = await loadMigration(path);
            if (!mod.down) throw new Error(`migration ${name} cannot be undone: it exports no down()`);
            return mod.down(params);
          },
        };
      },
    },
    context: { sequelize, queryInterface: sequelize.getQueryInterface() },
    storage: new SequelizeStorage({ sequelize, tableName: "sequelize_meta" }),
    logger: options.logger,
  });
}

export interface MigrateOptions {
  /** The database to migrate; created first when missing. */
  readonly databaseUrl: string;
  readonly logger?: MigrationLogger;
}

export interface MigrateDownOptions extends MigrateOptions {
  /** Undo every applied migration instead of only the last one. */
  readonly all?: boolean;
}

async function runLocked(
  options: MigrateOptions,
  run: (umzug: Umzug<MigrationContext>) => Promise<{ name: string }[]>,
): Promise<string[]> {
  await ensureDatabase(options.databaseUrl);
  return withAdvisoryLock({ databaseUrl: options.databaseUrl, key: MIGRATION_LOCK_KEY }, async () => {
    // A small private pool: migrations are sequential, and this instance must not outlive the lock.
    const sequelize = createSequelize({ databaseUrl: options.databaseUrl, poolMax: 2 });
    try {
      const migrations = await run(createMigrator({ sequelize, logger: options.logger }));
      return migrations.map((m) => m.name);
    } finally {
      await sequelize.close();
    }
  });
}

/** Creates the database if needed and applies every pending migration. Resolves the names applied. */
export function migrateUp(options: MigrateOptions): Promise<string[]> {
  return runLocked(options, (umzug) => umzug.up());
}

/** Undoes the last applied migration (or all of them with `all`). Resolves the names undone, latest first. */
export function migrateDown(options: MigrateDownOptions): Promise<string[]> {
  return runLocked(options, (umzug) => (options.all ? umzug.down({ to: 0 }) : umzug.down()));
}
