// The shapes of the tracking reads (tracking-reads.ts): queries, cursors, pages and the TrackingReads port the RPC
// handlers depend on. Rows are the camelCase shapes of src/rpc/mappers/tracking.ts.
import type { CarrierRefData, TrackingEventRowData, TrackingRecordRowData } from "../rpc/mappers/tracking.js";

export type SortDirection = "asc" | "desc";

/** A record with the carrier it is registered with. */
export interface RecordWithCarrier {
  record: TrackingRecordRowData & { carrierId: number };
  carrier: CarrierRefData;
}

/** Events filter shared by listing and export (proto EventFilter; statuses as stored names). */
export interface EventFilter {
  from?: Date;
  to?: Date;
  statuses?: readonly string[];
  country?: string;
  /** Case-insensitive exact city. */
  city?: string;
}

/** Position after an event: its timestamp as Postgres text and its id. */
export interface EventCursor {
  t: string;
  id: string;
}

export interface EventPageQuery {
  filter: EventFilter;
  order: SortDirection;
  limit: number;
  after?: EventCursor;
  raw?: boolean;
}

export interface EventPage {
  rows: TrackingEventRowData[];
  /** Set when more rows follow. */
  next?: EventCursor;
}

export type SearchSortKey = "created_at" | "updated_at" | "next_sync_at" | "tracking_number";

/** Position after a record: its sort value as Postgres text and its id. */
export interface SearchCursor {
  k: string;
  id: string;
}

/** SearchTrackingsRequest's criteria; unset criteria are absent (or empty lists). */
export interface SearchCriteria {
  statuses?: readonly string[];
  carrierCodes?: readonly string[];
  customerReference?: string;
  orderId?: string;
  /** Already normalised (upper case, no spaces or hyphens). */
  numberPrefix?: string;
  destinationCountry?: string;
  requiresAttention?: boolean;
  delivered?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
  updatedFrom?: Date;
  updatedTo?: Date;
}

export interface SearchQuery {
  criteria: SearchCriteria;
  sort: SearchSortKey;
  order: SortDirection;
  limit: number;
  after?: SearchCursor;
}

export interface SearchPage {
  rows: RecordWithCarrier[];
  next?: SearchCursor;
}

export type NumberLookup =
  | { kind: "found"; value: RecordWithCarrier }
  | { kind: "none" }
  /** Registered with several carriers and none named: the caller must pick one of these codes. */
  | { kind: "ambiguous"; carrierCodes: string[] };

export interface ExportOptions {
  order: SortDirection;
  /** Rows per read; default 1,000. */
  chunkSize?: number;
  signal?: AbortSignal;
}

export interface TrackingReads {
  getById(trackingId: string, opts?: { raw?: boolean }): Promise<RecordWithCarrier | undefined>;
  /** Several records in one query (batch registration's read-back), by tracking id; missing ids are absent. */
  getByIds(trackingIds: readonly string[]): Promise<Map<string, RecordWithCarrier>>;
  getByNumber(trackingNumber: string, carrierCode?: string, opts?: { raw?: boolean }): Promise<NumberLookup>;
  exists(trackingId: string): Promise<boolean>;
  /** The newest event by event time (ties: the later inserted). */
  latestEvent(trackingId: string, opts?: { raw?: boolean }): Promise<TrackingEventRowData | undefined>;
  /** Events stored after `afterEventId`, in insertion order (Watch streams resume by event id). */
  eventsAfterId(trackingId: string, afterEventId: string, limit: number): Promise<TrackingEventRowData[]>;
  /** The newest event of each given record, by tracking id. */
  latestEvents(trackingIds: readonly string[]): Promise<Map<string, TrackingEventRowData>>;
  /** Carriers by 17TRACK key, for naming the provider of events. */
  providers(keys: Iterable<number>): Promise<Map<number, CarrierRefData>>;
  listEvents(trackingId: string, query: EventPageQuery): Promise<EventPage>;
  exportEvents(trackingId: string, filter: EventFilter, opts: ExportOptions): AsyncGenerator<TrackingEventRowData[]>;
  search(query: SearchQuery): Promise<SearchPage>;
}
