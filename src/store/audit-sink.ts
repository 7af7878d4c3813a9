// The Postgres AuditSink of the 17TRACK client (PRD §2.1.7 api_audit_log, "audit trail for compliance and
// debugging"). An upstream call must never wait on, or fail because of, its audit row (src/upstream/audit.ts), so
// record() only buffers; rows are written in batches, one INSERT per batch, by size or by timer, and close() writes
// whatever is left. A failed batch is retried a few times with the next flush, then dropped with an error log: the
// buffer is bounded so a database outage costs audit rows, never the process's memory.
import { QueryTypes, type Sequelize } from "sequelize";
import type { AuditSink, ExternalCallAudit } from "../upstream/audit.js";
import type { UpstreamLogger } from "../upstream/logger.js";

export interface PostgresAuditSinkOptions {
  readonly sequelize: Sequelize;
  readonly logger: Pick<UpstreamLogger, "warn" | "error">;
  /** Rows per INSERT; reaching it starts a flush at once. Default 100. */
  readonly batchSize?: number;
  /** Longest time a row waits in the buffer. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /** Rows kept while the database is unreachable; the oldest are dropped beyond it. Default 10,000. */
  readonly maxBuffered?: number;
  /** Tries per row before it is given up. Default 3. */
  readonly maxAttempts?: number;
}

export interface PostgresAuditSink extends AuditSink {
  record(entry: ExternalCallAudit): void;
  /** Writes every buffered row now; resolves when the attempt is over (it does not throw). */
  flush(): Promise<void>;
  /** Stops the timer and flushes; rows recorded afterwards are dropped with a warning. Idempotent. */
  close(): Promise<void>;
  /** Rows buffered and not yet written. */
  readonly pending: number;
  /** Rows given up so far (buffer overflow, repeated failures, recorded after close). */
  readonly dropped: number;
}

interface BufferedRow {
  readonly row: AuditRow;
  attempts: number;
}

/** One api_audit_log row as it travels to Postgres inside a JSON array (see INSERT_SQL). */
interface AuditRow {
  endpoint: string;
  api_endpoint: string;
  request_params: unknown;
  api_request_payload: unknown;
  response_status_code: number | null;
  response_body: unknown;
  response_time_ms: number;
  operation_status: string;
  error_code: string | null;
  error_message: string | null;
  single_number: string | null;
  created_at: string;
}

// The batch travels as one JSON parameter, whatever its size. 17TRACK calls are POSTs; the request headers are not
// recorded because the API key is one of them. tracking_id is filled only when the call was about exactly one number
// that names exactly one of our records (the same number on two carriers stays ambiguous, hence NULL); the numbers
// themselves are always in request_params. created_at is the moment of the call, not of the flush.
const INSERT_SQL = `
INSERT INTO api_audit_log (
  tracking_id, endpoint, http_method, request_params, external_api_called, api_provider, api_endpoint,
  api_request_payload, response_status_code, response_body, response_time_ms, operation_status, error_code,
  error_message, created_at
)
SELECT t.tracking_id, x.endpoint, 'POST', x.request_params, true, '17TRACK', x.api_endpoint,
       x.api_request_payload, x.response_status_code, x.response_body, x.response_time_ms, x.operation_status,
       x.error_code, x.error_message, x.created_at::timestamptz AT TIME ZONE 'UTC'
FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
  endpoint varchar, api_endpoint varchar, request_params jsonb, api_request_payload jsonb,
  response_status_code integer, response_body jsonb, response_time_ms integer, operation_status varchar,
  error_code varchar, error_message text, single_number varchar, created_at text
)) WITH ORDINALITY AS x(
  endpoint, api_endpoint, request_params, api_request_payload, response_status_code, response_body,
  response_time_ms, operation_status, error_code, error_message, single_number, created_at, ord
)
LEFT JOIN LATERAL (
  SELECT CASE WHEN count(*) = 1 THEN min(r.tracking_id::text)::uuid END AS tracking_id
  FROM tracking_records r
  WHERE r.tracking_number = x.single_number
) t ON true
ORDER BY x.ord`;

