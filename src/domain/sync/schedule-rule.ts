// Schedule rules (PRD §2.1.8 sync_schedule_config, §3.4.1 "configurable sync intervals per carrier/status"):
// which rule governs a shipment, and the documented default when none matches. Pure.
import type { Status } from "../tracking/status.js";
import type { RetryStrategy } from "./retry-delay.js";
import type { TimeWindow } from "./time-windows.js";

export interface ScheduleRule {
  /** null for the built-in default. */
  configId: number | null;
  ruleName: string;
  ruleDescription: string;
  isActive: boolean;
  /** Criteria; null matches anything. */
  carrierId: number | null;
  carrierCode: string | null;
  statusPattern: Status | null;
  destinationCountry: string | null;
  syncIntervalMinutes: number;
  /** Stop syncing this many days after the shipment was registered; null = never. */
  maxAgeDays: number | null;
  stopOnDelivered: boolean;
  stopOnException: boolean;
  retryStrategy: RetryStrategy;
  initialRetryDelayMinutes: number;
  maxRetryAttempts: number;
  /** 1 highest .. 10 lowest. */
  priorityLevel: number;
  activeTimeWindows: TimeWindow[];
}

/** What a rule is matched against. */
export interface RuleTarget {
  carrierId: number;
  status: Status;
  destinationCountry: string | null;
}

/**
 * The documented default (README "Sync engine"): every 4 h, stop 90 days after registration, stop 7 days after
 * delivery, keep syncing exceptions, retry exponentially from 1 min for 5 attempts, middle priority, any time of day.
 */
export const DEFAULT_RULE: ScheduleRule = Object.freeze({
  configId: null,
  ruleName: "default",
  ruleDescription: "Built-in default: applies when no configured rule matches.",
  isActive: true,
  carrierId: null,
  carrierCode: null,
  statusPattern: null,
  destinationCountry: null,
  syncIntervalMinutes: 240,
  maxAgeDays: 90,
  stopOnDelivered: true,
  stopOnException: false,
  retryStrategy: "EXPONENTIAL",
  initialRetryDelayMinutes: 1,
  maxRetryAttempts: 5,
  priorityLevel: 5,
  activeTimeWindows: [],
}) as ScheduleRule;

/**
 * Carrier outranks status outranks destination (a carrier's API quirks matter more than a country); the weights make
 * any rule with more criteria outrank one with fewer.
 */
export function specificity(rule: ScheduleRule): number {
  return (rule.carrierId !== null ? 4 : 0) + (rule.statusPattern !== null ? 2 : 0) + (rule.destinationCountry ? 1 : 0);
}

/** Matching order: most specific first, then the more urgent priority, then the older rule (stable). */
export function sortRules(rules: readonly ScheduleRule[]): ScheduleRule[] {
  return [...rules].sort(
    (a, b) =>
      specificity(b) - specificity(a) ||
      a.priorityLevel - b.priorityLevel ||
      (a.configId ?? Number.MAX_SAFE_INTEGER) - (b.configId ?? Number.MAX_SAFE_INTEGER),
  );
}

export function ruleMatches(rule: ScheduleRule, target: RuleTarget): boolean {
  return (
    rule.isActive &&
    (rule.carrierId === null || rule.carrierId === target.carrierId) &&
    (rule.statusPattern === null || rule.statusPattern === target.status) &&
    (!rule.destinationCountry || rule.destinationCountry === target.destinationCountry)
  );
}

/** The governing rule: the first match in `sortRules` order, else DEFAULT_RULE. */
export function matchRule(sorted: readonly ScheduleRule[], target: RuleTarget): ScheduleRule {
  return sorted.find((r) => ruleMatches(r, target)) ?? DEFAULT_RULE;
}
