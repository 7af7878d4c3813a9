// Why: every sync rewrites tracking_records.raw_api_response (a whole 17TRACK track_info, tens of kB once a timeline
// grows), and Postgres' default pglz compression of that TOASTed value was the largest single cost of ingest after
// the event insert itself. lz4 (Postgres 14+) compresses several times faster at a similar ratio. A column storage
// setting only: no data, name or type of the PRD changes, and existing values keep their compression until rewritten.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    ALTER TABLE tracking_records ALTER COLUMN raw_api_response SET COMPRESSION lz4;
    ALTER TABLE tracking_events ALTER COLUMN raw_event_data SET COMPRESSION lz4;
    ALTER TABLE inbound_pushes ALTER COLUMN payload SET COMPRESSION lz4;
  `);
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    ALTER TABLE tracking_records ALTER COLUMN raw_api_response SET COMPRESSION pglz;
    ALTER TABLE tracking_events ALTER COLUMN raw_event_data SET COMPRESSION pglz;
    ALTER TABLE inbound_pushes ALTER COLUMN payload SET COMPRESSION pglz;
  `);
};
