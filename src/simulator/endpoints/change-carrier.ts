// `changecarrier` (§2.2): the -18019801…-18019809 rules, at most 5 changes per number (§1.4). A change
// discards the old carrier's data and starts a fresh fetch, so the journey restarts (§2.2, [R]).
import { Track17Error } from "../../upstream/error-codes.js";
import type { NumberAccepted } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { rejectCode } from "../envelope.js";
import { carrierOf, checkNumber, echoNumber, type RawItem } from "../items.js";
import { type ItemOutcome, itemEndpoint } from "./per-item.js";

export const MAX_CARRIER_CHANGES = 5;

export const changeCarrier = itemEndpoint(changeOne);

function changeOne(engine: Engine, item: RawItem): ItemOutcome<NumberAccepted> {
  const { config, store } = engine;
  const echo = { number: echoNumber(item), carrier: item.carrier_old };
  const fail = (code: number, arg = "") => ({ error: rejectCode(echo, code, arg) });
  const bad = checkNumber(item);
  if (bad) return fail(bad.code, bad.arg);
  const number = item.number as string;

  const carrierNew = carrierOf(item.carrier_new);
  const finalNew = carrierOf(item.final_carrier_new);
  if (carrierNew === undefined && finalNew === undefined) return fail(Track17Error.ChangeNewMissing);

  const carrierOld = carrierOf(item.carrier_old);
  const regs = store.find(number);
  if (regs.length === 0) return fail(Track17Error.NotRegistered, number);
  if (carrierOld === undefined && regs.length > 1) return fail(Track17Error.ChangeMultipleCarriers);
  const reg = carrierOld === undefined ? regs[0] : regs.find((r) => r.carrier === carrierOld);
  if (!reg) return fail(Track17Error.ChangeNotRegisteredForOld, number);

  if (carrierNew !== undefined && !config.isKnownCarrier(carrierNew)) {
    return fail(Track17Error.ChangeCarrierNewInvalid, String(item.carrier_new));
  }
  if (finalNew !== undefined && !config.isKnownCarrier(finalNew)) {
    return fail(Track17Error.ChangeCarrierNewInvalid, String(item.final_carrier_new));
  }
  const sameCarrier = carrierNew === undefined || carrierNew === reg.carrier;
  const sameFinal = finalNew === undefined || finalNew === reg.finalCarrier;
  if (sameCarrier && sameFinal) return fail(Track17Error.ChangeSameCarrier);
  if (carrierNew !== undefined && carrierNew !== reg.carrier && store.get(number, carrierNew)) {
    return fail(Track17Error.ChangeWouldDuplicate, String(carrierNew));
  }
  if (reg.trackingStatus === "Stopped") return fail(Track17Error.ChangeStopped);
  if (reg.carrierChangeCount >= MAX_CARRIER_CHANGES) return fail(Track17Error.ChangeLimitExceeded);
  const now = engine.now();
  // -18019808: 17TRACK wants one tracking result (its first carrier query) before another change.
  if (now < reg.plan.firstSyncAt) return fail(Track17Error.ChangeNoResultYet);

  const target = carrierNew ?? reg.carrier;
  if (finalNew !== undefined && target >= 100_000) return fail(Track17Error.FinalCarrierPostalOnly);
  if (target !== reg.carrier) store.rekey(reg, target);
  if (finalNew !== undefined) reg.finalCarrier = finalNew;
  reg.carrierChangeCount++;
  reg.plan = engine.planFor(number, target, now);
  reg.trackingSince = now;
  reg.pushedRevision = 0;
  engine.refreshAutoStop(reg);
  return { accepted: { number: reg.number, carrier: reg.carrier } };
}
