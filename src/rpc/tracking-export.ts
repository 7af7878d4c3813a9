// The two export formats of ExportTrackingEvents, built from the same TrackingEvent messages the API returns, so an
// export says exactly what ListTrackingEvents says.
// - JSON lines: one event per line in the proto's canonical JSON (lowerCamel names, int64 as strings, RFC 3339 times),
//   so `fromJsonString(TrackingEventSchema, line)` reads a line back.
// - CSV: a header row, then one record per event, RFC 4180 quoting (src/domain/export/csv.ts).
import { toJsonString } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ExportFormat } from "../../gen/waybill/v1/tracking_service_pb.js";
import { type TrackingEvent, TrackingEventSchema } from "../../gen/waybill/v1/types_pb.js";
import { type CsvValue, csvRow } from "../domain/export/csv.js";
import { statusName } from "./mappers/tracking.js";

const iso = (t: TrackingEvent["eventTime"]) => (t ? timestampDate(t).toISOString() : "");

/** CSV columns: header name and how each event fills it. */
const CSV_COLUMNS: readonly [string, (e: TrackingEvent) => CsvValue][] = [
  ["event_id", (e) => e.eventId],
  ["tracking_id", (e) => e.trackingId],
  ["event_sequence", (e) => e.eventSequence],
  ["event_time", (e) => iso(e.eventTime)],
  ["timezone_offset", (e) => e.timezoneOffset],
  ["status", (e) => statusName(e.status) ?? ""],
  ["sub_status", (e) => e.subStatus],
  ["status_code", (e) => e.statusCode],
  ["description", (e) => e.description],
  ["description_cn", (e) => e.descriptionCn],
  ["country", (e) => e.location?.country],
  ["state", (e) => e.location?.state],
  ["city", (e) => e.location?.city],
  ["postal_code", (e) => e.location?.postalCode],
  ["full_address", (e) => e.location?.fullAddress],
  ["location_timezone", (e) => e.location?.timezone],
  ["facility_name", (e) => e.facilityName],
  ["carrier_event_code", (e) => e.carrierEventCode],
  ["weight_kg", (e) => e.weightKg],
  ["dimensions_cm", (e) => e.dimensionsCm],
  ["reported_by_carrier_code", (e) => e.reportedBy?.carrierCode],
  ["reported_by_track17_key", (e) => (e.reportedBy ? e.reportedBy.track17Key : undefined)],
  ["created_at", (e) => iso(e.createdAt)],
];

export const CSV_HEADER = csvRow(CSV_COLUMNS.map(([name]) => name));

/** The header of a format (written once, before the first event); empty for JSON lines. */
export function exportHeader(format: ExportFormat): string {
  return format === ExportFormat.CSV ? CSV_HEADER : "";
}

/** One chunk's events in the format, each line newline-terminated. */
export function encodeEvents(format: ExportFormat, events: readonly TrackingEvent[]): string {
  if (format === ExportFormat.CSV) return events.map((e) => csvRow(CSV_COLUMNS.map(([, get]) => get(e)))).join("");
  return events.map((e) => `${toJsonString(TrackingEventSchema, e)}\n`).join("");
}
