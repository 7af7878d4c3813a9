// The default simulator (src/simulator/defaults.ts) detects the top carriers' formats from the domain's
// checksum-verified rules, so `register` without a carrier works as on 17TRACK (§2.1 origin 1), and a
// number no rule recognises is -18019903.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { seedByCode } from "../../src/domain/carriers/seed.js";
import { createDefaultSimulator } from "../../src/simulator/defaults.js";
import { createSimCaller } from "../../src/simulator/testing.js";
import { Track17Error } from "../../src/upstream/error-codes.js";

const sim = createDefaultSimulator({ ratePerSecond: 10_000, clockMode: "frozen" });
let call: ReturnType<typeof createSimCaller>;

test.before(async () => {
  call = createSimCaller(await sim.listen(), "sandbox-key");
});
test.after(() => sim.close());

const TOP: [string, string][] = [
  ["1Z999AA10123456784", "ups"],
  ["986578788855", "fedex"],
  ["9400111899223100000000", "usps"],
  ["1234567891", "dhl-express"],
  ["RR123456785GB", "royal-mail"],
  ["LB123456785CN", "china-post"],
  ["RX000000014DE", "deutsche-post"],
  ["RA111111115CA", "canada-post"],
  ["CX555555555AU", "australia-post"],
  ["EJ202020207JP", "japan-post"],
];

for (const [number, code] of TOP) {
  test(`register without a carrier detects ${code} (${number})`, async () => {
    const key = seedByCode(code)?.track17Key;
    assert.ok(key, `${code} is seeded`);
    const r = await call("register", [{ number }]);
    assert.is(r.status, 200);
    assert.equal(r.body.data.rejected, []);
    assert.is(r.body.data.accepted[0].carrier, key);
    assert.is(r.body.data.accepted[0].origin, 1);
  });
}

test("a number no rule recognises → -18019903", async () => {
  const r = await call("register", [{ number: "ZZZZ0000" }]);
  assert.is(r.body.data.rejected[0].error.code, Track17Error.CarrierUndetectable);
});

test.run();
