// Request → store query for the tracking reads: defaults, the cross-field checks protovalidate cannot express
// (a time range whose start is after its end), and page tokens. A token carries the sort it was issued for, so a
// token replayed with another sort or direction is the caller's mistake (InvalidArgument) rather than a silent jump,
// and every value in it is checked before it reaches SQL (a bad cast there would surface as Internal).
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type EventFilter as EventFilterMessage,
  SearchSort,
  type SearchTrackingsRequest,
} from "../../gen/waybill/v1/tracking_service_pb.js";
import { SortOrder, type TrackingStatus } from "../../gen/waybill/v1/types_pb.js";
import { invalidArgument } from "../errors.js";
import type {
  EventCursor,
  EventFilter,
  SearchCriteria,
  SearchCursor,
  SearchSortKey,
  SortDirection,
} from "../store/tracking-reads.js";
import { statusName } from "./mappers/tracking.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

export const DEFAULT_EVENT_PAGE_SIZE = 100;
export const DEFAULT_SEARCH_PAGE_SIZE = 50;

/** Postgres's text of a TIMESTAMP, as the store puts it in cursors. */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const BIGINT_ID = /^\d{1,19}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Upper case, without spaces or hyphens: how tracking numbers are stored. */
export function normalizeNumber(raw: string): string {
  return raw.replace(/[\s-]+/g, "").toUpperCase();
}

export function direction(order: SortOrder, fallback: SortDirection): SortDirection {
  if (order === SortOrder.ASC) return "asc";
  if (order === SortOrder.DESC) return "desc";
  return fallback;
}

function statusNames(statuses: readonly TrackingStatus[]): string[] {
  return statuses.map((s) => statusName(s)).filter((s): s is NonNullable<typeof s> => s !== undefined);
}

/** [from, to) with from <= to, or InvalidArgument naming both fields. */
function range(from: Timestamp | undefined, to: Timestamp | undefined, fromName: string, toName: string) {
  const start = from ? timestampDate(from) : undefined;
  const end = to ? timestampDate(to) : undefined;
  if (start && end && start.getTime() > end.getTime()) {
    throw invalidArgument(
      `${fromName} (${start.toISOString()}) is after ${toName} (${end.toISOString()}); the range is [${fromName}, ${toName})`,
    );
  }
  return { start, end };
}

export function eventFilter(f: EventFilterMessage | undefined): EventFilter {
  if (!f) return {};
  const { start, end } = range(f.fromTime, f.toTime, "filter.from_time", "filter.to_time");
  return {
    from: start,
    to: end,
    statuses: statusNames(f.statuses),
    country: f.country || undefined,
    city: f.city || undefined,
  };
}

export function encodeEventToken(cursor: EventCursor, order: SortDirection): string {
  return encodePageToken({ t: cursor.t, id: cursor.id, o: order });
}

export function decodeEventToken(token: string, order: SortDirection): EventCursor | undefined {
  const key = decodePageToken(token, ["t", "id", "o"]);
  if (!key) return undefined;
  const { t, id, o } = key;
  if (typeof t !== "string" || !PG_TIMESTAMP.test(t) || typeof id !== "string" || !BIGINT_ID.test(id)) {
    throw invalidArgument("page_token is not a token this API issued");
  }
  if (o !== order) throw invalidArgument(`page_token was issued for order ${o}; repeat the request with that order`);
  return { t, id };
}

const SORT_KEYS: Record<SearchSort, SearchSortKey> = {
  [SearchSort.UNSPECIFIED]: "created_at",
  [SearchSort.CREATED_AT]: "created_at",
  [SearchSort.UPDATED_AT]: "updated_at",
  [SearchSort.NEXT_SYNC_AT]: "next_sync_at",
  [SearchSort.TRACKING_NUMBER]: "tracking_number",
};

export function searchCriteria(req: SearchTrackingsRequest): SearchCriteria {
  const created = range(req.createdFrom, req.createdTo, "created_from", "created_to");
  const updated = range(req.updatedFrom, req.updatedTo, "updated_from", "updated_to");
  return {
    statuses: statusNames(req.statuses),
    carrierCodes: req.carrierCodes,
    customerReference: req.customerReference || undefined,
    orderId: req.orderId || undefined,
    numberPrefix: normalizeNumber(req.numberPrefix) || undefined,
    destinationCountry: req.destinationCountry || undefined,
    requiresAttention: req.requiresAttention,
    delivered: req.delivered,
    createdFrom: created.start,
    createdTo: created.end,
    updatedFrom: updated.start,
    updatedTo: updated.end,
  };
}

export function searchSort(req: SearchTrackingsRequest): { sort: SearchSortKey; order: SortDirection } {
  return { sort: SORT_KEYS[req.sort] ?? "created_at", order: direction(req.order, "desc") };
}

export function encodeSearchToken(cursor: SearchCursor, sort: SearchSortKey, order: SortDirection): string {
  return encodePageToken({ k: cursor.k, id: cursor.id, s: sort, o: order });
}

export function decodeSearchToken(token: string, sort: SearchSortKey, order: SortDirection): SearchCursor | undefined {
  const key = decodePageToken(token, ["k", "id", "s", "o"]);
  if (!key) return undefined;
  const { k, id, s, o } = key;
  if (typeof k !== "string" || typeof id !== "string" || !UUID.test(id)) {
    throw invalidArgument("page_token is not a token this API issued");
  }
  if (s !== sort || o !== order) {
    throw invalidArgument(`page_token was issued for sort ${s} ${o}; repeat the request with that sort and order`);
  }
  const validKey =
    sort === "tracking_number"
      ? k.length <= 100
      : PG_TIMESTAMP.test(k) || (sort === "next_sync_at" && k === "infinity");
  if (!validKey) throw invalidArgument("page_token is not a token this API issued");
  return { k, id };
}
