// `gettrackinfo` (§2.5): the full track_info of every registration matching each item; unknown
// numbers are -18019902. Before the first event the status is NotFound (§2.1: registration has no events).
import { Track17Error } from "../../upstream/error-codes.js";
import type { Rejected, TrackInfoAccepted } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { type EndpointResult, itemsResult, rejectCode } from "../envelope.js";
import { checkNumber, echoNumber, parseItemArray, targetsOf } from "../items.js";
import { trackInfoItem } from "../presenters.js";

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
    const echo = { number: echoNumber(item), carrier: item.carrier };
    const bad = checkNumber(item);
    if (bad) {
      rejected.push(rejectCode(echo, bad.code, bad.arg));
      continue;
    }
    const regs = targetsOf(engine.store, item);
    if (regs.length === 0) rejected.push(rejectCode(echo, Track17Error.NotRegistered, echo.number));
    for (const reg of regs) accepted.push(trackInfoItem(reg, now));
  }
  return itemsResult(accepted, rejected);
}
