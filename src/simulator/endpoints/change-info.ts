// `changeinfo` (§2.3): edits tag/order/param/… of one registration; the fields sit under `items`
// (one client's reading of the doc). An ambiguous number (several carriers, none given) is -18019810.
import { Track17Error } from "../../upstream/error-codes.js";
import type { NumberAccepted, Rejected } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { type EndpointResult, itemsResult, rejectCode, rejectItem } from "../envelope.js";
import { checkNumber, echoNumber, parseItemArray, targetsOf } from "../items.js";
import { checkInfoFields } from "./info-fields.js";

export function changeInfo(
  engine: Engine,
  body: unknown,
  requestError: (code: number) => EndpointResult,
): EndpointResult {
  const parsed = parseItemArray(body);
  if ("error" in parsed) return requestError(parsed.error);
  const accepted: NumberAccepted[] = [];
  const rejected: Rejected[] = [];
  for (const item of parsed.items) {
    const echo = { number: echoNumber(item), carrier: item.carrier };
    const bad = checkNumber(item);
    if (bad) {
      rejected.push(rejectCode(echo, bad.code, bad.arg));
      continue;
    }
    const regs = targetsOf(engine.store, item);
    const reg = regs[0];
    if (!reg) {
      rejected.push(rejectCode(echo, Track17Error.NotRegistered, echo.number));
      continue;
    }
    if (regs.length > 1) {
      rejected.push(rejectCode(echo, Track17Error.UpdateNotUnique));
      continue;
    }
    const fields = item.items;
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
      rejected.push(rejectCode(echo, Track17Error.ChangeNothingValid));
      continue;
    }
    const info = checkInfoFields(fields as Record<string, unknown>);
    if ("error" in info) {
      rejected.push(rejectItem(echo, info.error.code, info.error.message));
      continue;
    }
    if (info.present === 0) {
      rejected.push(rejectCode(echo, Track17Error.ChangeNothingValid));
      continue;
    }
    const v = info.value;
    if (v.tag !== undefined) reg.tag = v.tag;
    if (v.param !== undefined) reg.param = v.param;
    if (v.orderNo !== undefined) reg.orderNo = v.orderNo;
    if (v.orderTime !== undefined) reg.orderTime = v.orderTime;
    if (v.lang !== undefined) reg.lang = v.lang;
    if (v.email !== undefined) reg.email = v.email;
    if (v.remark !== undefined) reg.remark = v.remark;
    accepted.push({ number: reg.number, carrier: reg.carrier });
  }
  return itemsResult(accepted, rejected);
}
