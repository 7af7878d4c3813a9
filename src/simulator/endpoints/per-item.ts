// The per-item skeleton every number endpoint shares (§1.3): each item is accepted or rejected on its own, and an
// item naming a number is checked and matched against the registrations the same way everywhere.
import { Track17Error } from "../../upstream/error-codes.js";
import type { Rejected } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import { type EndpointResult, type ItemEcho, itemsResult, rejectCode } from "../envelope.js";
import { checkNumber, echoNumber, parseItemArray, type RawItem, targetsOf } from "../items.js";
import type { Registration, RegistrationStore } from "../store.js";

export type ItemOutcome<A> = { accepted: A } | { error: Rejected };

/**
 * An endpoint that validates the body as a list of items (a bad list fails the whole request) and answers every item
 * on its own with `one`. `begin` runs once per valid request, before the first item.
 */
export function itemEndpoint<A>(
  one: (engine: Engine, item: RawItem) => ItemOutcome<A>,
  begin?: (engine: Engine) => void,
): (engine: Engine, body: unknown, requestError: (code: number) => EndpointResult) => EndpointResult {
  return (engine, body, requestError) => {
    const parsed = parseItemArray(body);
    if ("error" in parsed) return requestError(parsed.error);
    begin?.(engine);
    const accepted: A[] = [];
    const rejected: Rejected[] = [];
    for (const item of parsed.items) {
      const outcome = one(engine, item);
      if ("error" in outcome) rejected.push(outcome.error);
      else accepted.push(outcome.accepted);
    }
    return itemsResult(accepted, rejected);
  };
}

/** The registrations an item names, or its rejection: a malformed number, or -18019902 when nothing matches. */
export function findTargets(
  store: RegistrationStore,
  item: RawItem,
): { echo: ItemEcho; regs: Registration[] } | { error: Rejected } {
  const echo = { number: echoNumber(item), carrier: item.carrier };
  const bad = checkNumber(item);
  if (bad) return { error: rejectCode(echo, bad.code, bad.arg) };
  const regs = targetsOf(store, item);
  if (regs.length === 0) return { error: rejectCode(echo, Track17Error.NotRegistered, echo.number) };
  return { echo, regs };
}

/** As findTargets, for endpoints that change one registration: a number on several carriers, none given, is -18019810. */
export function findSingleTarget(
  store: RegistrationStore,
  item: RawItem,
): { echo: ItemEcho; reg: Registration } | { error: Rejected } {
  const found = findTargets(store, item);
  if ("error" in found) return found;
  const [reg] = found.regs;
  if (found.regs.length > 1 || !reg) return { error: rejectCode(found.echo, Track17Error.UpdateNotUnique) };
  return { echo: found.echo, reg };
}
