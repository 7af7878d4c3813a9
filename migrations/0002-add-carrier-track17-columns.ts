// Why: 17TRACK identifies carriers by an integer key (17TRACK reference §7; every register/changecarrier call sends
// it) and its carrier list gives each carrier's ISO country, neither of which PRD §2.1.1 `carriers` has a column for.
// DESIGN allows additions only: two new nullable columns, nothing of the PRD renamed or dropped. track17_key is
// UNIQUE because one 17TRACK key is one carrier; NULL stays allowed for carriers added by hand without a key.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(
    `ALTER TABLE carriers
       ADD COLUMN track17_key INTEGER UNIQUE,
       ADD COLUMN country_iso VARCHAR(2)`,
  );
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("ALTER TABLE carriers DROP COLUMN country_iso, DROP COLUMN track17_key");
};
