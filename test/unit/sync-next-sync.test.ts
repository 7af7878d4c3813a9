// Next sync time (PRD §3.4.4): interval per rule, staleness back-off, delivered grace window, 17TRACK stop/expiry,
// max age, exceptions, time windows, retries.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  planNextSync,
  planRetry,
  type SyncPlan,
  type SyncState,
  stalenessMultiplier,
} from "../../src/domain/sync/next-sync.js";
import { DEFAULT_RULE, type ScheduleRule } from "../../src/domain/sync/schedule-rule.js";

const NOW = new Date("2026-12-04T12:00:00Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const state = (over: Partial<SyncState> = {}): SyncState => ({
  status: "IN_TRANSIT",
  isDelivered: false,
  isException: false,
  isExpired: false,
  trackingStopped: false,
  createdAt: ago(2),
  deliveredAt: null,
  latestEventAt: ago(0.5),
  lastSyncedAt: NOW,
  ...over,
});
const rule = (over: Partial<ScheduleRule> = {}): ScheduleRule => ({ ...DEFAULT_RULE, ...over });
const inMinutes = (p: SyncPlan) => (p.nextSyncAt ? (p.nextSyncAt.getTime() - NOW.getTime()) / 60_000 : p.stop);

const cases: [string, ScheduleRule, SyncState, number | string][] = [
  ["fresh shipment: the rule's interval", rule(), state(), 240],
  ["custom interval", rule({ syncIntervalMinutes: 30 }), state(), 30],
  ["quiet 3 days: ×2", rule({ syncIntervalMinutes: 60 }), state({ latestEventAt: ago(3) }), 120],
  ["quiet 7 days: ×4", rule({ syncIntervalMinutes: 60 }), state({ latestEventAt: ago(8) }), 240],
  ["quiet 14 days: ×8", rule({ syncIntervalMinutes: 60 }), state({ latestEventAt: ago(20) }), 480],
  ["back-off capped at a day", rule({ syncIntervalMinutes: 240 }), state({ latestEventAt: ago(20) }), 1440],
  [
    "rule beyond a day is kept",
    rule({ syncIntervalMinutes: 2880 }),
    state({ latestEventAt: ago(20), createdAt: ago(20) }),
    2880,
  ],
  [
    "no events yet: quiet since registration",
    rule({ syncIntervalMinutes: 60 }),
    state({ latestEventAt: null, createdAt: ago(4) }),
    120,
  ],
  [
    "from last sync, not from now",
    rule({ syncIntervalMinutes: 60 }),
    state({ lastSyncedAt: new Date(NOW.getTime() - 20 * 60_000) }),
    40,
  ],
  ["overdue after a rule change: due now", rule({ syncIntervalMinutes: 60 }), state({ lastSyncedAt: ago(1) }), 0],
  [
    "delivered 1 day ago: keeps syncing",
    rule(),
    state({ status: "DELIVERED", isDelivered: true, deliveredAt: ago(1) }),
    240,
  ],
  [
    "delivered 7 days ago: stops",
    rule(),
    state({ status: "DELIVERED", isDelivered: true, deliveredAt: ago(7) }),
    "DELIVERED",
  ],
  [
    "delivered, next sync would pass the window: stops",
    rule(),
    state({ status: "DELIVERED", isDelivered: true, deliveredAt: new Date(NOW.getTime() - 7 * DAY + 60_000) }),
    "DELIVERED",
  ],
  [
    "delivered, rule does not stop on delivery",
    rule({ stopOnDelivered: false }),
    state({ status: "DELIVERED", isDelivered: true, deliveredAt: ago(30), latestEventAt: ago(0.1) }),
    240,
  ],
  [
    "delivered without a delivery time: latest event counts",
    rule(),
    state({ status: "DELIVERED", isDelivered: true, latestEventAt: ago(8) }),
    "DELIVERED",
  ],
  ["17TRACK stopped tracking", rule(), state({ trackingStopped: true }), "STOPPED_UPSTREAM"],
  ["17TRACK expired", rule(), state({ status: "EXPIRED", isExpired: true }), "EXPIRED"],
  ["past max age", rule({ maxAgeDays: 30 }), state({ createdAt: ago(31) }), "MAX_AGE"],
  [
    "next sync would pass max age",
    rule({ maxAgeDays: 30, syncIntervalMinutes: 240 }),
    state({ createdAt: new Date(NOW.getTime() - 30 * DAY + 60 * 60_000) }),
    "MAX_AGE",
  ],
  [
    "no max age: never stops for age",
    rule({ maxAgeDays: null }),
    state({ createdAt: ago(400), latestEventAt: ago(0.1) }),
    240,
  ],
  [
    "exception, rule stops on exception",
    rule({ stopOnException: true }),
    state({ status: "EXCEPTION", isException: true }),
    "EXCEPTION",
  ],
  ["exception, default keeps syncing", rule(), state({ status: "EXCEPTION", isException: true }), 240],
  [
    "outside the active window: moved to its opening",
    rule({
      syncIntervalMinutes: 60,
      activeTimeWindows: [{ daysOfWeek: [], start: "20:00", end: "22:00", timezone: "" }],
    }),
    state(),
    480,
  ],
];

for (const [name, r, s, expected] of cases) {
  test(name, () => {
    assert.is(inMinutes(planNextSync(r, s, NOW)), expected);
  });
}

test("staleness multiplier table", () => {
  assert.equal([0, 2.9, 3, 6.9, 7, 13.9, 14, 100].map(stalenessMultiplier), [1, 1, 2, 2, 4, 4, 8, 8]);
});

test("a retry waits its delay and respects the windows", () => {
  assert.is(planRetry(rule(), 120_000, NOW).toISOString(), "2026-12-04T12:02:00.000Z");
  const night = rule({ activeTimeWindows: [{ daysOfWeek: [], start: "00:00", end: "06:00", timezone: "" }] });
  assert.is(planRetry(night, 120_000, NOW).toISOString(), "2026-12-05T00:00:00.000Z");
});

test.run();
