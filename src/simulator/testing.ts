// Helpers for tests that drive the simulator over real HTTP: a JSON caller for the 17TRACK paths and a
// local webhook receiver that keeps the exact raw bytes (§5.3: signatures are over the raw body).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CallResult {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary response shapes.
  body: any;
}

/** POSTs JSON to `<baseUrl>/track/v2.2/<endpoint>` with the `17token` header. */
export function createSimCaller(baseUrl: string, apiKey: string | null) {
  return async (endpoint: string, body?: unknown, init: { raw?: string; signal?: AbortSignal } = {}) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (apiKey !== null) headers["17token"] = apiKey;
    const res = await fetch(`${baseUrl}/track/v2.2/${endpoint}`, {
      method: "POST",
      headers,
      body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: init.signal,
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, text, body: parsed } as CallResult;
  };
}

export interface ReceivedPush {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: payloads are checked field by field in tests.
  json: any;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedPush[];
  /** The HTTP status the receiver answers with (default 200), or a function of the push. */
  status: number | ((push: ReceivedPush) => number);
  /** Resolves once at least `count` pushes arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedPush[] = [];
  const waiters: (() => void)[] = [];
  let server: Server | undefined;
  const receiver: WebhookReceiver = {
    url: "",
    received,
    status: 200,
    waitFor(count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return false;
          clearTimeout(timer);
          resolve(received.slice());
          return true;
        };
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} pushes, got ${received.length}`)),
          timeoutMs,
        );
        if (!check()) waiters.push(() => void check());
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        json = undefined;
      }
      const push: ReceivedPush = { raw, headers: req.headers, json };
      received.push(push);
      res.writeHead(typeof receiver.status === "number" ? receiver.status : receiver.status(push)).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  (receiver as { url: string }).url = `http://127.0.0.1:${port}/hook`;
  return receiver;
}
