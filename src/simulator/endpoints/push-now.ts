// `push` (§2.8): re-sends the current data of each number to the webhook and reports per item whether
// the receiver took it (-18010206 when it did not). No webhook configured → -18010204 for the request.
import { Track17Error } from "../../upstream/error-codes.js";
import type { NumberAccepted, Rejected } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { type EndpointResult, itemsResult, rejectCode } from "../envelope.js";
import { parseItemArray } from "../items.js";
import { findTargets } from "./per-item.js";

export async function pushNow(
  engine: Engine,
  body: unknown,
  requestError: (code: number) => EndpointResult,
): Promise<EndpointResult> {
  const parsed = parseItemArray(body);
  if ("error" in parsed) return requestError(parsed.error);
  if (!engine.account.webhookUrl) return requestError(Track17Error.WebhookNotSet);
  const accepted: NumberAccepted[] = [];
  const rejected: Rejected[] = [];
  const sends: Promise<void>[] = [];
  for (const item of parsed.items) {
    const found = findTargets(engine.store, item);
    if ("error" in found) {
      rejected.push(found.error);
      continue;
    }
    for (const reg of found.regs) {
      sends.push(
        engine.pushCurrent(reg).then((outcome) => {
          if (outcome.ok) accepted.push({ number: reg.number, carrier: reg.carrier });
          else rejected.push(rejectCode({ number: reg.number, carrier: reg.carrier }, Track17Error.PushFailed));
        }),
      );
    }
  }
  await Promise.all(sends);
  return itemsResult(accepted, rejected);
}
