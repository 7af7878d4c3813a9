// Why: PRD §2.1 "Core Tables" is binding (DESIGN "Runtime pieces": the 8 PRD tables exactly as specified). Its DDL
// is kept here verbatim, blank lines and comments included, and run as raw SQL so no ORM translation can drift from
// it; test/integration/schema-matches-prd.test.ts compares the result with the PRD's own SQL through the catalog.
// Later needs are met by new migrations that only add columns or tables (0002 onwards), never by editing this one.
import type { Migration } from "../src/store/migrator.js";

/** PRD §2.1.1-§2.1.8, in the PRD's order (which is also foreign-key dependency order). */
const PRD_SCHEMA_SQL = `
-- PRD §2.1.1 Carriers Table
CREATE TABLE carriers (
    carrier_id SERIAL PRIMARY KEY,
    carrier_code VARCHAR(50) UNIQUE NOT NULL,
    carrier_name VARCHAR(200) NOT NULL,
    carrier_name_cn VARCHAR(200),
    carrier_phone VARCHAR(50),
    carrier_url VARCHAR(500),
    tracking_url_template VARCHAR(500),
    is_active BOOLEAN DEFAULT true,
    supports_prediction BOOLEAN DEFAULT false,
    avg_delivery_days INTEGER,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_carriers_code ON carriers(carrier_code);
CREATE INDEX idx_carriers_active ON carriers(is_active);

-- PRD §2.1.2 Tracking Records Table
CREATE TABLE tracking_records (
    tracking_id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tracking_number VARCHAR(100) NOT NULL,
    carrier_id INTEGER NOT NULL REFERENCES carriers(carrier_id),

    -- Current Status
    current_status VARCHAR(50) NOT NULL,
    current_substatus VARCHAR(50),
    status_code INTEGER,

    -- Location Information
    current_location VARCHAR(500),
    current_location_country VARCHAR(2),
    current_location_city VARCHAR(200),

    -- Delivery Information
    origin_country VARCHAR(2),
    destination_country VARCHAR(2),
    estimated_delivery_date DATE,
    actual_delivery_date TIMESTAMP,
    recipient_name VARCHAR(200),

    -- Metadata
    customer_reference VARCHAR(100),
    order_id VARCHAR(100),

    -- Sync Control
    auto_refresh_enabled BOOLEAN DEFAULT true,
    sync_interval_minutes INTEGER DEFAULT 240,
    last_synced_at TIMESTAMP,
    next_sync_at TIMESTAMP,
    sync_retry_count INTEGER DEFAULT 0,
    max_sync_retries INTEGER DEFAULT 5,

    -- API Response Cache
    raw_api_response JSONB,
    api_response_cached_at TIMESTAMP,
    cache_ttl_minutes INTEGER DEFAULT 60,

    -- Status Flags
    is_delivered BOOLEAN DEFAULT false,
    is_exception BOOLEAN DEFAULT false,
    is_expired BOOLEAN DEFAULT false,
    requires_attention BOOLEAN DEFAULT false,

    -- Timestamps
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT unique_tracking_carrier UNIQUE(tracking_number, carrier_id)
);

CREATE INDEX idx_tracking_number ON tracking_records(tracking_number);
CREATE INDEX idx_tracking_status ON tracking_records(current_status);
CREATE INDEX idx_tracking_next_sync ON tracking_records(next_sync_at) WHERE auto_refresh_enabled = true;
CREATE INDEX idx_tracking_carrier ON tracking_records(carrier_id);
CREATE INDEX idx_tracking_customer_ref ON tracking_records(customer_reference);
CREATE INDEX idx_tracking_requires_attention ON tracking_records(requires_attention) WHERE requires_attention = true;

-- PRD §2.1.3 Tracking Events Table
CREATE TABLE tracking_events (
    event_id BIGSERIAL PRIMARY KEY,
    tracking_id UUID NOT NULL REFERENCES tracking_records(tracking_id) ON DELETE CASCADE,

    -- Event Details
    event_sequence INTEGER NOT NULL,
    event_status VARCHAR(50) NOT NULL,
    event_substatus VARCHAR(50),
    event_status_code INTEGER,

    -- Location Details
    location_country VARCHAR(2),
    location_state VARCHAR(100),
    location_city VARCHAR(200),
    location_postal_code VARCHAR(20),
    location_full_address VARCHAR(500),
    location_timezone VARCHAR(50),

    -- Event Description
    event_description TEXT,
    event_description_cn TEXT,

    -- Timestamp Information
    event_timestamp TIMESTAMP NOT NULL,
    event_timezone_offset VARCHAR(10),

    -- Additional Metadata
    facility_name VARCHAR(200),
    carrier_event_code VARCHAR(50),
    weight_kg DECIMAL(10,2),
    dimensions_cm VARCHAR(50),

    -- Raw Data
    raw_event_data JSONB,

    -- Tracking
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT unique_tracking_event UNIQUE(tracking_id, event_sequence)
);

CREATE INDEX idx_events_tracking_id ON tracking_events(tracking_id);
CREATE INDEX idx_events_timestamp ON tracking_events(event_timestamp DESC);
CREATE INDEX idx_events_status ON tracking_events(event_status);
CREATE INDEX idx_events_location ON tracking_events(location_country, location_city);

-- PRD §2.1.4 Sync Jobs Table
CREATE TABLE sync_jobs (
    job_id BIGSERIAL PRIMARY KEY,
    job_batch_id UUID DEFAULT gen_random_uuid(),
    tracking_id UUID NOT NULL REFERENCES tracking_records(tracking_id),

    -- Job Configuration
    job_type VARCHAR(50) NOT NULL, -- SCHEDULED, MANUAL, RETRY, BATCH
    job_priority INTEGER DEFAULT 5, -- 1=highest, 10=lowest

    -- Execution Status
    job_status VARCHAR(50) NOT NULL, -- PENDING, RUNNING, COMPLETED, FAILED, CANCELLED
    scheduled_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    completed_at TIMESTAMP,

    -- Execution Details
    attempt_number INTEGER DEFAULT 1,
    max_attempts INTEGER DEFAULT 3,
    retry_delay_minutes INTEGER,

    -- Results
    events_fetched INTEGER DEFAULT 0,
    events_new INTEGER DEFAULT 0,
    status_changed BOOLEAN DEFAULT false,

    -- Error Handling
    error_code VARCHAR(50),
    error_message TEXT,
    error_details JSONB,

    -- Performance Metrics
    api_response_time_ms INTEGER,
    processing_time_ms INTEGER,

    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_sync_jobs_status ON sync_jobs(job_status);
CREATE INDEX idx_sync_jobs_scheduled ON sync_jobs(scheduled_at) WHERE job_status = 'PENDING';
CREATE INDEX idx_sync_jobs_tracking ON sync_jobs(tracking_id);
CREATE INDEX idx_sync_jobs_batch ON sync_jobs(job_batch_id);
CREATE INDEX idx_sync_jobs_priority ON sync_jobs(job_priority, scheduled_at) WHERE job_status = 'PENDING';

-- PRD §2.1.5 Status Cache Table
CREATE TABLE status_cache (
    cache_id BIGSERIAL PRIMARY KEY,
    tracking_id UUID NOT NULL REFERENCES tracking_records(tracking_id) ON DELETE CASCADE,

    -- Cache Key
    cache_key VARCHAR(200) UNIQUE NOT NULL,

    -- Cached Data
    cached_status VARCHAR(50) NOT NULL,
    cached_location VARCHAR(500),
    cached_event_count INTEGER,
    cached_response JSONB NOT NULL,

    -- TTL Management
    cache_strategy VARCHAR(50) NOT NULL, -- FIXED, DYNAMIC, ADAPTIVE
    ttl_minutes INTEGER NOT NULL,
    cached_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,

    -- Cache Performance
    hit_count INTEGER DEFAULT 0,
    last_hit_at TIMESTAMP,

    -- Validation
    is_valid BOOLEAN DEFAULT true,
    invalidated_at TIMESTAMP,
    invalidation_reason VARCHAR(200),

    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_cache_key ON status_cache(cache_key);
CREATE INDEX idx_cache_tracking ON status_cache(tracking_id);
CREATE INDEX idx_cache_expires ON status_cache(expires_at) WHERE is_valid = true;
CREATE INDEX idx_cache_cleanup ON status_cache(expires_at) WHERE is_valid = true;

-- PRD §2.1.6 Event Notifications Table
CREATE TABLE event_notifications (
    notification_id BIGSERIAL PRIMARY KEY,
    tracking_id UUID NOT NULL REFERENCES tracking_records(tracking_id),
    event_id BIGINT REFERENCES tracking_events(event_id),

    -- Notification Details
    notification_type VARCHAR(50) NOT NULL, -- STATUS_CHANGE, DELIVERED, EXCEPTION, DELAY
    notification_channel VARCHAR(50), -- EMAIL, SMS, WEBHOOK, PUSH
    recipient VARCHAR(200),

    -- Content
    subject VARCHAR(500),
    message TEXT,
    notification_payload JSONB,

    -- Delivery Status
    status VARCHAR(50) DEFAULT 'PENDING', -- PENDING, SENT, FAILED, CANCELLED
    sent_at TIMESTAMP,
    delivered_at TIMESTAMP,
    failed_at TIMESTAMP,
    failure_reason TEXT,

    -- Retry Logic
    retry_count INTEGER DEFAULT 0,
    max_retries INTEGER DEFAULT 3,
    next_retry_at TIMESTAMP,

    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_notifications_tracking ON event_notifications(tracking_id);
CREATE INDEX idx_notifications_status ON event_notifications(status);
CREATE INDEX idx_notifications_retry ON event_notifications(next_retry_at) WHERE status = 'FAILED';

-- PRD §2.1.7 API Audit Log Table
CREATE TABLE api_audit_log (
    audit_id BIGSERIAL PRIMARY KEY,

    -- Request Details
    tracking_id UUID REFERENCES tracking_records(tracking_id),
    endpoint VARCHAR(200) NOT NULL,
    http_method VARCHAR(10) NOT NULL,
    request_params JSONB,
    request_headers JSONB,

    -- API Call Details
    external_api_called BOOLEAN DEFAULT false,
    api_provider VARCHAR(50), -- 17TRACK, CUSTOM
    api_endpoint VARCHAR(500),
    api_request_payload JSONB,

    -- Response Details
    response_status_code INTEGER,
    response_body JSONB,
    response_time_ms INTEGER,

    -- Result
    operation_status VARCHAR(50), -- SUCCESS, FAILURE, PARTIAL
    error_code VARCHAR(50),
    error_message TEXT,

    -- User Context
    user_id VARCHAR(100),
    ip_address INET,
    user_agent VARCHAR(500),

    -- Timestamps
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_audit_tracking ON api_audit_log(tracking_id);
CREATE INDEX idx_audit_created ON api_audit_log(created_at DESC);
CREATE INDEX idx_audit_status ON api_audit_log(operation_status);
CREATE INDEX idx_audit_endpoint ON api_audit_log(endpoint);

-- PRD §2.1.8 Sync Schedule Configuration Table
CREATE TABLE sync_schedule_config (
    config_id SERIAL PRIMARY KEY,

    -- Rule Definition
    rule_name VARCHAR(100) UNIQUE NOT NULL,
    rule_description TEXT,
    is_active BOOLEAN DEFAULT true,

    -- Matching Criteria
    carrier_id INTEGER REFERENCES carriers(carrier_id),
    status_pattern VARCHAR(50), -- IN_TRANSIT, DELIVERED, etc.
    destination_country VARCHAR(2),

    -- Schedule Configuration
    sync_interval_minutes INTEGER NOT NULL,
    max_age_days INTEGER, -- Stop syncing after X days
    stop_on_delivered BOOLEAN DEFAULT true,
    stop_on_exception BOOLEAN DEFAULT false,

    -- Retry Configuration
    retry_strategy VARCHAR(50), -- EXPONENTIAL, FIXED, LINEAR
    initial_retry_delay_minutes INTEGER DEFAULT 30,
    max_retry_attempts INTEGER DEFAULT 5,

    -- Priority
    priority_level INTEGER DEFAULT 5,

    -- Time Windows (JSON array of time ranges)
    active_time_windows JSONB,

    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_sync_config_active ON sync_schedule_config(is_active);
CREATE INDEX idx_sync_config_carrier ON sync_schedule_config(carrier_id);
`;

/** Reverse dependency order: every table is dropped before the tables it references. */
const PRD_TABLES_DROP_ORDER = [
  "sync_schedule_config",
  "api_audit_log",
  "event_notifications",
  "status_cache",
  "sync_jobs",
  "tracking_events",
  "tracking_records",
  "carriers",
] as const;

export const up: Migration = async ({ context: { sequelize } }) => {
  // Postgres DDL is transactional: a failure leaves no half-created schema behind.
  await sequelize.transaction(async (transaction) => {
    await sequelize.query(PRD_SCHEMA_SQL, { transaction });
  });
};

export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.transaction(async (transaction) => {
    for (const table of PRD_TABLES_DROP_ORDER) await sequelize.query(`DROP TABLE ${table}`, { transaction });
  });
};
