// Standalone simulator for demos: `node --import tsx src/simulator/main.ts --port 8787 [--api-key K]
// [--webhook URL] [--carriers apicarrier.all.json] [--quota N] [--rate N] [--max-daily N] [--host H]`.
// Options come from argv only (STYLE §6: one config module reads the environment, and this is not it).
import { pino } from "pino";
import { parseArgs } from "./cli-args.js";
import { createDefaultSimulator } from "./defaults.js";

async function main(): Promise<void> {
  const { port, host, ...options } = parseArgs(process.argv.slice(2));
  const logger = pino({ name: "17track-sim" });
  const sim = createDefaultSimulator({ ...options, logger });
  const url = await sim.listen(port, host);
  logger.info(`17TRACK v2.2 simulator at ${url}/track/v2.2/ (control: ${url}/_sim/)`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
