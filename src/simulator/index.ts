// Public surface of the 17TRACK v2.2 simulator (DESIGN: the sandbox every test talks to over HTTP).

export { readCarrierList } from "./carrier-list.js";
export type { ClockInfo, CountersSnapshot, FaultInput, ShipmentView, SimControl } from "./control.js";
export { FAULT_KINDS, type FaultKind, type FaultSpec } from "./faults.js";
export { JOURNEY_KINDS, type JourneyKind } from "./journey-templates.js";
export { type JourneyPlan, type PlannedEvent, pickJourneyKind, planJourney } from "./journeys.js";
export type { CarrierInfo } from "./places.js";
export { signBody } from "./push.js";
export type { ScriptEvent, ShipmentScript } from "./script.js";
export { RATE_LIMIT_CODE } from "./server.js";
export { createSimulator, type Simulator } from "./simulator.js";
export type { SimLogger, SimulatorOptions } from "./types.js";
