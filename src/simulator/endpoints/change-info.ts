// `changeinfo` (§2.3): edits tag/order/param/… of one registration; the fields sit under `items`
// (one client's reading of the doc). An ambiguous number (several carriers, none given) is -18019810.
import { Track17Error } from "../../upstream/error-codes.js";
import type { NumberAccepted } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { rejectCode, rejectItem } from "../envelope.js";
import type { RawItem } from "../items.js";
import { checkInfoFields } from "./info-fields.js";
import { findSingleTarget, type ItemOutcome, itemEndpoint } from "./per-item.js";

export const changeInfo = itemEndpoint(changeOne);

function changeOne(engine: Engine, item: RawItem): ItemOutcome<NumberAccepted> {
  const target = findSingleTarget(engine.store, item);
  if ("error" in target) return target;
  const { echo, reg } = target;
  const fields = item.items;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    return { error: rejectCode(echo, Track17Error.ChangeNothingValid) };
  }
  const info = checkInfoFields(fields as Record<string, unknown>);
  if ("error" in info) return { error: rejectItem(echo, info.error.code, info.error.message) };
  if (info.present === 0) return { error: rejectCode(echo, Track17Error.ChangeNothingValid) };
  const v = info.value;
  if (v.tag !== undefined) reg.tag = v.tag;
  if (v.param !== undefined) reg.param = v.param;
  if (v.orderNo !== undefined) reg.orderNo = v.orderNo;
  if (v.orderTime !== undefined) reg.orderTime = v.orderTime;
  if (v.lang !== undefined) reg.lang = v.lang;
  if (v.email !== undefined) reg.email = v.email;
  if (v.remark !== undefined) reg.remark = v.remark;
  return { accepted: { number: reg.number, carrier: reg.carrier } };
}
