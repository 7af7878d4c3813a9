// PRD §2.1.3 `tracking_events`: the event timeline, one row per (tracking_id, event_sequence). Append-only, so the
// table has created_at but no updated_at.

import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type Sequelize,
} from "sequelize";
import type { JsonDocument } from "./json.js";

export function defineTrackingEvent(sequelize: Sequelize) {
  class TrackingEvent extends Model<InferAttributes<TrackingEvent>, InferCreationAttributes<TrackingEvent>> {
    /** BIGSERIAL, kept as a decimal string: pg returns int8 as text and ids may pass 2^53. */
    declare eventId: CreationOptional<string>;
    declare trackingId: string;

    declare eventSequence: number;
    declare eventStatus: string;
    declare eventSubstatus: CreationOptional<string | null>;
    declare eventStatusCode: CreationOptional<number | null>;

    declare locationCountry: CreationOptional<string | null>;
    declare locationState: CreationOptional<string | null>;
    declare locationCity: CreationOptional<string | null>;
    declare locationPostalCode: CreationOptional<string | null>;
    declare locationFullAddress: CreationOptional<string | null>;
    declare locationTimezone: CreationOptional<string | null>;

    declare eventDescription: CreationOptional<string | null>;
    declare eventDescriptionCn: CreationOptional<string | null>;

    /** UTC instant; the carrier-local offset is kept in eventTimezoneOffset (DESIGN "Conventions"). */
    declare eventTimestamp: Date;
    declare eventTimezoneOffset: CreationOptional<string | null>;

    declare facilityName: CreationOptional<string | null>;
    declare carrierEventCode: CreationOptional<string | null>;
    /** DECIMAL(10,2) as an exact decimal string, e.g. "1.25" (pg returns numeric as text). */
    declare weightKg: CreationOptional<string | null>;
    declare dimensionsCm: CreationOptional<string | null>;

    declare rawEventData: CreationOptional<JsonDocument | null>;

    // Additions of migrations/0003: content hash (dedup) and the 17TRACK provider that reported it.
    declare fingerprint: CreationOptional<string | null>;
    declare providerKey: CreationOptional<number | null>;

    declare createdAt: CreationOptional<Date>;
  }

  TrackingEvent.init(
    {
      eventId: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      trackingId: { type: DataTypes.UUID, allowNull: false },
      eventSequence: { type: DataTypes.INTEGER, allowNull: false },
      eventStatus: { type: DataTypes.STRING(50), allowNull: false },
      eventSubstatus: DataTypes.STRING(50),
      eventStatusCode: DataTypes.INTEGER,
      locationCountry: DataTypes.STRING(2),
      locationState: DataTypes.STRING(100),
      locationCity: DataTypes.STRING(200),
      locationPostalCode: DataTypes.STRING(20),
      locationFullAddress: DataTypes.STRING(500),
      locationTimezone: DataTypes.STRING(50),
      eventDescription: DataTypes.TEXT,
      eventDescriptionCn: DataTypes.TEXT,
      eventTimestamp: { type: DataTypes.DATE, allowNull: false },
      eventTimezoneOffset: DataTypes.STRING(10),
      facilityName: DataTypes.STRING(200),
      carrierEventCode: DataTypes.STRING(50),
      weightKg: DataTypes.DECIMAL(10, 2),
      dimensionsCm: DataTypes.STRING(50),
      rawEventData: DataTypes.JSONB,
      fingerprint: DataTypes.STRING(64),
      providerKey: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
    },
    {
      sequelize,
      modelName: "TrackingEvent",
      tableName: "tracking_events",
      underscored: true,
      timestamps: true,
      updatedAt: false,
    },
  );
  return TrackingEvent;
}

export type TrackingEventModel = ReturnType<typeof defineTrackingEvent>;
export type TrackingEventRow = InstanceType<TrackingEventModel>;
export type TrackingEventAttributes = InferAttributes<TrackingEventRow>;
