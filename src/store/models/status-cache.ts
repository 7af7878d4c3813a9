// PRD §2.1.5 `status_cache`: the Postgres side of status caching (strategies FIXED, DYNAMIC, ADAPTIVE, PRD §3.3.1).
// Rows are written once and invalidated, never edited in place, so the table has created_at but no updated_at.

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

export function defineStatusCache(sequelize: Sequelize) {
  class StatusCache extends Model<InferAttributes<StatusCache>, InferCreationAttributes<StatusCache>> {
    /** BIGSERIAL as a decimal string (see TrackingEvent.eventId). */
    declare cacheId: CreationOptional<string>;
    declare trackingId: string;

    declare cacheKey: string;

    declare cachedStatus: string;
    declare cachedLocation: CreationOptional<string | null>;
    declare cachedEventCount: CreationOptional<number | null>;
    declare cachedResponse: JsonDocument;

    declare cacheStrategy: string;
    declare ttlMinutes: number;
    /** NOT NULL DEFAULT CURRENT_TIMESTAMP: the database fills it when omitted. */
    declare cachedAt: CreationOptional<Date>;
    declare expiresAt: Date;

    declare hitCount: CreationOptional<number | null>;
    declare lastHitAt: CreationOptional<Date | null>;

    declare isValid: CreationOptional<boolean | null>;
    declare invalidatedAt: CreationOptional<Date | null>;
    declare invalidationReason: CreationOptional<string | null>;

    declare createdAt: CreationOptional<Date>;

    declare trackingRecord?: NonAttribute<TrackingRecordRow>;
  }

  StatusCache.init(
    {
      cacheId: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      trackingId: { type: DataTypes.UUID, allowNull: false },
      cacheKey: { type: DataTypes.STRING(200), allowNull: false, unique: true },
      cachedStatus: { type: DataTypes.STRING(50), allowNull: false },
      cachedLocation: DataTypes.STRING(500),
      cachedEventCount: DataTypes.INTEGER,
      cachedResponse: { type: DataTypes.JSONB, allowNull: false },
      cacheStrategy: { type: DataTypes.STRING(50), allowNull: false },
      ttlMinutes: { type: DataTypes.INTEGER, allowNull: false },
      cachedAt: DataTypes.DATE,
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      hitCount: DataTypes.INTEGER,
      lastHitAt: DataTypes.DATE,
      isValid: DataTypes.BOOLEAN,
      invalidatedAt: DataTypes.DATE,
      invalidationReason: DataTypes.STRING(200),
      createdAt: DataTypes.DATE,
    },
    {
      sequelize,
      modelName: "StatusCache",
      tableName: "status_cache",
      underscored: true,
      timestamps: true,
      updatedAt: false,
    },
  );
  return StatusCache;
}

export type StatusCacheModel = ReturnType<typeof defineStatusCache>;
export type StatusCacheRow = InstanceType<StatusCacheModel>;
export type StatusCacheAttributes = InferAttributes<StatusCacheRow>;
