// PRD §2.1.2 `tracking_records`: one row per (tracking_number, carrier_id), the current state of a waybill.

import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  literal,
  Model,
  type NonAttribute,
  type Sequelize,
} from "sequelize";
import type { CarrierRow } from "./carrier.js";
import type { JsonDocument } from "./json.js";
import type { TrackingEventRow } from "./tracking-event.js";

export function defineTrackingRecord(sequelize: Sequelize) {
  class TrackingRecord extends Model<InferAttributes<TrackingRecord>, InferCreationAttributes<TrackingRecord>> {
    /** gen_random_uuid() in the database when omitted. */
    declare trackingId: CreationOptional<string>;
    declare trackingNumber: string;
    declare carrierId: number;

    declare currentStatus: string;
    declare currentSubstatus: CreationOptional<string | null>;
    declare statusCode: CreationOptional<number | null>;

    declare currentLocation: CreationOptional<string | null>;
    declare currentLocationCountry: CreationOptional<string | null>;
    declare currentLocationCity: CreationOptional<string | null>;

    declare originCountry: CreationOptional<string | null>;
    declare destinationCountry: CreationOptional<string | null>;
    /** A calendar date, "YYYY-MM-DD" (SQL DATE: no time, no zone). */
    declare estimatedDeliveryDate: CreationOptional<string | null>;
    declare actualDeliveryDate: CreationOptional<Date | null>;
    declare recipientName: CreationOptional<string | null>;

    declare customerReference: CreationOptional<string | null>;
    declare orderId: CreationOptional<string | null>;

    declare autoRefreshEnabled: CreationOptional<boolean | null>;
    declare syncIntervalMinutes: CreationOptional<number | null>;
    declare lastSyncedAt: CreationOptional<Date | null>;
    declare nextSyncAt: CreationOptional<Date | null>;
    declare syncRetryCount: CreationOptional<number | null>;
    declare maxSyncRetries: CreationOptional<number | null>;

    declare rawApiResponse: CreationOptional<JsonDocument | null>;
    declare apiResponseCachedAt: CreationOptional<Date | null>;
    declare cacheTtlMinutes: CreationOptional<number | null>;

    declare isDelivered: CreationOptional<boolean | null>;
    declare isException: CreationOptional<boolean | null>;
    declare isExpired: CreationOptional<boolean | null>;
    declare requiresAttention: CreationOptional<boolean | null>;

    // Additions of migrations/0003 (not in the PRD).
    declare registrationState: CreationOptional<"PENDING" | "ACCEPTED" | "REJECTED" | "STOPPED">;
    declare registrationErrorCode: CreationOptional<number | null>;
    declare registrationErrorMessage: CreationOptional<string | null>;
    declare track17CarrierKey: CreationOptional<number | null>;
    declare registeredAt: CreationOptional<Date | null>;
    declare priority: CreationOptional<number>;
    declare latestEventAt: CreationOptional<Date | null>;
    declare eventCount: CreationOptional<number>;
    declare trackingStopped: CreationOptional<boolean>;
    declare carrierChangeCount: CreationOptional<number>;
    declare cacheStrategy: CreationOptional<"FIXED" | "DYNAMIC" | "ADAPTIVE">;
    /** Until when the registrar's claim on a PENDING record holds (migration 0012). */
    declare registrationLeaseUntil: CreationOptional<Date | null>;

    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;

    declare carrier?: NonAttribute<CarrierRow>;
    declare events?: NonAttribute<TrackingEventRow[]>;
  }

  TrackingRecord.init(
    {
      // Sequelize sends NULL for an unset primary key, so the PRD's DEFAULT must be spelled out to take effect.
      trackingId: { type: DataTypes.UUID, primaryKey: true, defaultValue: literal("gen_random_uuid()") },
      trackingNumber: { type: DataTypes.STRING(100), allowNull: false },
      carrierId: { type: DataTypes.INTEGER, allowNull: false },
      currentStatus: { type: DataTypes.STRING(50), allowNull: false },
      currentSubstatus: DataTypes.STRING(50),
      statusCode: DataTypes.INTEGER,
      currentLocation: DataTypes.STRING(500),
      currentLocationCountry: DataTypes.STRING(2),
      currentLocationCity: DataTypes.STRING(200),
      originCountry: DataTypes.STRING(2),
      destinationCountry: DataTypes.STRING(2),
      estimatedDeliveryDate: DataTypes.DATEONLY,
      actualDeliveryDate: DataTypes.DATE,
      recipientName: DataTypes.STRING(200),
      customerReference: DataTypes.STRING(100),
      orderId: DataTypes.STRING(100),
      autoRefreshEnabled: DataTypes.BOOLEAN,
      syncIntervalMinutes: DataTypes.INTEGER,
      lastSyncedAt: DataTypes.DATE,
      nextSyncAt: DataTypes.DATE,
      syncRetryCount: DataTypes.INTEGER,
      maxSyncRetries: DataTypes.INTEGER,
      rawApiResponse: DataTypes.JSONB,
      apiResponseCachedAt: DataTypes.DATE,
      cacheTtlMinutes: DataTypes.INTEGER,
      isDelivered: DataTypes.BOOLEAN,
      isException: DataTypes.BOOLEAN,
      isExpired: DataTypes.BOOLEAN,
      requiresAttention: DataTypes.BOOLEAN,
      registrationState: { type: DataTypes.STRING(20), allowNull: false, defaultValue: "PENDING" },
      registrationErrorCode: DataTypes.INTEGER,
      registrationErrorMessage: DataTypes.STRING(500),
      track17CarrierKey: { type: DataTypes.INTEGER, field: "track17_carrier_key" },
      registeredAt: DataTypes.DATE,
      priority: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 5 },
      latestEventAt: DataTypes.DATE,
      eventCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      trackingStopped: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      carrierChangeCount: { type: DataTypes.SMALLINT, allowNull: false, defaultValue: 0 },
      cacheStrategy: { type: DataTypes.STRING(10), allowNull: false, defaultValue: "DYNAMIC" },
      registrationLeaseUntil: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, modelName: "TrackingRecord", tableName: "tracking_records", underscored: true, timestamps: true },
  );
  return TrackingRecord;
}

export type TrackingRecordModel = ReturnType<typeof defineTrackingRecord>;
export type TrackingRecordRow = InstanceType<TrackingRecordModel>;
export type TrackingRecordAttributes = InferAttributes<TrackingRecordRow>;
