// `stoptrack`, `retrack`, `deletetrack` (§2.4): stop only what is tracking (-18019906), restart only
// what is stopped (-18019904) and only once (-18019905); delete at once (re-registering costs again).
import { Track17Error } from "../../upstream/error-codes.js";
import type { NumberAccepted, Rejected } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { type EndpointResult, itemsResult, rejectCode } from "../envelope.js";
import { checkNumber, echoNumber, parseItemArray, type RawItem, targetsOf } from "../items.js";
import type { Registration } from "../store.js";

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
    const accepted: NumberAccepted[] = [];
    const rejected: Rejected[] = [];
    for (const item of parsed.items) {
      const outcome = applyOne(engine, item, action);
      if ("error" in outcome) rejected.push(outcome.error);
      else accepted.push(outcome.accepted);
    }
    return itemsResult(accepted, rejected);
  };
}

function applyOne(engine: Engine, item: RawItem, action: Action): { accepted: NumberAccepted } | { error: Rejected } {
  const echo = { number: echoNumber(item), carrier: item.carrier };
  const bad = checkNumber(item);
  if (bad) return { error: rejectCode(echo, bad.code, bad.arg) };
  const regs = targetsOf(engine.store, item);
  const reg = regs[0];
  if (!reg) return { error: rejectCode(echo, Track17Error.NotRegistered, echo.number) };
  if (regs.length > 1) return { error: rejectCode(echo, Track17Error.UpdateNotUnique) };
  const code = action(engine, reg);
  if (code !== null) return { error: rejectCode(echo, code, echo.number) };
  return { accepted: { number: reg.number, carrier: reg.carrier } };
}

export const stopTrack = perNumber(stop);
export const retrackNumber = perNumber(retrack);
export const deleteTrack = perNumber(remove);
