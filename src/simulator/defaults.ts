// Default carrier wiring for the simulator: detection from the domain's checksum-verified rules, known
// keys from the built-in seed plus (optionally) a 17TRACK carrier-list file (apicarrier.all.json shape,
// §7.2), and provider names from the same sources.
import { detectCarriers } from "../domain/carriers/detect.js";
import { CARRIER_SEED } from "../domain/carriers/seed.js";
import { readCarrierList } from "./carrier-list.js";
import type { CarrierInfo } from "./places.js";
import { createSimulator, type Simulator } from "./simulator.js";
import type { SimulatorOptions } from "./types.js";

export interface CarrierWiring {
  detect: (number: string) => number | undefined;
  knownCarrierKeys: ReadonlySet<number>;
  describeCarrier: (key: number) => CarrierInfo | undefined;
}

export interface DefaultWiringOptions {
  /** Path of a 17TRACK carrier list (`[{ key, _name, _country_iso, _url, … }]`) whose keys are also accepted. */
  carrierListPath?: string;
}

export function createDefaultCarrierWiring(options: DefaultWiringOptions = {}): CarrierWiring {
  const info = options.carrierListPath ? readCarrierList(options.carrierListPath) : new Map<number, CarrierInfo>();
  // Seed entries win over the list: their names are the ones the service shows (PRD §2.1.1).
  for (const c of CARRIER_SEED) info.set(c.track17Key, { name: c.name, country: c.country, url: c.url ?? null });
  return {
    detect(number) {
      let best: { track17Key: number; confidence: number } | undefined;
      for (const c of detectCarriers(number)) if (!best || c.confidence > best.confidence) best = c;
      return best?.track17Key;
    },
    knownCarrierKeys: new Set(info.keys()),
    describeCarrier: (key) => info.get(key),
  };
}

/** A simulator wired with the default carrier data; explicit options override the wiring. */
export function createDefaultSimulator(options: SimulatorOptions & DefaultWiringOptions = {}): Simulator {
  const { carrierListPath, ...rest } = options;
  return createSimulator({ ...createDefaultCarrierWiring({ carrierListPath }), ...rest });
}
