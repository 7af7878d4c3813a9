// One Redis subscriber per process fans committed changes (published by the change publisher) out to every open
// Watch stream of this process (DESIGN data path 5). Streams replay what they missed from Postgres themselves; the
// hub only says "something changed", so a lost message costs latency, never data.
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { TrackingChange } from "./change-publisher.js";

export type ChangeListener = (change: TrackingChange) => void;

export interface WatchHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
}

export function createWatchHub(deps: { subscriber: Redis; channel: string; logger: Logger }): WatchHub {
  const listeners = new Set<ChangeListener>();
  const { subscriber, channel, logger } = deps;
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    let change: TrackingChange;
    try {
      change = JSON.parse(message) as TrackingChange;
    } catch {
      logger.warn({ channel }, "unparseable change message ignored");
      return;
    }
    for (const listener of listeners) listener(change);
  });
  subscriber.on("error", (err: Error) => logger.debug({ err: err.message }, "watch subscriber error"));
  // ioredis re-subscribes after a reconnect only to channels it has a reply for; a subscribe that failed while Redis
  // was down is issued again whenever the connection becomes ready.
  let wanted = false;
  subscriber.on("ready", () => {
    if (wanted) void subscriber.subscribe(channel).catch(() => undefined);
  });
  return {
    async start() {
      wanted = true;
      // A Redis outage at start-up only delays live updates (streams also re-read on a timer).
      await subscriber.subscribe(channel).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, "watch hub not subscribed yet; live updates resume with Redis");
      });
    },
    async stop() {
      wanted = false;
      listeners.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
