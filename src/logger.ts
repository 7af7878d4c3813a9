import { type Logger, pino } from "pino";

/** Structured JSON logs; secrets never reach them. */
export function createLogger(level: string, name = "waybill-monitor"): Logger {
  return pino({
    name,
    level,
    redact: ["req.headers.authorization", "req.headers['17token']", "apiKey", "*.apiKey"],
  });
}
