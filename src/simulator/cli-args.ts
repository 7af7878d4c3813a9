// argv parsing for the standalone simulator (main.ts); flags only, no environment (STYLE §6).

export interface Args {
  port: number;
  host: string;
  apiKey?: string;
  webhookUrl?: string;
  carrierListPath?: string;
  quotaTotal?: number;
  ratePerSecond?: number;
  maxTrackDaily?: number;
}

const FLAGS: Record<string, keyof Args> = {
  "--port": "port",
  "--host": "host",
  "--api-key": "apiKey",
  "--webhook": "webhookUrl",
  "--carriers": "carrierListPath",
  "--quota": "quotaTotal",
  "--rate": "ratePerSecond",
  "--max-daily": "maxTrackDaily",
};
const NUMERIC = new Set<keyof Args>(["port", "quotaTotal", "ratePerSecond", "maxTrackDaily"]);

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { port: 8787, host: "127.0.0.1" };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split("=", 2) as [string, string | undefined];
    const key = FLAGS[flag];
    if (!key) throw new Error(`unknown argument ${flag}; known: ${Object.keys(FLAGS).join(" ")}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (NUMERIC.has(key)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer`);
      (args as unknown as Record<string, unknown>)[key] = n;
    } else (args as unknown as Record<string, unknown>)[key] = value;
  }
  return args;
}
