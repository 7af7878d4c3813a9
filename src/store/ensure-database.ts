// DESIGN "Conventions": defaults must work on a fresh machine, so the migrator creates the target database when it is
// missing. CREATE DATABASE cannot run inside the database it creates, hence the detour through `postgres`.
import pg from "pg";
import { databaseNameOf, withDatabase } from "./database-url.js";

/** SQLSTATEs Postgres raises when another session created the same database a moment earlier. */
const ALREADY_CREATED = new Set([
  "42P04", // duplicate_database: the other CREATE DATABASE committed before ours started
  "23505", // unique_violation on pg_database_datname_index: both ran at the same time
]);

export interface EnsureDatabaseOptions {
  /** Database used to issue CREATE DATABASE from. Default `postgres`. */
  readonly maintenanceDatabase?: string;
  /** Extra clause appended to CREATE DATABASE, e.g. `TEMPLATE "x"` (trusted input only). */
  readonly createClause?: string;
}

/** Creates the database named by `databaseUrl` unless it exists. Resolves true when this call created it. */
export async function ensureDatabase(databaseUrl: string, options: EnsureDatabaseOptions = {}): Promise<boolean> {
  const name = databaseNameOf(databaseUrl);
  const client = new pg.Client({
    connectionString: withDatabase(databaseUrl, options.maintenanceDatabase ?? "postgres"),
  });
  // A dropped connection emits 'error' on the client; without a listener Node would crash the process.
  client.on("error", () => {});
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ${options.createClause ?? ""}`);
      return true;
    } catch (err) {
      if (ALREADY_CREATED.has((err as { code?: string }).code ?? "")) return false;
      throw err;
    }
  } finally {
    await client.end().catch(() => {});
  }
}
