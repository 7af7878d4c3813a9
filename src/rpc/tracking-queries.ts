// TrackingService read handlers: GetTracking, ListTrackingEvents, ExportTrackingEvents, SearchTrackings. Thin: request
// → store query (tracking-query-input.ts), one read, rows → messages (mappers/tracking.ts).
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { Sequelize } from "sequelize";
import type { GetTrackingRequest, TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import type { TrackingEvent, TrackingRecord } from "../../gen/waybill/v1/types_pb.js";
import type { TrackingCache } from "../cache/tracking-cache.js";
import { firstPageFromHead } from "../domain/cache/events-page.js";
import { failedPrecondition, invalidArgument, notFound } from "../errors.js";
import { createTrackingReads, type RecordWithCarrier, type TrackingReads } from "../store/tracking-reads.js";
import {
  type CarrierRefData,
  type TrackingEventRowData,
  toTrackingEventProto,
  toTrackingRecordProto,
} from "./mappers/tracking.js";
import { encodeEvents, exportHeader } from "./tracking-export.js";
import {
  DEFAULT_EVENT_PAGE_SIZE,
  DEFAULT_SEARCH_PAGE_SIZE,
  decodeEventToken,
  decodeSearchToken,
  direction,
  encodeEventToken,
  encodeSearchToken,
  eventFilter,
  normalizeNumber,
  searchCriteria,
  searchSort,
} from "./tracking-query-input.js";

export interface TrackingQueryDeps {
  sequelize: Sequelize;
  /** Defaults to the SQL reads on `sequelize`. */
  reads?: TrackingReads;
  /** Read-through cache of GetTracking and of ListTrackingEvents' first page (issue #6); absent: Postgres only. */
  trackingCache?: TrackingCache;
}

/** Rows per export chunk: one SQL page and one stream message each (bounded memory however long the timeline). */
const EXPORT_CHUNK_ROWS = 1_000;

/**
 * Whether a stream failed because the caller went away: the call's signal fired, or Node refused a write to the
 * already destroyed response (connect-node reports that write error into the handler, possibly before the signal
 * fires). Reported as Canceled, an expected outcome, rather than an unexpected Internal.
 */
function clientGone(err: unknown, signal: AbortSignal): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return signal.aborted || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END";
}

type Handlers = Pick<
  ServiceImpl<typeof TrackingService>,
  "getTracking" | "listTrackingEvents" | "exportTrackingEvents" | "searchTrackings"
>;