/** Cuts a string to the column's length so one long value cannot make Postgres reject the whole batch. */
function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/**
 * JSON Postgres accepts: NUL is not allowed in jsonb or text (a carrier page may contain one), BigInt is not JSON.
 * Anything unserialisable (a cycle) becomes a note instead of failing the batch.
 */
function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "string") return v.replaceAll("\u0000", "");
      return v;
    });
    return text === undefined ? null : (JSON.parse(text) as unknown);
  } catch (err) {
    return { unserialisable: String((err as Error).message) };
  }
}

function toRow(entry: ExternalCallAudit): AuditRow {
  const noNul = (s: string | null) => (s === null ? null : s.replaceAll("\u0000", ""));
  const code = noNul(entry.errorCode);
  return {
    endpoint: clip(noNul(entry.endpoint) ?? "", 200),
    api_endpoint: clip(noNul(entry.apiEndpoint) ?? "", 500),
    request_params: toJsonValue({ trackingNumbers: entry.trackingNumbers }),
    api_request_payload: toJsonValue(entry.requestPayload),
    response_status_code: entry.responseStatusCode,
    response_body: toJsonValue(entry.responseBody),
    response_time_ms: Math.round(entry.responseTimeMs),
    operation_status: entry.operationStatus,
    error_code: code === null ? null : clip(code, 50),
    error_message: noNul(entry.errorMessage),
    single_number: entry.trackingNumbers.length === 1 ? (entry.trackingNumbers[0] ?? null) : null,
    created_at: new Date().toISOString(),
  };
}

export function createPostgresAuditSink(options: PostgresAuditSinkOptions): PostgresAuditSink {
  const { sequelize, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const flushIntervalMs = options.flushIntervalMs ?? 1_000;
  const maxBuffered = options.maxBuffered ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 3;

  let buffer: BufferedRow[] = [];
  let dropped = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  // One flush at a time: batches reach the table in record order and use one pooled connection at most.
  let running: Promise<void> = Promise.resolve();

  const drop = (count: number, reason: string) => {
    dropped += count;
    logger.error({ dropped: count, reason }, "17track audit rows dropped");
  };

  async function writeBatch(batch: BufferedRow[]): Promise<void> {
    try {
      await sequelize.query(INSERT_SQL, {
        type: QueryTypes.INSERT,
        bind: [JSON.stringify(batch.map((b) => b.row))],
      });
    } catch (err) {
      const retry = batch.filter((b) => ++b.attempts < maxAttempts);
      if (retry.length < batch.length) drop(batch.length - retry.length, `insert failed ${maxAttempts} times`);
      logger.warn({ err, rows: batch.length, willRetry: retry.length }, "17track audit insert failed");
      // Back at the front, so order is kept and the next flush tries them first.
      buffer = [...retry, ...buffer];
      trim();
    }
  }

  async function drain(): Promise<void> {
    // Only what is buffered now: rows re-queued by a failure wait for the next flush instead of looping here.
    let budget = buffer.length;
    while (budget > 0 && buffer.length > 0) {
      const batch = buffer.splice(0, Math.min(batchSize, budget));
      budget -= batch.length;
      await writeBatch(batch);
    }
  }

  function trim() {
    const excess = buffer.length - maxBuffered;
    if (excess > 0) {
      buffer.splice(0, excess);
      drop(excess, `more than ${maxBuffered} rows waiting`);
    }
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    running = running.then(drain, drain);
    return running;
  }

  function schedule() {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, flushIntervalMs);
    // An idle buffer must not keep the process alive; close() writes what is left.
    timer.unref();
  }

  let closing: Promise<void> | undefined;

  return {
    record(entry) {
      if (closed) {
        drop(1, "recorded after close");
        return;
      }
      buffer.push({ row: toRow(entry), attempts: 0 });
      trim();
      if (buffer.length >= batchSize) void flush();
      else schedule();
    },
    flush,
    close() {
      closing ??= (async () => {
        closed = true;
        await flush();
        if (buffer.length > 0) drop(buffer.length, "still failing at close");
        buffer = [];
      })();
      return closing;
    },
    get pending() {
      return buffer.length;
    },
    get dropped() {
      return dropped;
    },
  };
}
