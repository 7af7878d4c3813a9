import { test } from "uvu";
import * as assert from "uvu/assert";
import { Track17Error } from "../../src/upstream/error-codes.js";
import { Track17QuotaExhaustedError, Track17RequestError } from "../../src/upstream/errors.js";
import type { RegisterOutcome, RejectedOutcome } from "../../src/upstream/outcomes.js";
import {
  applyRegisterErrorCode,
  applyRegisterResult,
  parseQuota,
  type QuotaState,
  quotaVerdict,
} from "../../src/upstream/quota.js";
import { createQuotaGuard } from "../../src/upstream/quota-guard.js";
import type { Quota } from "../../src/upstream/wire.js";

const quota = (over: Partial<Quota> = {}): Quota => ({
  quota_total: 100,
  quota_used: 10,
  quota_remain: 90,
  today_used: 10,
  max_track_daily: 0,
  free_email_quota: 0,
  free_email_quotaused: 0,
  ...over,
});

test("parseQuota: nulls, strings and missing fields never crash", () => {
  assert.equal(parseQuota({ quota_total: "1100", quota_used: null, quota_remain: 1098 }), {
    quota_total: 1100,
    quota_used: 0,
    quota_remain: 1098,
    today_used: 0,
    max_track_daily: 0,
    free_email_quota: 0,
    free_email_quotaused: 0,
  });
  assert.is(parseQuota(null).quota_remain, 0);
});

const verdictCases: { name: string; state: QuotaState; ok: boolean }[] = [
  { name: "unknown quota lets calls through", state: { quota: null, dailyLimitHit: false }, ok: true },
  { name: "quota left, no cap", state: { quota: quota(), dailyLimitHit: false }, ok: true },
  { name: "quota_remain 0 refuses", state: { quota: quota({ quota_remain: 0 }), dailyLimitHit: false }, ok: false },
  { name: "negative remain refuses", state: { quota: quota({ quota_remain: -3 }), dailyLimitHit: false }, ok: false },
  {
    name: "daily cap reached refuses",
    state: { quota: quota({ max_track_daily: 10, today_used: 10 }), dailyLimitHit: false },
    ok: false,
  },
  {
    name: "daily cap not yet reached",
    state: { quota: quota({ max_track_daily: 10, today_used: 9 }), dailyLimitHit: false },
    ok: true,
  },
  {
    name: "max_track_daily 0 means no cap",
    state: { quota: quota({ today_used: 5000 }), dailyLimitHit: false },
    ok: true,
  },
  { name: "a -18019907 hit refuses even with quota left", state: { quota: quota(), dailyLimitHit: true }, ok: false },
  { name: "a -18019907 hit refuses with unknown quota", state: { quota: null, dailyLimitHit: true }, ok: false },
];
for (const c of verdictCases) {
  test(`quotaVerdict: ${c.name}`, () => assert.is(quotaVerdict(c.state).ok, c.ok));
}

const outcome = (number: string, alreadyRegistered: boolean): RegisterOutcome => ({
  number,
  carrier: 3011,
  origin: alreadyRegistered ? null : 1,
  tag: null,
  email: null,
  lang: null,
  alreadyRegistered,
});
const rejected = (code: number): RejectedOutcome => ({ number: "R", code, message: "", reason: "unknown" });

test("applyRegisterResult: charges only new registrations", () => {
  const s = applyRegisterResult(
    { quota: quota(), dailyLimitHit: false },
    { accepted: [outcome("A", false), outcome("B", true), outcome("C", false)], rejected: [] },
  );
  assert.is(s.quota?.quota_remain, 88);
  assert.is(s.quota?.quota_used, 12);
  assert.is(s.quota?.today_used, 12);
});

test("applyRegisterResult: -18019908 zeroes the remaining quota", () => {
  const s = applyRegisterResult(
    { quota: quota(), dailyLimitHit: false },
    { accepted: [], rejected: [rejected(Track17Error.QuotaExhausted)] },
  );
  assert.is(s.quota?.quota_remain, 0);
  assert.not.ok(quotaVerdict(s).ok);
});

test("applyRegisterResult: -18019908 with unknown quota still refuses afterwards", () => {
  const s = applyRegisterResult(
    { quota: null, dailyLimitHit: false },
    { accepted: [], rejected: [rejected(Track17Error.QuotaExhausted)] },
  );
  assert.not.ok(quotaVerdict(s).ok);
});

test("applyRegisterResult: -18019907 marks the daily limit", () => {
  const s = applyRegisterResult(
    { quota: quota(), dailyLimitHit: false },
    { accepted: [], rejected: [rejected(Track17Error.DailyLimitExceeded)] },
  );
  assert.ok(s.dailyLimitHit);
});

