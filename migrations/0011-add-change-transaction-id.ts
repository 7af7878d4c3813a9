// Why: change_id comes from a sequence, so two transactions can commit in the opposite order of their ids, and a
// WatchUpdates client resuming after the higher id would never see the lower one. Each change now records the id of
// the transaction that wrote it; readers only read changes of transactions older than every transaction still
// running (pg_snapshot_xmin), in (tx_id, change_id) order, which no later commit can slip in front of. Addition only.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    ALTER TABLE tracking_changes ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE INDEX idx_changes_tx ON tracking_changes(tx_id, change_id);
  `);
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("DROP INDEX idx_changes_tx; ALTER TABLE tracking_changes DROP COLUMN tx_id");
};
