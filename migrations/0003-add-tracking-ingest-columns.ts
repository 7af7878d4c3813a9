// Why: the PRD tables hold a shipment's state but not what ingest, registration and search need to be exact and fast.
// Additions only (DESIGN): nothing of PRD §2.1 is renamed or dropped.
// - tracking_events.fingerprint: content hash of an event (provider|utc|description|location); the unique index on
//   (tracking_id, fingerprint) is what makes a repeated push, a re-sync or an overlapping page insert nothing twice.
// - tracking_events.provider_key: which 17TRACK provider (carrier) reported the event, so hand-offs stay visible.
// - tracking_records: registration at 17TRACK (state, error, the carrier key 17TRACK decided, when), the sync
//   priority (1 highest .. 10 lowest), the newest event time (statuses never regress to an older update), the event
//   count, 17TRACK's own stop, carrier-change count (17TRACK allows 5), and the cache strategy chosen for it.
// - Indexes for SearchTrackings' criteria and for the registrar's pending queue.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    ALTER TABLE tracking_events
      ADD COLUMN fingerprint VARCHAR(64),
      ADD COLUMN provider_key INTEGER;
    CREATE UNIQUE INDEX idx_events_fingerprint ON tracking_events(tracking_id, fingerprint);

    ALTER TABLE tracking_records
      ADD COLUMN registration_state VARCHAR(20) NOT NULL DEFAULT 'PENDING'
        CHECK (registration_state IN ('PENDING', 'ACCEPTED', 'REJECTED', 'STOPPED')),
      ADD COLUMN registration_error_code INTEGER,
      ADD COLUMN registration_error_message VARCHAR(500),
      ADD COLUMN track17_carrier_key INTEGER,
      ADD COLUMN registered_at TIMESTAMP,
      ADD COLUMN priority SMALLINT NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
      ADD COLUMN latest_event_at TIMESTAMP,
      ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0,
      ADD COLUMN tracking_stopped BOOLEAN NOT NULL DEFAULT false,
      ADD COLUMN carrier_change_count SMALLINT NOT NULL DEFAULT 0,
      ADD COLUMN cache_strategy VARCHAR(10) NOT NULL DEFAULT 'DYNAMIC'
        CHECK (cache_strategy IN ('FIXED', 'DYNAMIC', 'ADAPTIVE'));

    CREATE INDEX idx_tracking_number_prefix ON tracking_records(tracking_number text_pattern_ops);
    CREATE INDEX idx_tracking_order_id ON tracking_records(order_id);
    CREATE INDEX idx_tracking_destination ON tracking_records(destination_country);
    CREATE INDEX idx_tracking_created_at ON tracking_records(created_at, tracking_id);
    CREATE INDEX idx_tracking_updated_at ON tracking_records(updated_at, tracking_id);
    CREATE INDEX idx_tracking_registration_pending ON tracking_records(created_at)
      WHERE registration_state = 'PENDING';
  `);
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    DROP INDEX idx_tracking_registration_pending, idx_tracking_updated_at, idx_tracking_created_at,
      idx_tracking_destination, idx_tracking_order_id, idx_tracking_number_prefix, idx_events_fingerprint;
    ALTER TABLE tracking_records
      DROP COLUMN cache_strategy, DROP COLUMN carrier_change_count, DROP COLUMN tracking_stopped,
      DROP COLUMN event_count, DROP COLUMN latest_event_at, DROP COLUMN priority, DROP COLUMN registered_at,
      DROP COLUMN track17_carrier_key, DROP COLUMN registration_error_message, DROP COLUMN registration_error_code,
      DROP COLUMN registration_state;
    ALTER TABLE tracking_events DROP COLUMN provider_key, DROP COLUMN fingerprint;
  `);
};
