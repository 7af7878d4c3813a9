// Why: WatchUpdates reports each change with the status before it (TrackingUpdate.previous_status), and a resumed
// feed replays changes from the table, so the previous status has to be stored with the change. Addition only.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("ALTER TABLE tracking_changes ADD COLUMN previous_status VARCHAR(50)");
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("ALTER TABLE tracking_changes DROP COLUMN previous_status");
};
