// Schedule-rule matching (PRD §2.1.8, §3.4.1): most specific first, inactive rules ignored, the documented default.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  DEFAULT_RULE,
  matchRule,
  type RuleTarget,
  type ScheduleRule,
  sortRules,
  specificity,
} from "../../src/domain/sync/schedule-rule.js";

let id = 0;
const rule = (name: string, over: Partial<ScheduleRule> = {}): ScheduleRule => ({
  ...DEFAULT_RULE,
  configId: ++id,
  ruleName: name,
  ...over,
});

const rules = sortRules([
  rule("any"),
  rule("germany", { destinationCountry: "DE" }),
  rule("in-transit", { statusPattern: "IN_TRANSIT" }),
  rule("dhl", { carrierId: 7 }),
  rule("dhl-in-transit", { carrierId: 7, statusPattern: "IN_TRANSIT" }),
  rule("dhl-in-transit-de", { carrierId: 7, statusPattern: "IN_TRANSIT", destinationCountry: "DE" }),
  rule("in-transit-de", { statusPattern: "IN_TRANSIT", destinationCountry: "DE" }),
  rule("ups-off", { carrierId: 9, isActive: false }),
  rule("urgent-any", { priorityLevel: 1 }),
]);

const cases: [string, RuleTarget, string][] = [
  [
    "all three criteria beat two",
    { carrierId: 7, status: "IN_TRANSIT", destinationCountry: "DE" },
    "dhl-in-transit-de",
  ],
  ["carrier+status", { carrierId: 7, status: "IN_TRANSIT", destinationCountry: "FR" }, "dhl-in-transit"],
  ["carrier alone beats status+destination", { carrierId: 7, status: "DELIVERED", destinationCountry: "DE" }, "dhl"],
  [
    "status+destination beats status",
    { carrierId: 1, status: "IN_TRANSIT", destinationCountry: "DE" },
    "in-transit-de",
  ],
  ["status beats destination", { carrierId: 1, status: "IN_TRANSIT", destinationCountry: "FR" }, "in-transit"],
  ["destination alone", { carrierId: 1, status: "DELIVERED", destinationCountry: "DE" }, "germany"],
  [
    "catch-alls: the more urgent one first",
    { carrierId: 1, status: "DELIVERED", destinationCountry: null },
    "urgent-any",
  ],
  ["inactive rules never match", { carrierId: 9, status: "DELIVERED", destinationCountry: null }, "urgent-any"],
];

for (const [name, target, expected] of cases) {
  test(name, () => {
    assert.is(matchRule(rules, target).ruleName, expected);
  });
}

test("no configured rule: the documented default", () => {
  const r = matchRule([], { carrierId: 1, status: "IN_TRANSIT", destinationCountry: null });
  assert.is(r, DEFAULT_RULE);
  assert.equal(
    [
      r.syncIntervalMinutes,
      r.maxAgeDays,
      r.stopOnDelivered,
      r.retryStrategy,
      r.initialRetryDelayMinutes,
      r.maxRetryAttempts,
      r.priorityLevel,
    ],
    [240, 90, true, "EXPONENTIAL", 1, 5, 5],
  );
});

test("specificity weights carrier > status > destination", () => {
  assert.is(specificity(rule("c", { carrierId: 1 })), 4);
  assert.is(specificity(rule("s", { statusPattern: "DELIVERED" })), 2);
  assert.is(specificity(rule("d", { destinationCountry: "US" })), 1);
  assert.is(specificity(rule("none")), 0);
});

test.run();
