// HTTP surface: routes `/track/v2.2/<endpoint>` (17TRACK, §1.1) and `/_sim/*` (control), applying
// injected faults, the per-key rate limit (§1.1: 3/s → HTTP 429) and `17token` auth (§1.2) in that order.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Track17Error, track17Message } from "../upstream/error-codes.js";
import { ENDPOINTS, type Endpoint } from "../upstream/wire.js";
import { changeCarrier } from "./endpoints/change-carrier.js";
import { changeInfo } from "./endpoints/change-info.js";
import { getQuota } from "./endpoints/get-quota.js";
import { getTrackInfo } from "./endpoints/get-track-info.js";
import { getTrackList } from "./endpoints/get-track-list.js";
import { pushNow } from "./endpoints/push-now.js";
import { register } from "./endpoints/register.js";
import { deleteTrack, retrackNumber, stopTrack } from "./endpoints/tracking-state.js";
import type { Engine } from "./engine.js";
import { type EndpointResult, requestErrorBody } from "./envelope.js";
import type { FaultSpec, Faults } from "./faults.js";
import { BodyTooLarge, parseJson, readBody, sendJson, sendRaw } from "./http-io.js";
import type { RateLimiter } from "./rate-limit.js";

const BASE = "/track/v2.2/";

/**
 * No code for "too many requests" appears in the §3 table; the body follows the reported `data.errors`
 * shape (§1.3, [R]) with the HTTP status as its code. Clients should key on HTTP 429 itself.
 */
export const RATE_LIMIT_CODE = 429;
const RATE_LIMIT_MESSAGE = "Request frequency exceeds the limit.";

type RequestError = (code: number, message?: string) => EndpointResult;
type Handler = (engine: Engine, body: unknown, requestError: RequestError) => EndpointResult | Promise<EndpointResult>;

const HANDLERS: Record<Endpoint, Handler> = {
  register,
  changecarrier: changeCarrier,
  changeinfo: changeInfo,
  stoptrack: stopTrack,
  retrack: retrackNumber,
  deletetrack: deleteTrack,
  gettracklist: getTrackList,
  gettrackinfo: getTrackInfo,
  getquota: (engine) => getQuota(engine),
  push: pushNow,
};

export type ControlRoute = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

export interface ApiServer {
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** Ends hanging and delayed responses (their sockets are destroyed). */
  abortActive(): void;
}

export function createApiServer(deps: {
  engine: Engine;
  faults: Faults;
  limiter: RateLimiter;
  control: ControlRoute;
}): ApiServer {
  const { engine, faults, limiter, control } = deps;
  const held = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const mode = () => engine.config.requestErrorMode;
  const requestError: RequestError = (code, message) => ({ body: requestErrorBody(mode(), code, message) });

  function hold(res: ServerResponse): void {
    held.add(res);
    res.on("close", () => held.delete(res));
  }

  async function applyFault(fault: FaultSpec, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case "latency":
        hold(res);
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, fault.ms);
          timers.add(t);
        });
        return !res.destroyed;
      case "http500":
        req.resume();
        sendJson(res, 500, requestErrorBody(mode(), Track17Error.InternalError));
        return false;
      case "http503":
        // A gateway page rather than JSON: what a 503 from a load balancer usually looks like.
        req.resume();
        sendRaw(res, 503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "text/html");
        return false;
      case "http429":
        req.resume();
        engine.counters.http429++;
        sendJson(res, 429, requestErrorBody(mode(), RATE_LIMIT_CODE, RATE_LIMIT_MESSAGE));
        return false;
      case "malformed":
        req.resume();
        sendRaw(res, 200, '{"code":0,"data":{"accepted":[{"number":"', "application/json");
        return false;
      case "hang":
        // Accept the request and never answer; close() destroys the socket.
        req.resume();
        hold(res);
        return false;
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, endpoint: Endpoint): Promise<void> {
    engine.counters.calls[endpoint] = (engine.counters.calls[endpoint] ?? 0) + 1;
    const fault = faults.take(endpoint);
    if (fault && !(await applyFault(fault, req, res))) return;
    const text = await readBody(req);
    const token = req.headers["17token"];
    const key = typeof token === "string" ? token : "";
    if (!limiter.allow(key)) {
      engine.counters.http429++;
      sendJson(res, 429, requestErrorBody(mode(), RATE_LIMIT_CODE, RATE_LIMIT_MESSAGE));
      return;
    }
    if (key !== engine.config.apiKey) {
      const status = engine.config.authFailureMode === "http401" ? 401 : 200;
      sendJson(res, status, requestErrorBody(mode(), Track17Error.InvalidKey, track17Message(Track17Error.InvalidKey)));
      return;
    }
    const json = parseJson(text);
    if ("error" in json) {
      sendJson(res, 200, requestErrorBody(mode(), Track17Error.SubmittedDataInvalid));
      return;
    }
    engine.settle();
    const result = await HANDLERS[endpoint](engine, json.value, requestError);
    sendJson(res, result.status ?? 200, result.body);
  }

  function handler(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const run = async () => {
      if (path.startsWith("/_sim/")) return control(req, res, path);
      const endpoint = path.startsWith(BASE) ? path.slice(BASE.length) : "";
      if (!(ENDPOINTS as readonly string[]).includes(endpoint)) {
        req.resume();
        return sendRaw(res, 404, "Not Found", "text/plain");
      }
      if (req.method !== "POST") {
        req.resume();
        res.setHeader("allow", "POST");
        return sendRaw(res, 405, "Method Not Allowed", "text/plain");
      }
      return handleApi(req, res, endpoint as Endpoint);
    };
    run().catch((err: unknown) => {
      if (err instanceof BodyTooLarge) return sendRaw(res, 413, "Payload Too Large", "text/plain");
      engine.config.logger.error({ err }, "sim request failed");
      sendJson(res, 500, requestErrorBody(mode(), Track17Error.InternalError));
    });
  }

  return {
    handler,
    abortActive() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of held) res.destroy();
      held.clear();
    },
  };
}
