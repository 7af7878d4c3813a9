// Options and resolved configuration of the simulator. Nothing here reads the environment: the
// composition root (or a test) passes everything in (STYLE §6).
import type { DescribeCarrier } from "./journeys.js";

export interface SimLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface SimulatorOptions {
  /** The `17token` clients must send (§1.1). */
  apiKey?: string;
  quotaTotal?: number;
  /** Daily registration cap; 0 = no cap (§2.6). */
  maxTrackDaily?: number;
  /** Requests per rolling second per API key; 17TRACK documents 3 (§1.1). */
  ratePerSecond?: number;
  webhookUrl?: string;
  /** §1.2 caveat: the documented 401, or HTTP 200 with the error code in the body. */
  authFailureMode?: "http401" | "http200";
  /** §1.3 ambiguity: request-level errors carry `code` = the error code, or `code: 0` + `data.errors`. */
  requestErrorMode?: "code" | "code0";
  /** The simulated clock starts here (default: real now). */
  startTime?: Date;
  /** "running" (default): simulated time also flows with real time; "frozen": it moves only when advanced. */
  clockMode?: "running" | "frozen";
  /** Carrier auto-detection used by `register` without a carrier: returns a 17TRACK key. */
  detect?: (number: string) => number | undefined;
  /** Keys accepted as `carrier`; when absent every positive integer is accepted. */
  knownCarrierKeys?: ReadonlySet<number>;
  /** Names/countries of carriers for `provider` objects; built-in names for common carriers otherwise. */
  describeCarrier?: DescribeCarrier;
  logger?: SimLogger;
  /** Retry failed webhooks at +10, +30 and +60 simulated minutes (reported schedule, §5.4). */
  pushRetry?: boolean;
  /** How long a webhook POST may take before it counts as failed (default 5000 ms). */
  pushTimeoutMs?: number;
  /** Real-time period of the background check for new events to push (default 250 ms). */
  pushIntervalMs?: number;
}

export interface SimConfig {
  apiKey: string;
  quotaTotal: number;
  maxTrackDaily: number;
  ratePerSecond: number;
  authFailureMode: "http401" | "http200";
  requestErrorMode: "code" | "code0";
  startTime: number;
  clockMode: "running" | "frozen";
  detect: (number: string) => number | undefined;
  isKnownCarrier: (key: number) => boolean;
  describeCarrier: DescribeCarrier | undefined;
  logger: SimLogger;
  pushRetry: boolean;
  pushTimeoutMs: number;
  pushIntervalMs: number;
}

const silentLogger: SimLogger = { info() {}, warn() {}, error() {} };

export function resolveConfig(options: SimulatorOptions, realNow: number): SimConfig {
  const known = options.knownCarrierKeys;
  return {
    apiKey: options.apiKey ?? "sandbox-key",
    quotaTotal: options.quotaTotal ?? 10_000,
    maxTrackDaily: options.maxTrackDaily ?? 0,
    ratePerSecond: options.ratePerSecond ?? 3,
    authFailureMode: options.authFailureMode ?? "http401",
    requestErrorMode: options.requestErrorMode ?? "code",
    startTime: options.startTime?.getTime() ?? realNow,
    clockMode: options.clockMode ?? "running",
    detect: options.detect ?? (() => undefined),
    isKnownCarrier: known ? (key) => known.has(key) : (key) => Number.isInteger(key) && key > 0,
    describeCarrier: options.describeCarrier,
    logger: options.logger ?? silentLogger,
    pushRetry: options.pushRetry ?? false,
    pushTimeoutMs: options.pushTimeoutMs ?? 5000,
    pushIntervalMs: options.pushIntervalMs ?? 250,
  };
}
