// The one place that reads the environment (STYLE §6). Every variable is declared once below with its default and
// meaning; loadConfig() parses all of them, reports every bad one at once by name, and returns a frozen object.

type Parser<T> = (raw: string) => T;

interface VarSpec<T> {
  readonly name: string;
  readonly default: string;
  readonly doc: string;
  readonly parse: Parser<T>;
}

function v<T>(name: string, def: string, doc: string, parse: Parser<T>): VarSpec<T> {
  return { name, default: def, doc, parse };
}

const str: Parser<string> = (raw) => raw;
const bool: Parser<boolean> = (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error("must be true or false");
};
const int =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error("must be a whole number");
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}`);
    return n;
  };
const url =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error("must be a URL");
    }
    if (!protocols.includes(parsed.protocol)) throw new Error(`must use ${protocols.join(" or ")}`);
    return raw;
  };
const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    if (!(values as string[]).includes(raw)) throw new Error(`must be one of ${values.join(", ")}`);
    return raw as T;
  };
const list: Parser<string[]> = (raw) =>
  raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const logLevel = oneOf("fatal", "error", "warn", "info", "debug", "trace", "silent");

/** Every variable the service reads. The README's configuration table lists exactly these. */
export const CONFIG_VARS = {
  host: v("HOST", "0.0.0.0", "Address the API port binds to.", str),
  port: v("PORT", "8080", "The one API port: Connect, gRPC and gRPC-Web over HTTP/1.1 and h2c.", int(0, 65535)),
  corsOrigins: v(
    "CORS_ORIGINS",
    "",
    "Comma-separated browser origins allowed to call the API (empty: no cross-origin access).",
    list,
  ),
  logLevel: v("LOG_LEVEL", "info", "pino log level (fatal, error, warn, info, debug, trace, silent).", logLevel),
  shutdownGraceMs: v(
    "SHUTDOWN_GRACE_MS",
    "10000",
    "How long in-flight calls may finish after SIGTERM before streams are cut.",
    int(0, 600_000),
  ),
  databaseUrl: v(
    "DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/waybill",
    "Postgres connection URL; the database is created if missing.",
    url("postgres:", "postgresql:"),
  ),
  databasePoolMax: v("DATABASE_POOL_MAX", "30", "Postgres pool size (PRD §6.1: 20-50).", int(2, 500)),
  migrateOnStart: v("MIGRATE_ON_START", "true", "Apply pending migrations at start-up.", bool),
  redisUrl: v("REDIS_URL", "redis://127.0.0.1:6379", "Redis connection URL.", url("redis:", "rediss:")),
  redisKeyPrefix: v(
    "REDIS_KEY_PREFIX",
    "",
    "Prefix put before every Redis key (PRD §2.2 names follow it), to share one Redis between deployments.",
    str,
  ),
  healthProbeMs: v(
    "HEALTH_PROBE_MS",
    "2000",
    "How often Postgres and Redis reachability is probed for grpc.health.v1.",
    int(100, 60_000),
  ),
  track17ApiKey: v(
    "TRACK17_API_KEY",
    "",
    "17TRACK API key (also the key webhook signatures are checked with). Empty: sandbox mode, the built-in 17TRACK simulator is started and used.",
    str,
  ),
  track17BaseUrl: v(
    "TRACK17_BASE_URL",
    "https://api.17track.net/track/v2.2",
    "17TRACK API base URL (ignored in sandbox mode).",
    url("https:", "http:"),
  ),
  track17RatePerSecond: v(
    "TRACK17_RATE_PER_SECOND",
    "3",
    "17TRACK calls per second, shared by all replicas (17TRACK allows 3).",
    int(1, 1_000),
  ),
  track17RatePerMinute: v(
    "TRACK17_RATE_PER_MINUTE",
    "100",
    "17TRACK calls per minute, shared by all replicas (PRD §4.2: 100).",
    int(1, 60_000),
  ),
  track17TimeoutMs: v("TRACK17_TIMEOUT_MS", "30000", "Timeout of one 17TRACK HTTP attempt.", int(100, 300_000)),
  track17QuotaRefreshMs: v(
    "TRACK17_QUOTA_REFRESH_MS",
    "600000",
    "How often the 17TRACK quota (getquota) is re-read.",
    int(1_000, 86_400_000),
  ),
  simulatorPort: v(
    "SIMULATOR_PORT",
    "0",
    "Port of the sandbox 17TRACK simulator (sandbox mode only; 0 picks a free port).",
    int(0, 65535),
  ),
  agendaBackend: v(
    "AGENDA_BACKEND",
    "postgres",
    "Agenda 6 backend: postgres (this database, LISTEN/NOTIFY) or mongodb (needs MONGODB_URL; not testable on this machine).",
    oneOf("postgres", "mongodb"),
  ),
  mongodbUrl: v("MONGODB_URL", "", "MongoDB URL, only for AGENDA_BACKEND=mongodb.", (raw) =>
    raw === "" ? "" : url("mongodb:", "mongodb+srv:")(raw),
  ),
  agendaProcessEveryMs: v("AGENDA_PROCESS_EVERY_MS", "1000", "How often Agenda scans for due jobs.", int(100, 60_000)),
  syncConcurrency: v("SYNC_CONCURRENCY", "10", "gettrackinfo batches in flight per process (PRD §6.3).", int(1, 100)),
  syncBatchSize: v("SYNC_BATCH_SIZE", "40", "Numbers per gettrackinfo call (17TRACK allows at most 40).", int(1, 40)),
  syncIngestConcurrency: v(
    "SYNC_INGEST_CONCURRENCY",
    "2",
    "Shipments of one batch ingested in parallel (pool use up to SYNC_CONCURRENCY × this).",
    int(1, 40),
  ),
  syncLeaseMs: v(
    "SYNC_LEASE_MS",
    "300000",
    "How long a claimed shipment is held before another worker may take it (crash recovery).",
    int(10_000, 3_600_000),
  ),
  syncDispatchEveryMs: v(
    "SYNC_DISPATCH_EVERY_MS",
    "5000",
    "Interval of the recurring dispatch job; the in-process loop also wakes when the next shipment is due.",
    int(500, 600_000),
  ),
  cacheDefaultStrategy: v(
    "CACHE_DEFAULT_STRATEGY",
    "DYNAMIC",
    "TTL strategy of status entries whose record has none set (FIXED, DYNAMIC by status, ADAPTIVE by change pace).",
    oneOf("FIXED", "DYNAMIC", "ADAPTIVE"),
  ),
  cacheFixedTtlSeconds: v(
    "CACHE_FIXED_TTL_SECONDS",
    "3600",
    "TTL of status entries under the FIXED strategy, in seconds.",
    int(1, 7 * 86_400),
  ),
  cacheTimeoutMs: v(
    "CACHE_TIMEOUT_MS",
    "250",
    "Deadline of one Redis call on the read path; past it the read goes to Postgres (a down Redis is skipped at once).",
    int(5, 5_000),
  ),
  cacheLedgerFlushMs: v(
    "CACHE_LEDGER_FLUSH_MS",
    "1000",
    "How often the status_cache table is brought up to date (sets, invalidations, hit counts in one batch).",
    int(100, 60_000),
  ),
  changeFeedPollMs: v(
    "CHANGE_FEED_POLL_MS",
    "2000",
    "Fallback poll of the change feed (tracking_changes) besides LISTEN/NOTIFY; also the retry interval after a failed batch.",
    int(100, 60_000),
  ),
  changeFeedRetentionDays: v(
    "CHANGE_FEED_RETENTION_DAYS",
    "7",
    "Published change-feed rows older than this are deleted (the window a WatchUpdates client can resume from).",
    int(1, 365),
  ),
} as const;

type Vars = typeof CONFIG_VARS;
export type Config = { readonly [K in keyof Vars]: Vars[K] extends VarSpec<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_VARS) as [string, VarSpec<unknown>][]) {
    const raw = env[spec.name];
    const value = raw === undefined || raw === "" ? spec.default : raw;
    try {
      out[key] = spec.parse(value);
    } catch (e) {
      problems.push(`${spec.name}=${JSON.stringify(raw)}: ${(e as Error).message}`);
    }
  }
  if (out.agendaBackend === "mongodb" && !out.mongodbUrl) {
    problems.push("MONGODB_URL: must be set when AGENDA_BACKEND=mongodb");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}
