// `npm run migrate`: applies pending migrations to DATABASE_URL (creating the database if missing).
//   --down      undo the last applied migration
//   --down-all  undo every applied migration
// Configuration comes from the one config module (STYLE §6); this file reads no environment itself.
import pino from "pino";
import { loadConfig } from "../config.js";
import { redactUrl } from "./database-url.js";
import { migrateDown, migrateUp } from "./migrator.js";

const USAGE = "usage: npm run migrate [-- --down | --down-all]";

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== "--down" && a !== "--down-all");
  if (unknown.length > 0 || argv.length > 1) {
    process.stderr.write(`${unknown.length > 0 ? `unknown argument: ${unknown.join(" ")}\n` : ""}${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { svc: "migrate" } });
  const target = { database: redactUrl(config.databaseUrl) };
  try {
    if (argv[0] === undefined) {
      const applied = await migrateUp({ databaseUrl: config.databaseUrl, logger });
      logger.info({ ...target, applied }, applied.length ? "migrations applied" : "database already up to date");
    } else {
      const undone = await migrateDown({ databaseUrl: config.databaseUrl, logger, all: argv[0] === "--down-all" });
      logger.info({ ...target, undone }, undone.length ? "migrations undone" : "nothing to undo");
    }
    return 0;
  } catch (err) {
    logger.error({ ...target, err }, "migration failed");
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