export function createTrackingQueryHandlers(deps: TrackingQueryDeps): Handlers {
  const reads = deps.reads ?? createTrackingReads(deps.sequelize);

  /** Maps event rows, naming each provider; `known` caches carriers across the chunks of one export. */
  async function toEvents(
    rows: readonly TrackingEventRowData[],
    raw: boolean,
    known: Map<number, CarrierRefData> = new Map(),
  ): Promise<TrackingEvent[]> {
    const missing = new Set<number>();
    for (const r of rows) if (r.providerKey !== null && !known.has(r.providerKey)) missing.add(r.providerKey);
    if (missing.size > 0) for (const [key, c] of await reads.providers(missing)) known.set(key, c);
    return rows.map((r) => toTrackingEventProto(r, { raw, providers: known }));
  }

  async function find(req: GetTrackingRequest): Promise<RecordWithCarrier> {
    const raw = req.includeRaw;
    if (req.lookup.case === "trackingId") {
      const found = await reads.getById(req.lookup.value, { raw });
      if (!found) throw notFound(`tracking ${req.lookup.value}`);
      return found;
    }
    const number = normalizeNumber(req.lookup.value?.trackingNumber ?? "");
    if (!number) throw invalidArgument("by_number.tracking_number has no letters or digits");
    const carrier = req.lookup.value?.carrierCode ?? "";
    const result = await reads.getByNumber(number, carrier || undefined, { raw });
    if (result.kind === "found") return result.value;
    if (result.kind === "ambiguous") {
      throw failedPrecondition(
        `tracking number ${number} is registered with several carriers (${result.carrierCodes.join(", ")}); ` +
          "set by_number.carrier_code to one of them",
      );
    }
    throw notFound(carrier ? `tracking number ${number} with carrier ${carrier}` : `tracking number ${number}`);
  }

  /** GetTracking through the cache: by id, or by number through the number → id entry (unambiguous numbers only). */
  async function cachedRecord(req: GetTrackingRequest, cache: TrackingCache): Promise<TrackingRecord> {
    if (req.lookup.case === "trackingId") {
      const rec = await cache.readRecord(req.lookup.value);
      if (!rec) throw notFound(`tracking ${req.lookup.value}`);
      return rec;
    }
    const number = normalizeNumber(req.lookup.value?.trackingNumber ?? "");
    const carrier = req.lookup.value?.carrierCode ?? "";
    const hot = number ? await cache.hotId(number) : undefined;
    if (hot) {
      const rec = await cache.readRecord(hot);
      if (rec && (!carrier || rec.carrier?.carrierCode === carrier)) return rec;
      if (!rec) await cache.forgetHot(number);
    }
    // Postgres resolves the number (with its ambiguity and not-found errors); then the record reads through.
    const { record } = await find(req);
    if (!carrier) await cache.rememberHot(number, record.trackingId);
    const rec = await cache.readRecord(record.trackingId);
    if (!rec) throw notFound(`tracking number ${number}`);
    return rec;
  }

  async function requireTracking(trackingId: string): Promise<void> {
    if (!(await reads.exists(trackingId))) throw notFound(`tracking ${trackingId}`);
  }

  return {
    async getTracking(req) {
      // Raw reads bypass the cache: raw_api_response is large and not cached.
      if (deps.trackingCache && !req.includeRaw) return { record: await cachedRecord(req, deps.trackingCache) };
      const { record, carrier } = await find(req);
      const latest = await reads.latestEvent(record.trackingId, { raw: req.includeRaw });
      const [latestEvent] = latest ? await toEvents([latest], req.includeRaw) : [];
      return { record: toTrackingRecordProto(record, carrier, latestEvent, { raw: req.includeRaw }) };
    },

    async listTrackingEvents(req) {
      const order = direction(req.order, "asc");
      const filter = eventFilter(req.filter);
      const after = decodeEventToken(req.pageToken, order);
      const limit = req.pageSize || DEFAULT_EVENT_PAGE_SIZE;
      const unfiltered = !filter.from && !filter.to && !filter.statuses?.length && !filter.country && !filter.city;
      if (deps.trackingCache && !after && !req.includeRaw && unfiltered) {
        const head = await deps.trackingCache.readEventsHead(req.trackingId);
        if (!head) throw notFound(`tracking ${req.trackingId}`);
        // The cached head answers most first pages; a page reaching past it goes to Postgres below.
        const page = firstPageFromHead(head, order, limit);
        if (page) return { events: page.events, nextPageToken: page.next ? encodeEventToken(page.next, order) : "" };
      }
      await requireTracking(req.trackingId);
      const page = await reads.listEvents(req.trackingId, { filter, order, limit, after, raw: req.includeRaw });
      return {
        events: await toEvents(page.rows, req.includeRaw),
        nextPageToken: page.next ? encodeEventToken(page.next, order) : "",
      };
    },

    async *exportTrackingEvents(req, ctx: HandlerContext) {
      const order = direction(req.order, "asc");
      const filter = eventFilter(req.filter);
      await requireTracking(req.trackingId);
      const known = new Map<number, CarrierRefData>();
      let header = exportHeader(req.format);
      const chunks = reads.exportEvents(req.trackingId, filter, {
        order,
        chunkSize: EXPORT_CHUNK_ROWS,
        signal: ctx.signal,
      });
      try {
        for await (const rows of chunks) {
          const body = header + encodeEvents(req.format, await toEvents(rows, false, known));
          header = "";
          yield { chunk: Buffer.from(body, "utf8"), rows: rows.length };
        }
      } catch (err) {
        throw clientGone(err, ctx.signal) ? new ConnectError("the client cancelled the export", Code.Canceled) : err;
      }
      // No events: a CSV is still a file with its header row.
      if (header) yield { chunk: Buffer.from(header, "utf8"), rows: 0 };
    },

    async searchTrackings(req) {
      const { sort, order } = searchSort(req);
      const criteria = searchCriteria(req);
      const after = decodeSearchToken(req.pageToken, sort, order);
      const limit = req.pageSize || DEFAULT_SEARCH_PAGE_SIZE;
      const page = await reads.search({ criteria, sort, order, limit, after });
      const latest = await reads.latestEvents(page.rows.map((r) => r.record.trackingId));
      const events = await toEvents([...latest.values()], false);
      const byId = new Map(events.map((e) => [e.trackingId, e]));
      return {
        records: page.rows.map(({ record, carrier }) =>
          toTrackingRecordProto(record, carrier, byId.get(record.trackingId)),
        ),
        nextPageToken: page.next ? encodeSearchToken(page.next, sort, order) : "",
      };
    },
  };
}
