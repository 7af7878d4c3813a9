// The eight PRD §2.1 tables as Sequelize models, defined per Sequelize instance: no module-level model is bound to
// one connection, so tests (and tools) can open several databases in one process. Never call sync(): the schema is
// owned by migrations/ (PRD §2.1 DDL verbatim plus additive changes).
//
// Typing rules, mirroring the DDL exactly:
// - a column without NOT NULL is `T | null`, even when it has a DEFAULT (the PRD allows NULL in it);
// - a column with a DEFAULT (or nullable) is CreationOptional; omitted on create, the database default applies;
// - BIGINT / BIGSERIAL ids are decimal strings (pg returns int8 as text; ids may pass 2^53), SERIAL ids numbers;
// - DECIMAL is a decimal string, DATE ("estimated_delivery_date") a "YYYY-MM-DD" string, INET its text form,
//   JSONB a JsonDocument (json.ts) the owning module narrows, TIMESTAMP a Date holding the UTC instant (see ../sequelize.ts).
import type { Sequelize } from "sequelize";
import { defineApiAuditLog } from "./api-audit-log.js";
import { defineCarrier } from "./carrier.js";
import { defineEventNotification } from "./event-notification.js";
import { defineStatusCache } from "./status-cache.js";
import { defineSyncJob } from "./sync-job.js";
import { defineSyncScheduleConfig } from "./sync-schedule-config.js";
import { defineTrackingEvent } from "./tracking-event.js";
import { defineTrackingRecord } from "./tracking-record.js";

export function defineModels(sequelize: Sequelize) {
  const Carrier = defineCarrier(sequelize);
  const TrackingRecord = defineTrackingRecord(sequelize);
  const TrackingEvent = defineTrackingEvent(sequelize);
  const SyncJob = defineSyncJob(sequelize);
  const StatusCache = defineStatusCache(sequelize);
  const EventNotification = defineEventNotification(sequelize);
  const ApiAuditLog = defineApiAuditLog(sequelize);
  const SyncScheduleConfig = defineSyncScheduleConfig(sequelize);

  // Each pair mirrors one REFERENCES clause of PRD §2.1.
  Carrier.hasMany(TrackingRecord, { foreignKey: "carrierId", as: "trackingRecords" });
  TrackingRecord.belongsTo(Carrier, { foreignKey: "carrierId", as: "carrier" });

  Carrier.hasMany(SyncScheduleConfig, { foreignKey: "carrierId", as: "scheduleRules" });
  SyncScheduleConfig.belongsTo(Carrier, { foreignKey: "carrierId", as: "carrier" });

  TrackingRecord.hasMany(TrackingEvent, { foreignKey: "trackingId", as: "events" });
  TrackingEvent.belongsTo(TrackingRecord, { foreignKey: "trackingId", as: "trackingRecord" });

  TrackingRecord.hasMany(SyncJob, { foreignKey: "trackingId", as: "syncJobs" });
  SyncJob.belongsTo(TrackingRecord, { foreignKey: "trackingId", as: "trackingRecord" });

  TrackingRecord.hasMany(StatusCache, { foreignKey: "trackingId", as: "cacheEntries" });
  StatusCache.belongsTo(TrackingRecord, { foreignKey: "trackingId", as: "trackingRecord" });

  TrackingRecord.hasMany(EventNotification, { foreignKey: "trackingId", as: "notifications" });
  EventNotification.belongsTo(TrackingRecord, { foreignKey: "trackingId", as: "trackingRecord" });
  TrackingEvent.hasMany(EventNotification, { foreignKey: "eventId", as: "notifications" });
  EventNotification.belongsTo(TrackingEvent, { foreignKey: "eventId", as: "event" });

  TrackingRecord.hasMany(ApiAuditLog, { foreignKey: "trackingId", as: "auditEntries" });
  ApiAuditLog.belongsTo(TrackingRecord, { foreignKey: "trackingId", as: "trackingRecord" });

  return {
    Carrier,
    TrackingRecord,
    TrackingEvent,
    SyncJob,
    StatusCache,
    EventNotification,
    ApiAuditLog,
    SyncScheduleConfig,
  };
}

export type Models = ReturnType<typeof defineModels>;

export type { ApiAuditLogAttributes, ApiAuditLogModel, ApiAuditLogRow } from "./api-audit-log.js";
export type { CarrierAttributes, CarrierModel, CarrierRow } from "./carrier.js";
export type {
  EventNotificationAttributes,
  EventNotificationModel,
  EventNotificationRow,
} from "./event-notification.js";
export type { StatusCacheAttributes, StatusCacheModel, StatusCacheRow } from "./status-cache.js";
export type { SyncJobAttributes, SyncJobModel, SyncJobRow } from "./sync-job.js";
export type {
  SyncScheduleConfigAttributes,
  SyncScheduleConfigModel,
  SyncScheduleConfigRow,
} from "./sync-schedule-config.js";
export type { TrackingEventAttributes, TrackingEventModel, TrackingEventRow } from "./tracking-event.js";
export type { TrackingRecordAttributes, TrackingRecordModel, TrackingRecordRow } from "./tracking-record.js";
