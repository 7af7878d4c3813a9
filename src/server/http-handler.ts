// Builds the request handler of the one port: CORS for browsers, the Connect adapter (Connect, gRPC and gRPC-Web
// on every route), and plain HTTP routes (webhooks, metrics) in the adapter's fallback.
import type http from "node:http";
import { type ConnectRouter, cors as connectCors, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import cors from "cors";
import type { RequestHandler } from "./listener.js";

type ConnectHandler = ReturnType<typeof connectNodeAdapter>;
export type PlainRoute = (...args: Parameters<ConnectHandler>) => void | Promise<void>;

export interface HttpHandlerOptions {
  routes: (router: ConnectRouter) => void;
  interceptors: Interceptor[];
  /** Plain HTTP routes by exact path (e.g. "/webhooks/17track"). */
  plainRoutes?: Record<string, PlainRoute>;
  corsOrigins: readonly string[];
  shutdownSignal: AbortSignal;
  onPlainRouteError: (err: unknown, path: string) => void;
}

export function createHttpHandler(opts: HttpHandlerOptions): RequestHandler {
  const plain = opts.plainRoutes ?? {};
  const connect = connectNodeAdapter({
    routes: opts.routes,
    interceptors: opts.interceptors,
    shutdownSignal: opts.shutdownSignal,
    fallback(req, res) {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const route = plain[path];
      if (!route) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end(`no route for ${req.method} ${path}\n`);
        return;
      }
      Promise.resolve(route(req, res)).catch((err: unknown) => {
        opts.onPlainRouteError(err, path);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("internal error\n");
      });
    },
  });
  if (opts.corsOrigins.length === 0) return connect as RequestHandler;

  // The `cors` package with Connect's own header lists (reference/stack.md §2.5; there is no @connectrpc/cors).
  const corsMiddleware = cors({
    origin: [...opts.corsOrigins],
    methods: [...connectCors.allowedMethods],
    allowedHeaders: [...connectCors.allowedHeaders, "Authorization"],
    exposedHeaders: [...connectCors.exposedHeaders],
    maxAge: 7200,
  });
  return (req, res) =>
    corsMiddleware(req as http.IncomingMessage, res as http.ServerResponse, () =>
      (connect as RequestHandler)(req, res),
    );
}
