// PRD §2.1.6 `event_notifications`: the notification outbox (DESIGN data path 6), written in the ingest transaction
// and claimed later by the notify dispatcher.

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
import type { TrackingEventRow } from "./tracking-event.js";
import type { TrackingRecordRow } from "./tracking-record.js";

export function defineEventNotification(sequelize: Sequelize) {
  class EventNotification extends Model<
    InferAttributes<EventNotification>,
    InferCreationAttributes<EventNotification>
  > {
    /** BIGSERIAL as a decimal string (see TrackingEvent.eventId). */
    declare notificationId: CreationOptional<string>;
    declare trackingId: string;
    /** tracking_events.event_id (BIGINT) as a decimal string. */
    declare eventId: CreationOptional<string | null>;

    declare notificationType: string;
    declare notificationChannel: CreationOptional<string | null>;
    declare recipient: CreationOptional<string | null>;

    declare subject: CreationOptional<string | null>;
    declare message: CreationOptional<string | null>;
    declare notificationPayload: CreationOptional<JsonDocument | null>;

    /** DEFAULT 'PENDING' (PENDING, SENT, FAILED, CANCELLED). */
    declare status: CreationOptional<string | null>;
    declare sentAt: CreationOptional<Date | null>;
    declare deliveredAt: CreationOptional<Date | null>;
    declare failedAt: CreationOptional<Date | null>;
    declare failureReason: CreationOptional<string | null>;

    declare retryCount: CreationOptional<number | null>;
    declare maxRetries: CreationOptional<number | null>;
    declare nextRetryAt: CreationOptional<Date | null>;

    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;

    declare trackingRecord?: NonAttribute<TrackingRecordRow>;
    declare event?: NonAttribute<TrackingEventRow>;
  }

  EventNotification.init(
    {
      notificationId: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      trackingId: { type: DataTypes.UUID, allowNull: false },
      eventId: DataTypes.BIGINT,
      notificationType: { type: DataTypes.STRING(50), allowNull: false },
      notificationChannel: DataTypes.STRING(50),
      recipient: DataTypes.STRING(200),
      subject: DataTypes.STRING(500),
      message: DataTypes.TEXT,
      notificationPayload: DataTypes.JSONB,
      status: DataTypes.STRING(50),
      sentAt: DataTypes.DATE,
      deliveredAt: DataTypes.DATE,
      failedAt: DataTypes.DATE,
      failureReason: DataTypes.TEXT,
      retryCount: DataTypes.INTEGER,
      maxRetries: DataTypes.INTEGER,
      nextRetryAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    {
      sequelize,
      modelName: "EventNotification",
      tableName: "event_notifications",
      underscored: true,
      timestamps: true,
    },
  );
  return EventNotification;
}

export type EventNotificationModel = ReturnType<typeof defineEventNotification>;
export type EventNotificationRow = InstanceType<EventNotificationModel>;
export type EventNotificationAttributes = InferAttributes<EventNotificationRow>;
