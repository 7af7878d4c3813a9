// The one ingest port shared by sync, push and refresh: a 17TRACK track_info in, the shipment's stored timeline and
// state updated in one transaction, and a report of what changed out.
import type { Transaction } from "sequelize";
import type { Status } from "../domain/tracking/status.js";
import type { TrackInfo } from "../upstream/wire.js";

export type IngestSource = "SYNC" | "PUSH" | "REFRESH";

export interface IngestInput {
  /** The number as 17TRACK echoes it. */
  trackingNumber: string;
  /** 17TRACK's carrier key for the item, when known: picks the record when one number is tracked on two carriers. */
  track17CarrierKey?: number | null;
  /** Set when the caller already knows the record (sync, refresh). */
  trackingId?: string;
  trackInfo: TrackInfo | null | undefined;
  source: IngestSource;
}

export interface IngestResult {
  trackingId: string;
  /** Events inserted by this call (0 for a repeated push or an overlapping page). */
  newEvents: number;
  /** Events in the answer, after de-duplication within it. */
  eventsSeen: number;
  statusChanged: boolean;
  previousStatus: Status;
  status: Status;
}

export interface Ingest {
  /**
   * Applies one shipment's answer. Runs in `transaction` when given (so a caller can add its own writes, e.g. the
   * sync job row, to the same commit), else in its own. Undefined when no record matches the number.
   */
  ingest(input: IngestInput, transaction?: Transaction): Promise<IngestResult | undefined>;
}
