// POST /webhooks/17track (reference §5): verify `sign` over the exact raw bytes in constant time, refuse anything
// unsigned or forged with 401 before any side effect, store the push (duplicates are accepted and ignored), answer
// 200 at once, and let the inbox apply it.
import type { PushInbox } from "../tracking/push-inbox.js";
import { verifyPushSign } from "../upstream/webhook-sign.js";
import type { PushPayload } from "../upstream/wire.js";
import type { PlainRoute } from "./http-handler.js";

type Req = Parameters<PlainRoute>[0];
type Res = Parameters<PlainRoute>[1];

const MAX_BODY_BYTES = 5 * 1024 * 1024;

function reply(res: Res, status: number, body: Record<string, unknown>) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: Req): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function createTrack17Webhook(deps: { apiKey: string; inbox: PushInbox }): PlainRoute {
  return async (req, res) => {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return reply(res, 405, { error: "method not allowed: use POST" });
    }
    const raw = await readBody(req);
    if (!raw) return reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
    const sign = req.headers.sign;
    if (!verifyPushSign(raw, Array.isArray(sign) ? sign[0] : sign, deps.apiKey)) {
      return reply(res, 401, { error: "missing or invalid sign header" });
    }
    let payload: PushPayload;
    try {
      payload = JSON.parse(raw.toString("utf8"));
    } catch {
      return reply(res, 400, { error: "body is not JSON" });
    }
    if (typeof payload !== "object" || payload === null || typeof payload.event !== "string") {
      return reply(res, 400, { error: "body has no event field" });
    }
    const fresh = await deps.inbox.store(raw, payload);
    reply(res, 200, { code: 0, duplicate: !fresh });
    if (fresh) void deps.inbox.kick();
  };
}
