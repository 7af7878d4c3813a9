// `npm run carriers:import -- [--file PATH | --url URL]`: imports 17TRACK's whole carrier list into `carriers`,
// idempotently (codes already given are kept; only changed rows are written). Without arguments it downloads
// 17TRACK's public list. Configuration (DATABASE_URL) comes from the one config module.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.js";
import { redactUrl } from "../src/store/database-url.js";
import { importCarrierList } from "../src/store/import-carriers.js";
import { migrateUp } from "../src/store/migrator.js";
import { createSequelize } from "../src/store/sequelize.js";

export const DEFAULT_CARRIER_LIST_URL = "https://res.17track.net/asset/carrier/info/apicarrier.all.json";
const USAGE = "usage: npm run carriers:import -- [--file PATH | --url URL]";

async function readSource(file: string | undefined, url: string | undefined): Promise<unknown> {
  if (file !== undefined) return JSON.parse(await readFile(file, "utf8"));
  const target = url ?? DEFAULT_CARRIER_LIST_URL;
  const response = await fetch(target, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`GET ${target}: HTTP ${response.status}`);
  return response.json();
}

async function main(argv: string[]): Promise<number> {
  let values: { file?: string; url?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { file: { type: "string" }, url: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.file !== undefined && values.url !== undefined) {
    process.stderr.write(`give --file or --url, not both\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfig();
  const started = performance.now();
  const json = await readSource(values.file, values.url);
  if (config.migrateOnStart) await migrateUp({ databaseUrl: config.databaseUrl });
  const sequelize = createSequelize({ databaseUrl: config.databaseUrl, poolMax: 2 });
  try {
    const result = await importCarrierList(sequelize, json);
    for (const r of result.rejected) {
      process.stderr.write(
        `rejected entry #${r.index} (key ${JSON.stringify(r.key ?? null)}): ${r.reasons.join("; ")}\n`,
      );
    }
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    const ms = Math.round(performance.now() - started);
    process.stdout.write(
      `carriers import into ${redactUrl(config.databaseUrl)}: ${result.total} carriers in the list, ` +
        `inserted ${result.inserted}, updated ${result.updated}, unchanged ${result.unchanged}, ` +
        `rejected ${result.rejected.length} (${ms} ms)\n`,
    );
    return 0;
  } finally {
    await sequelize.close();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`carriers import failed: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
