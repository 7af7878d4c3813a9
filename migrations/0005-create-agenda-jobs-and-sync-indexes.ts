// Why: the sync engine (PRD §3.4) runs on Agenda 6's Postgres backend, whose table we own here instead of letting
// Agenda create it at start-up (ensureSchema: false; stack.md §5), and its dispatcher needs indexes the PRD lacks.
// - agenda_jobs: Agenda's job table, indexes and updated_at trigger, as @agendajs/postgres-backend 3.0.6 creates
//   them (copied, not imported, so this migration never changes under a dependency upgrade).
// - idx_tracking_sync_due: the dispatcher's claim reads only eligible, due records, so its cost per tick does not
//   grow with records that are not due (PRD §6.3 "job queue processing < 5 s").
// - idx_sync_jobs_created / idx_sync_jobs_dead: statistics over a time window, and the 7-day dead-letter queue
//   (PRD §8.1 "Failed Jobs: 7 days in DLQ").
import type { Migration } from "../src/store/migrator.js";

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    CREATE TABLE agenda_jobs (
      id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
      name VARCHAR(255) NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      next_run_at TIMESTAMPTZ,
      type VARCHAR(10) NOT NULL DEFAULT 'normal' CHECK (type IN ('normal', 'single')),
      locked_at TIMESTAMPTZ,
      last_finished_at TIMESTAMPTZ,
      failed_at TIMESTAMPTZ,
      fail_count INTEGER DEFAULT NULL,
      fail_reason TEXT,
      repeat_timezone VARCHAR(100),
      last_run_at TIMESTAMPTZ,
      repeat_interval VARCHAR(255),
      data JSONB DEFAULT '{}'::jsonb,
      repeat_at VARCHAR(255),
      disabled BOOLEAN DEFAULT FALSE,
      progress REAL,
      fork BOOLEAN DEFAULT FALSE,
      last_modified_by VARCHAR(255),
      debounce_started_at TIMESTAMPTZ,
      start_date TIMESTAMPTZ,
      end_date TIMESTAMPTZ,
      skip_days JSONB,
      created_at TIMESTAMPTZ DEFAULT NOW(),
      updated_at TIMESTAMPTZ DEFAULT NOW()
    );
    CREATE INDEX agenda_jobs_find_and_lock_idx
      ON agenda_jobs (name, next_run_at, priority DESC, locked_at, disabled) WHERE disabled = FALSE;
    CREATE UNIQUE INDEX agenda_jobs_single_job_idx ON agenda_jobs (name) WHERE type = 'single';
    CREATE INDEX agenda_jobs_locked_at_idx ON agenda_jobs (locked_at) WHERE locked_at IS NOT NULL;
    CREATE INDEX agenda_jobs_next_run_at_idx ON agenda_jobs (next_run_at) WHERE next_run_at IS NOT NULL;
    CREATE FUNCTION update_agenda_jobs_updated_at() RETURNS TRIGGER AS $$
    BEGIN
      NEW.updated_at = NOW();
      RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER agenda_jobs_updated_at_trigger BEFORE UPDATE ON agenda_jobs
      FOR EACH ROW EXECUTE FUNCTION update_agenda_jobs_updated_at();

    CREATE INDEX idx_tracking_sync_due ON tracking_records(next_sync_at)
      WHERE auto_refresh_enabled = true AND tracking_stopped = false AND registration_state = 'ACCEPTED';
    CREATE INDEX idx_sync_jobs_created ON sync_jobs(created_at);
    CREATE INDEX idx_sync_jobs_dead ON sync_jobs(completed_at) WHERE job_status = 'DEAD';
  `);
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query(`
    DROP INDEX idx_sync_jobs_dead, idx_sync_jobs_created, idx_tracking_sync_due;
    DROP TABLE agenda_jobs;
    DROP FUNCTION update_agenda_jobs_updated_at();
  `);
};
