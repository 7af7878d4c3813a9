// Why: the start-up seed refreshes the metadata of the carriers it knows, but an operator's UpdateCarrier edit (name,
// URL, phone, tracking URL template) must survive restarts. This marks rows whose metadata an operator edited; the
// seed leaves those alone. Addition only.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("ALTER TABLE carriers ADD COLUMN metadata_edited_at TIMESTAMP");
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("ALTER TABLE carriers DROP COLUMN metadata_edited_at");
};
