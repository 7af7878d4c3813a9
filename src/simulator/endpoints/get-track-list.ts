// `gettracklist` (§2.7): a JSON object of filters, fixed pages of 40, 1-based `page_no`, and a
// top-level `page` object beside `code`/`data` (no `rejected`).
import { Track17Error } from "../../upstream/error-codes.js";
import { MAIN_STATUSES } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import type { EndpointResult } from "../envelope.js";
import { carrierOf } from "../items.js";
import { cutoffOf, trackListItem } from "../presenters.js";
import type { Registration } from "../store.js";
import { isDateOnly, parseLooseDate } from "../time-format.js";
import { lastSyncAt, statusAt } from "../track-info.js";

export const PAGE_SIZE = 40;
const DAY = 86_400_000;

type Filter = (reg: Registration) => boolean;
type TimeOf = (reg: Registration, now: number) => number | null;

const ORDERS: Record<string, { time: TimeOf; desc: boolean }> = {
  RegisterTimeAsc: { time: (r) => r.registerTime, desc: false },
  RegisterTimeDesc: { time: (r) => r.registerTime, desc: true },
  PushTimeAsc: { time: (r) => r.pushTime, desc: false },
  PushTimeDesc: { time: (r) => r.pushTime, desc: true },
  TrackTimeAsc: { time: (r, now) => lastSyncAt(r.plan, cutoffOf(r, now)), desc: false },
  TrackTimeDesc: { time: (r, now) => lastSyncAt(r.plan, cutoffOf(r, now)), desc: true },
};

const TIME_FILTERS: readonly { field: string; time: TimeOf }[] = [
  { field: "register_time", time: (r) => r.registerTime },
  { field: "track_time", time: (r, now) => lastSyncAt(r.plan, cutoffOf(r, now)) },
  { field: "push_time", time: (r) => r.pushTime },
  { field: "stop_track_time", time: (r) => r.stopTime },
];

const ENUM_FILTERS: readonly {
  field: string;
  values: readonly string[];
  of: (r: Registration, now: number) => string;
}[] = [
  { field: "package_status", values: MAIN_STATUSES, of: (r, now) => statusAt(r.plan, cutoffOf(r, now)).status },
  { field: "tracking_status", values: ["Tracking", "Stopped"], of: (r) => r.trackingStatus },
  { field: "push_status", values: ["NotPushed", "Success", "Failure"], of: (r) => r.pushStatus },
  { field: "data_origin", values: ["Api", "Manual", "Import"], of: () => "Api" },
];

export function getTrackList(
  engine: Engine,
  body: unknown,
  requestError: (code: number, message?: string) => EndpointResult,
): EndpointResult {
  const query = body === undefined ? {} : body;
  if (typeof query !== "object" || query === null || Array.isArray(query)) {
    return requestError(Track17Error.SubmittedDataInvalid);
  }
  const q = query as Record<string, unknown>;
  const now = engine.now();
  const built = buildFilters(q, now);
  if ("error" in built)
    return requestError(Track17Error.DataValueInvalid, `The value of data ${built.error} is invalid.`);
  const order = ORDERS[typeof q.order_by === "string" ? q.order_by : "RegisterTimeDesc"];
  if (!order) return requestError(Track17Error.DataValueInvalid, "The value of data order_by is invalid.");
  const pageNo = Number.isInteger(q.page_no) && (q.page_no as number) > 0 ? (q.page_no as number) : 1;

  const matches = engine.store.all().filter((r) => built.filters.every((f) => f(r)));
  // Registrations without the sort time (never pushed, never synced) go last either way; ties by number.
  const key = (r: Registration) => order.time(r, now);
  matches.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      if (ka === null) return 1;
      if (kb === null) return -1;
      return order.desc ? kb - ka : ka - kb;
    }
    return a.number.localeCompare(b.number);
  });
  const page = matches.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
  return {
    body: {
      page: {
        data_total: matches.length,
        page_total: Math.ceil(matches.length / PAGE_SIZE),
        page_no: pageNo,
        page_size: PAGE_SIZE,
      },
      code: 0,
      data: { accepted: page.map((r) => trackListItem(r, now)) },
    },
  };
}

function buildFilters(q: Record<string, unknown>, now: number): { filters: Filter[] } | { error: string } {
  const filters: Filter[] = [];
  if (q.number !== undefined && q.number !== null && q.number !== "") {
    // AIO sends a comma-separated string; an array is tolerated too.
    const raw = Array.isArray(q.number) ? q.number.join(",") : q.number;
    if (typeof raw !== "string") return { error: "number" };
    const wanted = new Set(
      raw
        .split(",")
        .map((n) => n.trim().toUpperCase())
        .filter(Boolean),
    );
    filters.push((r) => wanted.has(r.number.toUpperCase()));
  }
  if (q.carrier !== undefined && q.carrier !== null && q.carrier !== "") {
    const carrier = carrierOf(q.carrier);
    if (carrier === undefined || Number.isNaN(carrier)) return { error: "carrier" };
    filters.push((r) => r.carrier === carrier);
  }
  for (const f of ENUM_FILTERS) {
    const v = q[f.field];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string" || !f.values.includes(v)) return { error: f.field };
    filters.push((r) => f.of(r, now) === v);
  }
  for (const f of TIME_FILTERS) {
    for (const side of ["from", "to"] as const) {
      const v = q[`${f.field}_${side}`];
      if (v === undefined || v === null || v === "") continue;
      const ms = typeof v === "string" ? parseLooseDate(v) : null;
      if (ms === null) return { error: `${f.field}_${side}` };
      // A date-only "to" means the whole day (VILLA sends Y-m-d).
      const bound = side === "to" && isDateOnly(v as string) ? ms + DAY - 1 : ms;
      filters.push((r) => {
        const t = f.time(r, now);
        return t !== null && (side === "from" ? t >= bound : t <= bound);
      });
    }
  }
  return { filters };
}
