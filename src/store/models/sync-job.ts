// PRD §2.1.4 `sync_jobs`: one row per sync attempt of one record, grouped into batches by job_batch_id.
// job_type / job_status hold the PRD's upper-case names (SCHEDULED, MANUAL, RETRY, BATCH / PENDING, RUNNING, ...).

import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type NonAttribute,
  type Sequelize,
} from "sequelize";
import type { JsonDocument } from "./json.js";
import type { TrackingRecordRow } from "./tracking-record.js";

export function defineSyncJob(sequelize: Sequelize) {
  class SyncJob extends Model<InferAttributes<SyncJob>, InferCreationAttributes<SyncJob>> {
    /** BIGSERIAL as a decimal string (see TrackingEvent.eventId). */
    declare jobId: CreationOptional<string>;
    /** gen_random_uuid() in the database when omitted. */
    declare jobBatchId: CreationOptional<string | null>;
    declare trackingId: string;

    declare jobType: string;
    /** 1 = highest, 10 = lowest (PRD §2.1.4). */
    declare jobPriority: CreationOptional<number | null>;

    declare jobStatus: string;
    declare scheduledAt: Date;
    declare startedAt: CreationOptional<Date | null>;
    declare completedAt: CreationOptional<Date | null>;

    declare attemptNumber: CreationOptional<number | null>;
    declare maxAttempts: CreationOptional<number | null>;
    declare retryDelayMinutes: CreationOptional<number | null>;

    declare eventsFetched: CreationOptional<number | null>;
    declare eventsNew: CreationOptional<number | null>;
    declare statusChanged: CreationOptional<boolean | null>;

    declare errorCode: CreationOptional<string | null>;
    declare errorMessage: CreationOptional<string | null>;
    declare errorDetails: CreationOptional<JsonDocument | null>;

    declare apiResponseTimeMs: CreationOptional<number | null>;
    declare processingTimeMs: CreationOptional<number | null>;

    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;

    declare trackingRecord?: NonAttribute<TrackingRecordRow>;
  }

  SyncJob.init(
    {
      jobId: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      jobBatchId: DataTypes.UUID,
      trackingId: { type: DataTypes.UUID, allowNull: false },
      jobType: { type: DataTypes.STRING(50), allowNull: false },
      jobPriority: DataTypes.INTEGER,
      jobStatus: { type: DataTypes.STRING(50), allowNull: false },
      scheduledAt: { type: DataTypes.DATE, allowNull: false },
      startedAt: DataTypes.DATE,
      completedAt: DataTypes.DATE,
      attemptNumber: DataTypes.INTEGER,
      maxAttempts: DataTypes.INTEGER,
      retryDelayMinutes: DataTypes.INTEGER,
      eventsFetched: DataTypes.INTEGER,
      eventsNew: DataTypes.INTEGER,
      statusChanged: DataTypes.BOOLEAN,
      errorCode: DataTypes.STRING(50),
      errorMessage: DataTypes.TEXT,
      errorDetails: DataTypes.JSONB,
      apiResponseTimeMs: DataTypes.INTEGER,
      processingTimeMs: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: "SyncJob", tableName: "sync_jobs", underscored: true, timestamps: true },
  );
  return SyncJob;
}

export type SyncJobModel = ReturnType<typeof defineSyncJob>;
export type SyncJobRow = InstanceType<SyncJobModel>;
export type SyncJobAttributes = InferAttributes<SyncJobRow>;
