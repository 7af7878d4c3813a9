// The one way the service opens Postgres through Sequelize. DESIGN "Conventions": times are stored in UTC, and the
// PRD §2.1 tables use TIMESTAMP (without time zone), so UTC has to be enforced on both the way in and the way out.
import pg from "pg";
import { Sequelize } from "sequelize";

export interface SequelizeOptions {
  /** postgres://user[:password]@host:port/database */
  readonly databaseUrl: string;
  /** Connection pool size; PRD §6.1 asks for 20-50 in production. Default 20. */
  readonly poolMax?: number;
  /** SQL logging (off by default: statements may carry tracking numbers and recipient names). */
  readonly logging?: false | ((sql: string) => void);
}

/**
 * A pg module whose `timestamp` parser reads values as UTC. pg's default parser reads them in the Node process's
 * local zone, which would shift every PRD timestamp by the host's offset when TZ is not UTC. Passed to Sequelize as
 * its dialect module so the override stays local to our instances instead of patching the global pg type table.
 */
function utcPg(): typeof pg {
  const tz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
  const parseUtc = (value: string) => (value === "infinity" || value === "-infinity" ? value : tz(`${value}+00`));
  const getTypeParser = ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.TIMESTAMP && format !== "binary"
      ? parseUtc
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser;
  return { ...pg, types: { ...pg.types, getTypeParser } };
}

/**
 * Opens a Sequelize instance on Postgres. `timezone: "+00:00"` makes Sequelize write dates as UTC and sets each
 * session's TIME ZONE to UTC, so the PRD's `DEFAULT CURRENT_TIMESTAMP` columns also hold UTC wall-clock time.
 */
export function createSequelize(options: SequelizeOptions): Sequelize {
  return new Sequelize(options.databaseUrl, {
    dialect: "postgres",
    dialectModule: utcPg(),
    timezone: "+00:00",
    define: { underscored: true },
    pool: { max: options.poolMax ?? 20, min: 0, idle: 10_000, acquire: 30_000 },
    logging: options.logging ?? false,
  });
}
