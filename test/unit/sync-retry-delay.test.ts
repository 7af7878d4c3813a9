// Retry curves of schedule rules (PRD §2.1.8 retry_strategy; proto RetryStrategy documents the formulas).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRetryStrategy, type RetryDelayInput, retryDelayMs } from "../../src/domain/sync/retry-delay.js";

const MIN = 60_000;
const cases: [string, RetryDelayInput, number][] = [
  ["exponential, attempt 1 = initial", { strategy: "EXPONENTIAL", initialDelayMs: MIN, attempt: 1 }, MIN],
  ["exponential, attempt 2 doubles", { strategy: "EXPONENTIAL", initialDelayMs: MIN, attempt: 2 }, 2 * MIN],
  ["exponential, attempt 5 = 16×", { strategy: "EXPONENTIAL", initialDelayMs: MIN, attempt: 5 }, 16 * MIN],
  ["exponential is capped at 24 h", { strategy: "EXPONENTIAL", initialDelayMs: MIN, attempt: 40 }, 24 * 60 * MIN],
  [
    "exponential, custom cap",
    { strategy: "EXPONENTIAL", initialDelayMs: MIN, attempt: 4, maxDelayMs: 5 * MIN },
    5 * MIN,
  ],
  ["fixed stays at initial", { strategy: "FIXED", initialDelayMs: 30 * MIN, attempt: 4 }, 30 * MIN],
  ["linear, attempt 3 = 3×", { strategy: "LINEAR", initialDelayMs: 10 * MIN, attempt: 3 }, 30 * MIN],
  ["attempt 0 counts as 1", { strategy: "LINEAR", initialDelayMs: MIN, attempt: 0 }, MIN],
  [
    "jitter low end (random 0 → -10 %)",
    { strategy: "FIXED", initialDelayMs: MIN, attempt: 1, jitter: 0.1, random: () => 0 },
    54_000,
  ],
  [
    "jitter high end (random→1 → +10 %)",
    { strategy: "FIXED", initialDelayMs: MIN, attempt: 1, jitter: 0.1, random: () => 0.999999 },
    66_000,
  ],
  [
    "jitter middle keeps the delay",
    { strategy: "FIXED", initialDelayMs: MIN, attempt: 1, jitter: 0.5, random: () => 0.5 },
    MIN,
  ],
  [
    "jitter never exceeds the cap",
    { strategy: "FIXED", initialDelayMs: MIN, attempt: 1, jitter: 0.5, random: () => 0.99, maxDelayMs: MIN },
    MIN,
  ],
];

for (const [name, input, expected] of cases) {
  test(name, () => {
    assert.is(retryDelayMs(input), expected);
  });
}

test("strategy names", () => {
  assert.ok(isRetryStrategy("EXPONENTIAL") && isRetryStrategy("FIXED") && isRetryStrategy("LINEAR"));
  assert.not.ok(isRetryStrategy("exponential") || isRetryStrategy(null));
});

test.run();
