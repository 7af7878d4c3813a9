// Why: tracking_records.carrier_id is NOT NULL, yet a number that matches no known format must still be registered
// and left to 17TRACK's auto-detection (issue 4). This row stands for "carrier not known yet"; the registrar records
// the carrier key 17TRACK decided on. No 17TRACK key: it is never sent upstream.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(
    `INSERT INTO carriers (carrier_code, carrier_name, is_active)
     VALUES ('auto', 'Auto-detect (17TRACK decides)', true)
     ON CONFLICT (carrier_code) DO NOTHING`,
  );
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("DELETE FROM carriers WHERE carrier_code = 'auto'");
};
