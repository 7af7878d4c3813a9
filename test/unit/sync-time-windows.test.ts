// Active time windows (PRD §2.1.8 active_time_windows) with IANA zones through Intl, DST and midnight wrap included.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  isWithinWindows,
  nextAllowedTime,
  parseTimeWindows,
  type TimeWindow,
} from "../../src/domain/sync/time-windows.js";

const win = (start: string, end: string, timezone = "", daysOfWeek: number[] = []): TimeWindow => ({
  daysOfWeek,
  start,
  end,
  timezone,
});
const at = (s: string) => new Date(s);

const within: [string, TimeWindow[], string, boolean][] = [
  ["no windows: always", [], "2026-12-04T03:00:00Z", true],
  ["UTC office hours, inside", [win("09:00", "17:00")], "2026-12-04T09:00:00Z", true],
  ["end is exclusive", [win("09:00", "17:00")], "2026-12-04T17:00:00Z", false],
  ["Berlin 09-17 at 08:30 UTC (09:30 CET)", [win("09:00", "17:00", "Europe/Berlin")], "2026-12-04T08:30:00Z", true],
  ["Berlin 09-17 at 07:30 UTC (08:30 CET)", [win("09:00", "17:00", "Europe/Berlin")], "2026-12-04T07:30:00Z", false],
  [
    "Berlin summer time (CEST) 09:30 = 07:30 UTC",
    [win("09:00", "17:00", "Europe/Berlin")],
    "2026-07-01T07:30:00Z",
    true,
  ],
  ["weekdays only: Friday", [win("00:00", "24:00", "", [1, 2, 3, 4, 5])], "2026-12-04T12:00:00Z", true],
  ["weekdays only: Saturday", [win("00:00", "24:00", "", [1, 2, 3, 4, 5])], "2026-12-05T12:00:00Z", false],
  ["wrap past midnight, late part", [win("22:00", "06:00")], "2026-12-04T23:30:00Z", true],
  ["wrap past midnight, early part", [win("22:00", "06:00")], "2026-12-05T05:59:00Z", true],
  [
    "wrap, early part belongs to the previous day (Fri only → Sat 01:00 in)",
    [win("22:00", "06:00", "", [5])],
    "2026-12-05T01:00:00Z",
    true,
  ],
  ["wrap, Sat 23:00 not in a Friday-only window", [win("22:00", "06:00", "", [5])], "2026-12-05T23:00:00Z", false],
  ["any of several windows", [win("01:00", "02:00"), win("12:00", "13:00")], "2026-12-04T12:30:00Z", true],
];
for (const [name, windows, t, expected] of within) {
  test(`within: ${name}`, () => {
    assert.is(isWithinWindows(windows, at(t)), expected);
  });
}

const next: [string, TimeWindow[], string, string][] = [
  ["inside: unchanged", [win("09:00", "17:00")], "2026-12-04T10:00:00Z", "2026-12-04T10:00:00.000Z"],
  ["before the window: today's opening", [win("09:00", "17:00")], "2026-12-04T06:00:00Z", "2026-12-04T09:00:00.000Z"],
  ["after the window: tomorrow's opening", [win("09:00", "17:00")], "2026-12-04T18:00:00Z", "2026-12-05T09:00:00.000Z"],
  [
    "Friday evening, weekdays only: Monday",
    [win("09:00", "17:00", "", [1, 2, 3, 4, 5])],
    "2026-12-04T18:00:00Z",
    "2026-12-07T09:00:00.000Z",
  ],
  [
    "Berlin: opens 08:00 UTC in winter",
    [win("09:00", "17:00", "Europe/Berlin")],
    "2026-12-04T05:00:00Z",
    "2026-12-04T08:00:00.000Z",
  ],
  [
    "New York: opens 14:00 UTC in winter",
    [win("09:00", "17:00", "America/New_York")],
    "2026-12-04T05:00:00Z",
    "2026-12-04T14:00:00.000Z",
  ],
  [
    "DST start day in Berlin (29 Mar 2026): 09:00 CEST = 07:00 UTC",
    [win("09:00", "17:00", "Europe/Berlin")],
    "2026-03-29T00:30:00Z",
    "2026-03-29T07:00:00.000Z",
  ],
  [
    "earliest of several windows",
    [win("20:00", "21:00"), win("12:00", "13:00")],
    "2026-12-04T10:00:00Z",
    "2026-12-04T12:00:00.000Z",
  ],
  ["month boundary", [win("09:00", "10:00")], "2026-12-31T11:00:00Z", "2027-01-01T09:00:00.000Z"],
];
for (const [name, windows, t, expected] of next) {
  test(`next allowed: ${name}`, () => {
    assert.is(nextAllowedTime(windows, at(t)).toISOString(), expected);
  });
}

const parse: [string, unknown, string | number][] = [
  ["null is always-on", null, 0],
  ["a valid window", [{ daysOfWeek: [1, 2], start: "08:00", end: "24:00", timezone: "Asia/Shanghai" }], 1],
  ["not an array", { start: "08:00" }, "must be an array"],
  ["bad start", [{ start: "8:00", end: "10:00" }], ".start must be HH:MM"],
  ["bad day", [{ daysOfWeek: [0], start: "08:00", end: "10:00" }], "daysOfWeek"],
  ["unknown zone", [{ start: "08:00", end: "10:00", timezone: "Mars/Olympus" }], "unknown"],
  ["empty window", [{ start: "08:00", end: "08:00" }], "empty"],
];
for (const [name, json, expected] of parse) {
  test(`parse: ${name}`, () => {
    const r = parseTimeWindows(json);
    if (typeof expected === "number") assert.is("value" in r ? r.value.length : -1, expected);
    else assert.ok("error" in r && r.error.includes(expected), JSON.stringify(r));
  });
}

test.run();
