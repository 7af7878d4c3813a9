// A redis-server of a suite's own, on a free port, that the suite may kill, freeze and restart: outage tests never
// touch the machine's shared Redis. It runs without persistence, so a restart comes back empty.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { Redis } from "ioredis";

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** (Re)starts the server on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGKILL, resolving once it has exited; a no-op when it is not running. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers. */
  freeze(): void;
  thaw(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, "127.0.0.1");
  await once(srv, "listening");
  const { port } = srv.address() as { port: number };
  srv.close();
  await once(srv, "close");
  return port;
}

async function waitForPing(port: number): Promise<void> {
  // A fixed short reconnect delay: the default backoff would outlast a server that is already up.
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 20 });
  probe.on("error", () => {});
  try {
    for (let i = 0; i < 100; i++) {
      const up = await probe.ping().then(
        () => true,
        () => false,
      );
      if (up) return;
      await sleep(50);
    }
  } finally {
    probe.disconnect();
  }
  throw new Error(`redis-server on ${port} did not come up`);
}

/** Picks a free port and starts a redis-server there. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (!child || !running()) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  };
  const handle: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (running()) throw new Error(`redis-server on ${port} is already running`);
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
      child = spawn("redis-server", args, { stdio: "ignore" });
      try {
        await waitForPing(port);
      } catch (err) {
        await kill();
        throw err;
      }
    },
    kill,
    freeze() {
      child?.kill("SIGSTOP");
    },
    thaw() {
      child?.kill("SIGCONT");
    },
  };
  await handle.start();
  return handle;
}
