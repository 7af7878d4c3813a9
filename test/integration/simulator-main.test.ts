// The standalone simulator (`tsx src/simulator/main.ts --port N`) as its own process: it listens, speaks
// the 17TRACK paths with the key it was given, and exits cleanly on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const repo = fileURLToPath(new URL("../..", import.meta.url));

function start(args: string[]): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/simulator/main.ts", ...args], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /simulator at (http:\/\/[^/\s]+)\/track\/v2\.2\//.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}: ${out}`));
    });
  });
  url.catch(() => undefined); // observed here too: a failed start is asserted through exit code and output
  return { child, url, output: () => out };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

const post = (url: string, key: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "17token": key },
    body: JSON.stringify(body),
  });

test("main.ts: listens on the given port, uses the given key and quota, exits 0 on SIGTERM", async () => {
  const sim = start(["--port", "0", "--api-key", "main-test-key", "--quota", "7"]);
  try {
    const base = await sim.url;
    const ok = await post(`${base}/track/v2.2/getquota`, "main-test-key", {});
    assert.is(ok.status, 200);
    const quota = (await ok.json()) as { code: number; data: { quota_total: number } };
    assert.is(quota.code, 0);
    assert.is(quota.data.quota_total, 7);
    assert.is((await post(`${base}/track/v2.2/getquota`, "wrong", {})).status, 401);
    // Detection is wired from the domain rules: a UPS 1Z number registers without a carrier.
    const reg = await post(`${base}/track/v2.2/register`, "main-test-key", [{ number: "1Z999AA10123456784" }]);
    const body = (await reg.json()) as { data: { accepted: { carrier: number }[] } };
    assert.is(body.data.accepted[0]?.carrier, 100002);
    const counters = (await (await fetch(`${base}/_sim/counters`)).json()) as { calls: Record<string, number> };
    assert.equal(counters.calls, { getquota: 2, register: 1 });
  } finally {
    sim.child.kill("SIGTERM");
  }
  assert.is(await exited(sim.child), 0);
});

test("main.ts: a bad flag stops it with a message naming the flag", async () => {
  const sim = start(["--port", "-1"]);
  const code = await exited(sim.child);
  assert.is(code, 1);
  assert.match(sim.output(), /--port must be a non-negative integer/);
});

test.run();
