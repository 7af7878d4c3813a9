// PRD §2.1.7 `api_audit_log`: one row per API call and per 17TRACK call (PRD §3.4.2 "log all operations").
// Append-only: created_at, no updated_at.

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

export function defineApiAuditLog(sequelize: Sequelize) {
  class ApiAuditLog extends Model<InferAttributes<ApiAuditLog>, InferCreationAttributes<ApiAuditLog>> {
    /** BIGSERIAL as a decimal string (see TrackingEvent.eventId). */
    declare auditId: CreationOptional<string>;

    declare trackingId: CreationOptional<string | null>;
    declare endpoint: string;
    declare httpMethod: string;
    declare requestParams: CreationOptional<JsonDocument | null>;
    declare requestHeaders: CreationOptional<JsonDocument | null>;

    declare externalApiCalled: CreationOptional<boolean | null>;
    /** 17TRACK or CUSTOM (PRD §2.1.7). */
    declare apiProvider: CreationOptional<string | null>;
    declare apiEndpoint: CreationOptional<string | null>;
    declare apiRequestPayload: CreationOptional<JsonDocument | null>;

    declare responseStatusCode: CreationOptional<number | null>;
    declare responseBody: CreationOptional<JsonDocument | null>;
    declare responseTimeMs: CreationOptional<number | null>;

    /** SUCCESS, FAILURE or PARTIAL (PRD §2.1.7). */
    declare operationStatus: CreationOptional<string | null>;
    declare errorCode: CreationOptional<string | null>;
    declare errorMessage: CreationOptional<string | null>;

    declare userId: CreationOptional<string | null>;
    /** INET in its text form ("203.0.113.7", "2001:db8::1"). */
    declare ipAddress: CreationOptional<string | null>;
    declare userAgent: CreationOptional<string | null>;

    declare createdAt: CreationOptional<Date>;

    declare trackingRecord?: NonAttribute<TrackingRecordRow>;
  }

  ApiAuditLog.init(
    {
      auditId: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      trackingId: DataTypes.UUID,
      endpoint: { type: DataTypes.STRING(200), allowNull: false },
      httpMethod: { type: DataTypes.STRING(10), allowNull: false },
      requestParams: DataTypes.JSONB,
      requestHeaders: DataTypes.JSONB,
      externalApiCalled: DataTypes.BOOLEAN,
      apiProvider: DataTypes.STRING(50),
      apiEndpoint: DataTypes.STRING(500),
      apiRequestPayload: DataTypes.JSONB,
      responseStatusCode: DataTypes.INTEGER,
      responseBody: DataTypes.JSONB,
      responseTimeMs: DataTypes.INTEGER,
      operationStatus: DataTypes.STRING(50),
      errorCode: DataTypes.STRING(50),
      errorMessage: DataTypes.TEXT,
      userId: DataTypes.STRING(100),
      ipAddress: DataTypes.INET,
      userAgent: DataTypes.STRING(500),
      createdAt: DataTypes.DATE,
    },
    {
      sequelize,
      modelName: "ApiAuditLog",
      tableName: "api_audit_log",
      underscored: true,
      timestamps: true,
      updatedAt: false,
    },
  );
  return ApiAuditLog;
}

export type ApiAuditLogModel = ReturnType<typeof defineApiAuditLog>;
export type ApiAuditLogRow = InstanceType<ApiAuditLogModel>;
export type ApiAuditLogAttributes = InferAttributes<ApiAuditLogRow>;
