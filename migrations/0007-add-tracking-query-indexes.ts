// Why: PRD §4.3.1 queries must stay index-driven at a million records and 100,000 events per shipment
// (issue 4 "Queries"). Keyset pages walk (sort value, primary key) in index order:
// - tracking_events(tracking_id, event_timestamp, event_id): ListTrackingEvents / ExportTrackingEvents read one
//   shipment's timeline in time order from any cursor without sorting the whole timeline per page; it also serves the
//   newest-event probe of GetTracking and SearchTrackings.
// - tracking_records(COALESCE(next_sync_at, 'infinity'), tracking_id) and (tracking_number, tracking_id): the
//   SearchTrackings sorts by next sync and by number (created_at / updated_at have theirs since 0003).
// - tracking_records(current_status, created_at, tracking_id) and (carrier_id, created_at, tracking_id): the two
//   commonest filters under the default sort (newest first) read just one page's rows instead of every match
//   followed by a sort (a popular carrier has hundreds of thousands of records at a million).
// Additions only (DESIGN); the PRD's own indexes stay.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    CREATE INDEX idx_events_tracking_time ON tracking_events(tracking_id, event_timestamp, event_id);
    CREATE INDEX idx_tracking_next_sync_order
      ON tracking_records((COALESCE(next_sync_at, 'infinity'::timestamp)), tracking_id);
    CREATE INDEX idx_tracking_number_order ON tracking_records(tracking_number, tracking_id);
    CREATE INDEX idx_tracking_status_created ON tracking_records(current_status, created_at, tracking_id);
    CREATE INDEX idx_tracking_carrier_created ON tracking_records(carrier_id, created_at, tracking_id);
  `);
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`DROP INDEX idx_tracking_carrier_created, idx_tracking_status_created, idx_tracking_number_order,
      idx_tracking_next_sync_order, idx_events_tracking_time`);
};
