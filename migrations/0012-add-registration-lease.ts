// Why: the registrar used to hold row locks (and so an open transaction) across the 17TRACK register call, which can
// wait in the rate limiter; a long transaction also holds back the change feed's snapshot horizon. A short lease
// claims PENDING records instead: claim and commit, call 17TRACK, write the outcome. A crashed registrar's claims
// expire and are taken again (registering twice is harmless: 17TRACK answers "already registered"). Addition only.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("ALTER TABLE tracking_records ADD COLUMN registration_lease_until TIMESTAMP");
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("ALTER TABLE tracking_records DROP COLUMN registration_lease_until");
};
