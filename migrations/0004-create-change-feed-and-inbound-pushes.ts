// Why: two outboxes the PRD has no table for.
// - tracking_changes: every committed change of a shipment (registered, new events, status change, deleted) written
//   in the same transaction as the change itself. After commit a publisher refreshes the cache and publishes to
//   Redis from these rows, so a crash between commit and publish loses nothing; change_id is the resume cursor of
//   WatchUpdates. No foreign key: the DELETED row must outlive the record.
// - inbound_pushes: every verified 17TRACK webhook body, stored before we answer 200 (idempotent by the body's
//   hash), then ingested; a crash after the answer replays the unprocessed rows.
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    CREATE TABLE tracking_changes (
      change_id BIGSERIAL PRIMARY KEY,
      tracking_id UUID NOT NULL,
      change_kind VARCHAR(20) NOT NULL CHECK (change_kind IN ('REGISTERED', 'UPDATED', 'DELETED')),
      current_status VARCHAR(50),
      status_changed BOOLEAN NOT NULL DEFAULT false,
      new_events INTEGER NOT NULL DEFAULT 0,
      created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
      published_at TIMESTAMP
    );
    CREATE INDEX idx_changes_tracking ON tracking_changes(tracking_id, change_id);
    CREATE INDEX idx_changes_unpublished ON tracking_changes(change_id) WHERE published_at IS NULL;

    CREATE TABLE inbound_pushes (
      push_id BIGSERIAL PRIMARY KEY,
      body_sha256 CHAR(64) NOT NULL UNIQUE,
      push_event VARCHAR(40),
      tracking_number VARCHAR(100),
      payload JSONB NOT NULL,
      received_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
      processed_at TIMESTAMP,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT
    );
    CREATE INDEX idx_pushes_unprocessed ON inbound_pushes(push_id) WHERE processed_at IS NULL;
  `);
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query("DROP TABLE inbound_pushes; DROP TABLE tracking_changes;");
};
