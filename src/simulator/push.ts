// Webhook sender (§5). The payload is serialised once; the `sign` header is the lower-case hex SHA-256
// (plain hash, not HMAC) of those exact bytes + "/" + the API key (§5.3), and those same bytes are sent.
import { type ClientRequest, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { signPushBody } from "../upstream/webhook-sign.js";
import type { PushPayload } from "../upstream/wire.js";

/** Signed exactly as the service verifies it: one implementation (src/upstream/webhook-sign.ts) for both sides. */
export function signBody(body: string, apiKey: string): string {
  return signPushBody(body, apiKey);
}

export interface PushOutcome {
  ok: boolean;
  /** The receiver's HTTP status, or 0 when the request failed or timed out. */
  status: number;
}

export interface WebhookSender {
  send(url: string, body: string): Promise<PushOutcome>;
  /** Aborts every request in flight (used by close()). */
  abortAll(): void;
}

export function serialisePayload(payload: PushPayload): string {
  return JSON.stringify(payload);
}

export function createWebhookSender(apiKey: string, timeoutMs: number): WebhookSender {
  const inFlight = new Set<ClientRequest>();
  return {
    send(url, body) {
      return new Promise<PushOutcome>((resolve) => {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          resolve({ ok: false, status: 0 });
          return;
        }
        const bytes = Buffer.from(body, "utf8");
        const send = target.protocol === "https:" ? httpsRequest : httpRequest;
        // agent: false → one connection per push, closed afterwards; nothing lingers after close().
        const req = send(target, {
          method: "POST",
          agent: false,
          headers: {
            "content-type": "application/json",
            "content-length": bytes.length,
            sign: signBody(body, apiKey),
          },
        });
        inFlight.add(req);
        const done = (outcome: PushOutcome) => {
          inFlight.delete(req);
          resolve(outcome);
        };
        req.setTimeout(timeoutMs, () => req.destroy(new Error("webhook timeout")));
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => done({ ok: res.statusCode === 200, status: res.statusCode ?? 0 }));
          res.on("error", () => done({ ok: false, status: res.statusCode ?? 0 }));
        });
        req.on("error", () => done({ ok: false, status: 0 }));
        req.end(bytes);
      });
    },
    abortAll() {
      for (const req of inFlight) req.destroy(new Error("simulator closing"));
      inFlight.clear();
    },
  };
}
