// `stoptrack`, `retrack`, `deletetrack` (§2.4): stop only what is tracking (-18019906), restart only
// what is stopped (-18019904) and only once (-18019905); delete at once (re-registering costs again).
import { Track17Error } from "../../upstream/error-codes.js";
import type { NumberAccepted } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { type EndpointResult, rejectCode } from "../envelope.js";
import { parseItemArray, type RawItem } from "../items.js";
import type { Registration } from "../store.js";
import { collectItems, findSingleTarget, type ItemOutcome } from "./per-item.js";

type Action = (engine: Engine, reg: Registration) => number | null;

const stop: Action = (engine, reg) => {
  if (reg.trackingStatus !== "Tracking") return Track17Error.StopOnlyTracking;
  reg.trackingStatus = "Stopped";
  reg.stopTime = engine.now();
  reg.stopReason = "ByRequest";
  engine.markStopped(reg);
  return null;
};

const retrack: Action = (engine, reg) => {
  if (reg.trackingStatus !== "Stopped") return Track17Error.RetrackOnlyStopped;
  if (reg.isRetracked) return Track17Error.RetrackOnce;
  reg.trackingStatus = "Tracking";
  reg.isRetracked = true;
  reg.stopTime = null;
  reg.stopReason = null;
  reg.trackingSince = engine.now();
  engine.refreshAutoStop(reg);
  return null;
};

const remove: Action = (engine, reg) => {
  engine.store.remove(reg);
  return null;
};

function perNumber(action: Action) {
  return (engine: Engine, body: unknown, requestError: (code: number) => EndpointResult): EndpointResult => {
    const parsed = parseItemArray(body);
    if ("error" in parsed) return requestError(parsed.error);
    return collectItems(parsed.items, (item) => applyOne(engine, item, action));
  };
}

function applyOne(engine: Engine, item: RawItem, action: Action): ItemOutcome<NumberAccepted> {
  const target = findSingleTarget(engine.store, item);
  if ("error" in target) return target;
  const { echo, reg } = target;
  const code = action(engine, reg);
  if (code !== null) return { error: rejectCode(echo, code, echo.number) };
  return { accepted: { number: reg.number, carrier: reg.carrier } };
}

export const stopTrack = perNumber(stop);
export const retrackNumber = perNumber(retrack);
export const deleteTrack = perNumber(remove);
