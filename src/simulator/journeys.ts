// Turns a tracking number into a timed journey (pure: the start time is passed in). Template and
// timings come from a hash of the number, so the same number always travels the same way; the
// journey starts at registration time because registration returns no events (§2.1).
import type { MainStatus } from "../upstream/wire.js";
import { between, createRandom, fnv1a, pick } from "./hash.js";
import { JOURNEY_KINDS, type JourneyKind, type Site, stageOf, TEMPLATES } from "./journey-templates.js";
import { builtinCarrier, type CarrierInfo, type City, COUNTRIES, citiesOf, LAST_MILE_POST } from "./places.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface PlannedEvent {
  /** Epoch ms, whole seconds (carrier times carry no milliseconds). */
  at: number;
  status: MainStatus | string;
  subStatus: string;
  stage: string | null;
  description: string;
  place: City;
  providerKey: number;
}

/** A status change without a carrier event (17TRACK's own Expired verdict, §4.2). */
export interface StatusChange {
  at: number;
  status: string;
  subStatus: string;
}

export interface JourneyProvider {
  key: number;
  name: string;
  homepage: string | null;
  country: string | null;
}

export interface JourneyPlan {
  kind: JourneyKind | "scripted";
  startedAt: number;
  /** First carrier query after registration; before it there is no tracking result at all (§2.1, -18019808). */
  firstSyncAt: number;
  /** Ascending by time. */
  events: PlannedEvent[];
  statusChanges: StatusChange[];
  /** In listing order: the last-mile provider first, as the real API tends to do (§8.9). */
  providers: JourneyProvider[];
  shipper: City | null;
  recipient: City | null;
  serviceType: string | null;
  weightKg: string | null;
  localNumber: string;
  localProvider: string;
  localKey: number;
  estimatedDelivery: { from: number; to: number } | null;
}

export type DescribeCarrier = (key: number) => CarrierInfo | undefined;

export interface PlanInput {
  number: string;
  carrier: number;
  startedAt: number;
  describe?: DescribeCarrier;
}

/** Which template a number follows: stable across runs, processes and carriers. */
export function pickJourneyKind(number: string): JourneyKind {
  return JOURNEY_KINDS[fnv1a(`kind:${number.toUpperCase()}`) % JOURNEY_KINDS.length] as JourneyKind;
}

export function describeProvider(key: number, describe?: DescribeCarrier): JourneyProvider {
  const info = describe?.(key) ?? builtinCarrier(key);
  return {
    key,
    name: info?.name.trim() || `Carrier ${key}`,
    homepage: info?.url ?? null,
    country: info?.country ?? null,
  };
}

export function planJourney(input: PlanInput): JourneyPlan {
  const { number, carrier, describe } = input;
  const kind = pickJourneyKind(number);
  const template = TEMPLATES[kind];
  const random = createRandom(fnv1a(number.toUpperCase()));
  const startedAt = Math.floor(input.startedAt / 1000) * 1000;
  const firstSyncAt = startedAt + between(random, 60, 300) * 1000;

  const origin = describeProvider(carrier, describe);
  const originCountry = origin.country && COUNTRIES.includes(origin.country) ? origin.country : pick(random, COUNTRIES);
  const destChoices = COUNTRIES.filter((c) => c !== originCountry && LAST_MILE_POST[c]?.key !== carrier);
  const destCountry = template.international ? pick(random, destChoices) : originCountry;
  const sites = resolveSites(random, originCountry, destCountry);

  const lastMilePost = template.handoff ? LAST_MILE_POST[destCountry] : undefined;
  const lastMile = lastMilePost ? describeProvider(lastMilePost.key, describe) : undefined;

  const events: PlannedEvent[] = [];
  let at = firstSyncAt + between(random, 5, 180) * MINUTE;
  template.steps.forEach((step, i) => {
    if (i > 0) at += between(random, step.gap[0] * 60, step.gap[1] * 60) * MINUTE;
    at = Math.floor(at / 1000) * 1000 + between(random, 0, 59) * 1000;
    events.push({
      at,
      status: mainStatusOf(step.sub),
      subStatus: step.sub,
      stage: step.stage === undefined ? stageOf(step.sub) : step.stage,
      description: step.text,
      place: sites[step.at],
      providerKey: step.by === "last" && lastMile ? lastMile.key : carrier,
    });
  });

  const last = events.at(-1);
  const statusChanges: StatusChange[] =
    template.expireAfterDays && last
      ? [{ at: last.at + template.expireAfterDays * DAY, status: "Expired", subStatus: "Expired_Other" }]
      : [];
  const weight = between(random, 10, 800) / 100;
  const localNumber = lastMile ? lastMileNumber(random, destCountry) : "";
  const expected = last ? last.at + between(random, 0, 2) * DAY : null;

  return {
    kind,
    startedAt,
    firstSyncAt,
    events,
    statusChanges,
    providers: lastMile ? [lastMile, origin] : [origin],
    shipper: events.length > 0 ? sites.origin : null,
    recipient: events.length > 0 ? sites.dest : null,
    serviceType: template.international ? "International Registered" : "Standard",
    weightKg: weight.toFixed(2),
    localNumber,
    localProvider: lastMile?.name ?? "",
    localKey: lastMile?.key ?? 0,
    estimatedDelivery: expected === null ? null : { from: expected - DAY, to: expected + DAY },
  };
}

/** "InTransit_Arrival" → "InTransit"; "InfoReceived" has no suffix (§4.3). */
export function mainStatusOf(sub: string): string {
  return sub.split("_")[0] ?? sub;
}

function resolveSites(random: () => number, originCountry: string, destCountry: string): Record<Site, City> {
  const from = citiesOf(originCountry);
  const to = citiesOf(destCountry);
  const origin = pick(random, from);
  const originHub = pick(random, from);
  const dest = pick(random, to);
  const destHub = pick(random, to);
  return { origin, originHub, exportHub: pick(random, from), importHub: pick(random, to), destHub, dest };
}

function lastMileNumber(random: () => number, country: string): string {
  const digits = (n: number) => Array.from({ length: n }, () => between(random, 0, 9)).join("");
  if (country === "US") return `92${digits(20)}`;
  const letter = String.fromCharCode(65 + between(random, 0, 25));
  return `L${letter}${digits(9)}${country}`;
}
