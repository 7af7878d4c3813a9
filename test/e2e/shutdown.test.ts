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
import { TrackingService } from "../../gen/waybill/v1/tracking_service_pb.js";
import { RegistrationState } from "../../gen/waybill/v1/types_pb.js";
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

function startProcess(env: Record<string, string>): {
  child: ChildProcess;
  port: Promise<number>;
  logs: { msg?: string; simulator?: string }[];
} {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", TRACK17_API_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: { msg?: string; simulator?: string }[] = [];
  const port = new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        logs.push(entry);
        if (entry.msg === "waybill monitor listening" && entry.port) resolve(entry.port);
      } catch {}
    });
    child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { child, port, logs };
}

test("with no TRACK17_API_KEY, npm start's entry runs in sandbox mode: says so, and registers through the simulator", async () => {
  const { child, port, logs } = startProcess({ DATABASE_URL: db.databaseUrl, REDIS_KEY_PREFIX: prefix });
  try {
    const tracking = createClient(TrackingService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${await port}` }));
    const sandbox = logs.find((l) => l.msg?.startsWith("SANDBOX MODE"));
    assert.ok(sandbox, "a loud sandbox line in the log");
    assert.match(sandbox?.simulator ?? "", /^http:\/\/127\.0\.0\.1:\d+\/track\/v2\.2$/);
    const reg = await tracking.registerTracking({ trackingNumber: "1Z999AA10123456784" });
    const id = reg.record?.trackingId as string;
    let state = RegistrationState.PENDING;
    for (let i = 0; i < 100 && state === RegistrationState.PENDING; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const got = await tracking.getTracking({ lookup: { case: "trackingId", value: id } });
      state = got.record?.registration?.state ?? state;
    }
    assert.is(state, RegistrationState.ACCEPTED, "the sandbox simulator accepted the registration over HTTP");
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    assert.is(code, 0);
  } finally {
    child.kill("SIGKILL");
  }
});

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
