// The real process (npm start's entry) under SIGTERM with a live server stream: health flips to NOT_SERVING, the
// stream ends cleanly, pools close and the process exits 0. A bad variable stops start-up naming it.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";
import { createTestDatabase } from "../support/db.js";
import { deleteKeysWithPrefix, uniquePrefix } from "../support/redis.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const prefix = uniquePrefix("shutdown");
test.before(async () => {
  db = await createTestDatabase("shutdown");
});
test.after(async () => {
  await db?.drop();
  await deleteKeysWithPrefix(prefix);
});

function startProcess(env: Record<string, string>): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === "waybill monitor listening" && entry.port) resolve(entry.port);
      } catch {}
    });
    child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { child, port };
}

test("SIGTERM during a live health Watch stream: NOT_SERVING, stream ends, exit 0", async () => {
  const { child, port } = startProcess({ DATABASE_URL: db.databaseUrl, REDIS_KEY_PREFIX: prefix });
  try {
    const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${await port}` }));
    const seen: Status[] = [];
    let ended = false;
    const reader = (async () => {
      try {
        for await (const res of health.watch({ service: "" })) {
          seen.push(res.status);
          if (res.status === Status.SERVING) child.kill("SIGTERM");
        }
        ended = true;
      } catch (e) {
        // A stream cut by the server would land here; the test asserts it did not.
        seen.push(-1 as Status);
        throw ConnectError.from(e);
      }
    })();
    const [code] = (await once(child, "exit")) as [number | null];
    await reader;
    assert.is(code, 0);
    assert.ok(ended, "the stream ended cleanly");
    assert.equal(seen, [Status.SERVING, Status.NOT_SERVING]);
  } finally {
    child.kill("SIGKILL");
  }
});

test("a bad configuration value stops start-up with a message naming the variable", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, PORT: "eighty", DATABASE_POOL_MAX: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  assert.is(code, 2);
  assert.match(stderr, /PORT="eighty": must be a whole number/);
  assert.match(stderr, /DATABASE_POOL_MAX="1": must be between 2 and 500/);
});

test.run();
