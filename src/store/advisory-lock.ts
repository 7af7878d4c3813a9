// Postgres advisory locks serialise work across processes and replicas (STYLE §9: migrations run under one; umzug
// has no locking of its own). A session-level advisory lock belongs to one connection, so each lock gets a dedicated
// pg.Client rather than a pooled connection that could be handed to someone else mid-way.
import pg from "pg";

export interface AdvisoryLockOptions {
  /** Server and database to lock in (advisory locks are per database). */
  readonly databaseUrl: string;
  /** 64-bit lock key; pick one constant per purpose. */
  readonly key: bigint;
  /** A shared lock lets other shared holders in and keeps exclusive ones out. Default false. */
  readonly shared?: boolean;
}

/** Runs `fn` while holding the lock; the lock and its connection are released even when `fn` throws. */
export async function withAdvisoryLock<T>(options: AdvisoryLockOptions, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  let lost: unknown;
  // If the connection drops, Postgres releases the lock; remember why so we can fail instead of crashing the process.
  client.on("error", (err) => {
    lost = err;
  });
  await client.connect();
  try {
    const suffix = options.shared ? "_shared" : "";
    await client.query(`SELECT pg_advisory_lock${suffix}($1::bigint)`, [options.key.toString()]);
    try {
      const result = await fn();
      if (lost) throw new Error("advisory lock connection was lost while the locked work ran", { cause: lost });
      return result;
    } finally {
      // Ending the session releases the lock anyway, so a failed unlock must not hide fn's own error.
      await client.query(`SELECT pg_advisory_unlock${suffix}($1::bigint)`, [options.key.toString()]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}
