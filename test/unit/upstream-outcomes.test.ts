import { test } from "uvu";
import * as assert from "uvu/assert";
import { Track17Error } from "../../src/upstream/error-codes.js";
import {
  type RejectionReason,
  rejectionReason,
  splitItems,
  toRegisterOutcomes,
  toRejectedOutcome,
} from "../../src/upstream/outcomes.js";

const reasonCases: [number, RejectionReason][] = [
  [Track17Error.AlreadyRegistered, "already_registered"],
  [Track17Error.NotRegistered, "not_registered"],
  [Track17Error.CarrierUndetectable, "carrier_undetectable"],
  [Track17Error.CarrierCodeIncorrect, "carrier_incorrect"],
  [Track17Error.CarrierUnavailable, "carrier_unavailable"],
  [Track17Error.QuotaExhausted, "quota_exhausted"],
  [Track17Error.DailyLimitExceeded, "daily_limit"],
  [Track17Error.FormatInvalid, "invalid_format"],
  [Track17Error.FieldValueInvalid, "invalid_value"],
  [Track17Error.FinalCarrierPostalOnly, "final_carrier_postal_only"],
  [Track17Error.PostalRequired, "param_required"],
  [Track17Error.RetrackOnlyStopped, "retrack_only_stopped"],
  [Track17Error.RetrackOnce, "retrack_once"],
  [Track17Error.StopOnlyTracking, "stop_only_tracking"],
  [Track17Error.NoTrackingInfo, "no_tracking_info"],
  [Track17Error.ChangeLimitExceeded, "change_limit"],
  [Track17Error.ChangeSameCarrier, "change_same_carrier"],
  [Track17Error.ChangeStopped, "change_stopped"],
  [Track17Error.WebhookNotSet, "webhook_not_set"],
  [-1, "unknown"],
  [0, "unknown"],
];
for (const [code, reason] of reasonCases) {
  test(`rejectionReason(${code}) = ${reason}`, () => assert.is(rejectionReason(code), reason));
}

test("reason comes from the code, not the message", () => {
  const r = toRejectedOutcome({
    number: "X1",
    error: { code: -18019902, message: "Tracking number X1 is already registered." },
  });
  assert.is(r.reason, "not_registered");
});

const rejectedCases: { name: string; raw: unknown; expect: object }[] = [
  {
    name: "full entry with numeric carrier",
    raw: {
      number: "RR1",
      carrier: 3011,
      tag: "t",
      error: { code: -18019910, message: "Carrier code 1 is incorrect." },
    },
    expect: {
      number: "RR1",
      carrier: 3011,
      tag: "t",
      code: -18019910,
      message: "Carrier code 1 is incorrect.",
      reason: "carrier_incorrect",
    },
  },
  {
    name: "carrier echoed as a string",
    raw: { number: "RR1", carrier: "3011", error: { code: -18019901, message: "m" } },
    expect: { number: "RR1", carrier: 3011, code: -18019901, message: "m", reason: "already_registered" },
  },
  {
    name: "nulls everywhere",
    raw: { number: null, carrier: null, tag: null, error: null },
    expect: { number: "", code: 0, message: "", reason: "unknown" },
  },
  {
    name: "not an object",
    raw: "garbage",
    expect: { number: "", code: 0, message: "", reason: "unknown" },
  },
  {
    name: "code as a string",
    raw: { number: "N", error: { code: "-18019906", message: "x" } },
    expect: { number: "N", code: -18019906, message: "x", reason: "stop_only_tracking" },
  },
];
for (const c of rejectedCases) {
  test(`toRejectedOutcome: ${c.name}`, () => assert.equal(toRejectedOutcome(c.raw), c.expect));
}

test("splitItems: missing data gives every sent number as missing_from_response", () => {
  const s = splitItems(null, ["A", "B"]);
  assert.is(s.accepted.length, 0);
  assert.equal(
    s.rejected.map((r) => [r.number, r.reason]),
    [
      ["A", "missing_from_response"],
      ["B", "missing_from_response"],
    ],
  );
});

test("splitItems: numbers are matched case- and space-insensitively", () => {
  const s = splitItems({ accepted: [{ number: "RR123CN", carrier: 3011 }], rejected: [] }, ["rr 123cn"]);
  assert.is(s.accepted.length, 1);
  assert.is(s.rejected.length, 0);
});

test("splitItems: non-object accepted entries are dropped, unknown fields kept", () => {
  const s = splitItems({ accepted: [null, 3, { number: "A", carrier: 1, novel: true }], rejected: [] }, ["A"]);
  assert.equal(s.accepted, [{ number: "A", carrier: 1, novel: true }]);
});

test("toRegisterOutcomes: -18019901 is success with alreadyRegistered and the rejected carrier", () => {
  const split = splitItems(
    {
      accepted: [{ origin: 1, number: "A", carrier: 3011, email: null, tag: "ta", lang: null }],
      rejected: [
        {
          number: "B",
          carrier: 100002,
          error: { code: -18019901, message: "Tracking number B is already registered." },
        },
        { number: "C", error: { code: -18019901, message: "m" } },
        { number: "D", error: { code: -18010012, message: "The format of 'D' is invalid." } },
      ],
    },
    ["A", "B", "C", "D"],
  );
  const r = toRegisterOutcomes(split, [
    { number: "A" },
    { number: "B", carrier: 1 },
    { number: "C", carrier: 21051, tag: "tc" },
    { number: "D" },
  ]);
  assert.equal(r.accepted, [
    { number: "A", carrier: 3011, origin: 1, tag: "ta", email: null, lang: null, alreadyRegistered: false },
    { number: "B", carrier: 100002, origin: null, tag: null, email: null, lang: null, alreadyRegistered: true },
    { number: "C", carrier: 21051, origin: null, tag: "tc", email: null, lang: null, alreadyRegistered: true },
  ]);
  assert.equal(
    r.rejected.map((x) => [x.number, x.reason]),
    [["D", "invalid_format"]],
  );
});

test("toRegisterOutcomes: accepted entry with nulls does not crash", () => {
  const r = toRegisterOutcomes({ accepted: [{ number: "A", carrier: null, origin: null }], rejected: [] }, [
    { number: "A" },
  ]);
  assert.equal(r.accepted[0], {
    number: "A",
    carrier: null,
    origin: null,
    tag: null,
    email: null,
    lang: null,
    alreadyRegistered: false,
  });
});

test.run();
