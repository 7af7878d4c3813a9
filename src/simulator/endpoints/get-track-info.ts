// `gettrackinfo` (§2.5): the full track_info of every registration matching each item; unknown
// numbers are -18019902. Before the first event the status is NotFound (§2.1: registration has no events).
import type { Rejected, TrackInfoAccepted } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { type EndpointResult, itemsResult } from "../envelope.js";
import { parseItemArray } from "../items.js";
import { trackInfoItem } from "../presenters.js";
import { findTargets } from "./per-item.js";

export function getTrackInfo(
  engine: Engine,
  body: unknown,
  requestError: (code: number) => EndpointResult,
): EndpointResult {
  const parsed = parseItemArray(body);
  if ("error" in parsed) return requestError(parsed.error);
  const now = engine.now();
  const accepted: TrackInfoAccepted[] = [];
  const rejected: Rejected[] = [];
  for (const item of parsed.items) {
    const found = findTargets(engine.store, item);
    if ("error" in found) rejected.push(found.error);
    else for (const reg of found.regs) accepted.push(trackInfoItem(reg, now));
  }
  return itemsResult(accepted, rejected);
}
