// `stoptrack`, `retrack`, `deletetrack` (§2.4): stop only what is tracking (-18019906), restart only
// what is stopped (-18019904) and only once (-18019905); delete at once (re-registering costs again).
import { Track17Error } from "../../upstream/error-codes.js";
import type { NumberAccepted } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { rejectCode } from "../envelope.js";
import type { RawItem } from "../items.js";
import type { Registration } from "../store.js";
import { findSingleTarget, type ItemOutcome, itemEndpoint } from "./per-item.js";

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

function applyOne(engine: Engine, item: RawItem, action: Action): ItemOutcome<NumberAccepted> {
  const target = findSingleTarget(engine.store, item);
  if ("error" in target) return target;
  const { echo, reg } = target;
  const code = action(engine, reg);
  if (code !== null) return { error: rejectCode(echo, code, echo.number) };
  return { accepted: { number: reg.number, carrier: reg.carrier } };
}

export const stopTrack = itemEndpoint((engine, item) => applyOne(engine, item, stop));
export const retrackNumber = itemEndpoint((engine, item) => applyOne(engine, item, retrack));
export const deleteTrack = itemEndpoint((engine, item) => applyOne(engine, item, remove));
