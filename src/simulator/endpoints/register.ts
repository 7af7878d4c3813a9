// `register` (§2.1, checklist §9): validates each item, decides the carrier (given, corrected or
// detected), charges one quota per accepted registration only (§1.4) and starts its journey.
import { Track17Error } from "../../upstream/error-codes.js";
import type { RegisterAccepted } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { rejectCode, rejectItem } from "../envelope.js";
import { carrierOf, checkNumber, echoNumber, type RawItem } from "../items.js";
import type { Registration } from "../store.js";
import { checkInfoFields, type InfoFields } from "./info-fields.js";
import { type ItemOutcome, itemEndpoint } from "./per-item.js";

/** Postal operators have 4–5 digit keys (§7.2); only they may take a final (last-mile) carrier (-18010016). */
const isPostal = (key: number) => key < 100_000;

export const register = itemEndpoint(registerOne, (engine) => engine.rollDay());

function registerOne(engine: Engine, item: RawItem): ItemOutcome<RegisterAccepted> {
  const { config, store, account } = engine;
  const echo = { number: echoNumber(item), tag: item.tag, carrier: item.carrier };
  const fail = (code: number, arg = "") => ({ error: rejectCode(echo, code, arg) });
  const bad = checkNumber(item);
  if (bad) return fail(bad.code, bad.arg);
  const number = item.number as string;

  const given = carrierOf(item.carrier);
  let carrier: number;
  let origin: number;
  if (given !== undefined) {
    if (!config.isKnownCarrier(given)) return fail(Track17Error.CarrierCodeIncorrect, String(item.carrier));
    carrier = given;
    origin = 2;
    // §2.1: with auto_detection 17TRACK may correct the carrier; that is origin 1, not an error.
    const detected = item.auto_detection === true ? config.detect(number) : undefined;
    if (detected !== undefined && detected !== given && config.isKnownCarrier(detected)) {
      carrier = detected;
      origin = 1;
    }
  } else {
    const detected = config.detect(number);
    if (detected === undefined || !config.isKnownCarrier(detected)) return fail(Track17Error.CarrierUndetectable);
    carrier = detected;
    origin = 1;
  }

  const finalCarrier = carrierOf(item.final_carrier);
  if (finalCarrier !== undefined) {
    if (!config.isKnownCarrier(finalCarrier))
      return fail(Track17Error.CarrierCodeIncorrect, String(item.final_carrier));
    if (!isPostal(carrier)) return fail(Track17Error.FinalCarrierPostalOnly);
  }

  const existing = store.find(number);
  if (store.get(number, carrier) || (given === undefined && existing.length > 0)) {
    return fail(Track17Error.AlreadyRegistered, number);
  }

  const info = checkInfoFields(item);
  if ("error" in info) return { error: rejectItem(echo, info.error.code, info.error.message) };

  // Quota is checked last so that rejected items never cost anything (§1.4).
  if (account.quotaUsed >= config.quotaTotal) return fail(Track17Error.QuotaExhausted);
  if (config.maxTrackDaily > 0 && account.todayUsed >= config.maxTrackDaily) {
    return fail(Track17Error.DailyLimitExceeded);
  }

  const reg = newRegistration(engine, number, carrier, finalCarrier ?? 0, info.value);
  store.add(reg);
  account.quotaUsed++;
  account.todayUsed++;
  return {
    accepted: { origin, number, carrier, email: reg.email, tag: reg.tag, lang: reg.lang },
  };
}

function newRegistration(
  engine: Engine,
  number: string,
  carrier: number,
  finalCarrier: number,
  info: InfoFields,
): Registration {
  const now = engine.now();
  const reg: Registration = {
    number,
    carrier,
    finalCarrier,
    param: info.param ?? null,
    tag: info.tag ?? null,
    orderNo: info.orderNo ?? null,
    orderTime: info.orderTime ?? null,
    lang: info.lang ?? null,
    email: info.email ?? null,
    remark: info.remark ?? null,
    registerTime: now,
    trackingStatus: "Tracking",
    trackingSince: now,
    autoStopTime: Number.POSITIVE_INFINITY,
    stopTime: null,
    stopReason: null,
    isRetracked: false,
    carrierChangeCount: 0,
    plan: engine.planFor(number, carrier, now),
    pushTime: null,
    pushStatus: "NotPushed",
    pushStatusCode: null,
    pushedRevision: 0,
  };
  engine.refreshAutoStop(reg);
  return reg;
}
