// One TCP port for HTTP/1.1 and cleartext HTTP/2. Node 20's http2.createServer ignores allowHTTP1 without TLS
// (reference/stack.md pitfall 2), so the first bytes of each connection decide: the HTTP/2 preface "PRI " goes to
// the h2c server, anything else to the HTTP/1.1 server. Browsers (gRPC-Web/Connect) speak HTTP/1.1; gRPC needs h2c.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

export type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface Listener {
  /** Resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, sends GOAWAY to HTTP/2 sessions and closes idle HTTP/1.1 connections. */
  stopAccepting(): Promise<void>;
  /** Destroys every remaining connection. */
  destroyAll(): void;
  /** Open client connections (HTTP/1.1 sockets + HTTP/2 sessions). */
  openConnections(): number;
}

export function createListener(handler: RequestHandler): Listener {
  const h1 = http.createServer(handler as http.RequestListener);
  // HTTP/1.1 keep-alive sockets must not outlive shutdown; the grace logic closes idle ones explicitly.
  h1.keepAliveTimeout = 5_000;
  const h2 = http2.createServer({}, handler as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
  });

  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.once("close", () => sockets.delete(sock));
    sock.once("data", (chunk: Buffer) => {
      sock.pause();
      sock.unshift(chunk);
      const target = chunk.subarray(0, 4).toString("latin1") === "PRI " ? h2 : h1;
      target.emit("connection", sock);
      process.nextTick(() => sock.resume());
    });
    sock.on("error", () => sock.destroy());
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve((server.address() as net.AddressInfo).port);
        });
      });
    },
    stopAccepting() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sessions) s.close();
      h1.closeIdleConnections();
      // server.close() resolves only once every socket is gone; the caller bounds the wait with its own deadline.
      return closed;
    },
    destroyAll() {
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      h1.closeAllConnections();
    },
    openConnections() {
      return sockets.size;
    },
  };
}
