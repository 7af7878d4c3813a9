// The slice of a pino Logger the upstream code uses, so any pino logger (or a child) fits, and tests can
// pass nothing.

import type { Logger } from "pino";

export type UpstreamLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

const noop = () => undefined;

export const silentLogger: UpstreamLogger = { debug: noop, info: noop, warn: noop, error: noop } as UpstreamLogger;