test("applyRegisterErrorCode: request-level codes", () => {
  assert.is(
    applyRegisterErrorCode({ quota: quota(), dailyLimitHit: false }, Track17Error.QuotaExhausted).quota?.quota_remain,
    0,
  );
  assert.ok(
    applyRegisterErrorCode({ quota: null, dailyLimitHit: false }, Track17Error.DailyLimitExceeded).dailyLimitHit,
  );
  const same = { quota: quota(), dailyLimitHit: false };
  assert.is(applyRegisterErrorCode(same, -18010013), same);
});

// The guard with an in-process fake 17TRACK client (no I/O to fake: the client is our own interface).
function fakeClient(quotas: Quota[]) {
  let i = 0;
  const calls = { getQuota: 0, register: 0 };
  return {
    calls,
    client: {
      async getQuota() {
        calls.getQuota++;
        const q = quotas[Math.min(i++, quotas.length - 1)] as Quota;
        return { quota: q, raw: { code: 0, data: q } };
      },
      async register(items: readonly { number: string }[]) {
        calls.register++;
        return {
          accepted: [],
          rejected: items.map((it) => ({
            number: it.number,
            code: Track17Error.QuotaExhausted,
            message: "Your quotas have run out.",
            reason: "quota_exhausted" as const,
          })),
          raw: [],
        };
      },
    },
  };
}

test("quota guard: start reads getquota and refuses when quota_remain is 0, with a clear message", async () => {
  const f = fakeClient([quota({ quota_remain: 0, quota_used: 100, max_track_daily: 500 })]);
  const guard = createQuotaGuard({ client: f.client, refreshMs: 60_000, now: () => 1234 });
  await guard.start();
  guard.stop();
  assert.is(f.calls.getQuota, 1);
  assert.is(guard.snapshot().refreshedAt, 1234);
  try {
    guard.assertCanRegister(3);
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, Track17QuotaExhaustedError);
    const e = err as Track17QuotaExhaustedError;
    assert.is(e.code, Track17Error.QuotaExhausted);
    assert.match(e.message, /quota remaining 0/);
    assert.match(e.message, /daily cap 500/);
  }
  await assert.not.throws(() => guard.assertCanRegister(0));
});

test("quota guard: learns from register rejections and stops calling", async () => {
  const f = fakeClient([quota({ quota_remain: 5 })]);
  const guard = createQuotaGuard({ client: f.client, refreshMs: 60_000 });
  await guard.refresh();
  const r = await guard.register([{ number: "A" }]);
  assert.is(r.rejected[0]?.reason, "quota_exhausted");
  try {
    await guard.register([{ number: "B" }]);
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, Track17QuotaExhaustedError);
  }
  assert.is(f.calls.register, 1, "the second register never reached the client");
});

test("quota guard: a refresh showing quota again re-opens registration", async () => {
  const f = fakeClient([quota({ quota_remain: 0 }), quota({ quota_remain: 50 })]);
  const guard = createQuotaGuard({ client: f.client, refreshMs: 60_000 });
  await guard.refresh();
  assert.throws(
    () => guard.assertCanRegister(1),
    (e: unknown) => e instanceof Track17QuotaExhaustedError,
  );
  await guard.refresh();
  guard.assertCanRegister(1);
});

test("quota guard: getquota failure is kept in the snapshot, not thrown", async () => {
  const guard = createQuotaGuard({
    client: {
      getQuota: async () => {
        throw new Track17RequestError({ endpoint: "getquota", httpStatus: 200, code: -1, message: "boom" });
      },
      register: async () => ({ accepted: [], rejected: [], raw: [] }),
    },
    refreshMs: 60_000,
  });
  await guard.start();
  guard.stop();
  assert.is(guard.snapshot().lastError, "boom");
  guard.assertCanRegister(1);
});

test("quota guard: refreshes periodically after start, and a refill re-opens registration", async () => {
  const f = fakeClient([quota({ quota_remain: 0 }), quota({ quota_remain: 0 }), quota({ quota_remain: 50 })]);
  const guard = createQuotaGuard({ client: f.client, refreshMs: 15 });
  await guard.start();
  assert.throws(() => guard.assertCanRegister(1));
  // Event-driven, not timed: wait until the timer has produced the third reading (bounded for safety).
  for (let i = 0; i < 200 && f.calls.getQuota < 3; i++) await new Promise((r) => setTimeout(r, 5));
  guard.stop();
  assert.ok(f.calls.getQuota >= 3, `getquota read ${f.calls.getQuota} times`);
  assert.is(guard.snapshot().quota?.quota_remain, 50);
  assert.not.throws(() => guard.assertCanRegister(1));
  const after = f.calls.getQuota;
  await new Promise((r) => setTimeout(r, 40));
  assert.is(f.calls.getQuota, after, "stop() ends the periodic refresh");
});

test.run();
