// PRD §2.1.8 `sync_schedule_config`: the rules that choose a record's sync interval and retry policy (PRD §3.4.1:
// configurable per carrier / status / destination).

import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type NonAttribute,
  type Sequelize,
} from "sequelize";
import type { CarrierRow } from "./carrier.js";
import type { JsonDocument } from "./json.js";

export function defineSyncScheduleConfig(sequelize: Sequelize) {
  class SyncScheduleConfig extends Model<
    InferAttributes<SyncScheduleConfig>,
    InferCreationAttributes<SyncScheduleConfig>
  > {
    declare configId: CreationOptional<number>;

    declare ruleName: string;
    declare ruleDescription: CreationOptional<string | null>;
    declare isActive: CreationOptional<boolean | null>;

    /** null: the rule applies to every carrier. */
    declare carrierId: CreationOptional<number | null>;
    declare statusPattern: CreationOptional<string | null>;
    declare destinationCountry: CreationOptional<string | null>;

    declare syncIntervalMinutes: number;
    /** Stop syncing after this many days. */
    declare maxAgeDays: CreationOptional<number | null>;
    declare stopOnDelivered: CreationOptional<boolean | null>;
    declare stopOnException: CreationOptional<boolean | null>;

    /** EXPONENTIAL, FIXED or LINEAR (PRD §2.1.8). */
    declare retryStrategy: CreationOptional<string | null>;
    declare initialRetryDelayMinutes: CreationOptional<number | null>;
    declare maxRetryAttempts: CreationOptional<number | null>;

    declare priorityLevel: CreationOptional<number | null>;

    /** JSON array of time ranges (PRD §2.1.8); the scheduling module owns its shape. */
    declare activeTimeWindows: CreationOptional<JsonDocument | null>;

    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;

    declare carrier?: NonAttribute<CarrierRow>;
  }

  SyncScheduleConfig.init(
    {
      configId: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ruleName: { type: DataTypes.STRING(100), allowNull: false, unique: true },
      ruleDescription: DataTypes.TEXT,
      isActive: DataTypes.BOOLEAN,
      carrierId: DataTypes.INTEGER,
      statusPattern: DataTypes.STRING(50),
      destinationCountry: DataTypes.STRING(2),
      syncIntervalMinutes: { type: DataTypes.INTEGER, allowNull: false },
      maxAgeDays: DataTypes.INTEGER,
      stopOnDelivered: DataTypes.BOOLEAN,
      stopOnException: DataTypes.BOOLEAN,
      retryStrategy: DataTypes.STRING(50),
      initialRetryDelayMinutes: DataTypes.INTEGER,
      maxRetryAttempts: DataTypes.INTEGER,
      priorityLevel: DataTypes.INTEGER,
      activeTimeWindows: DataTypes.JSONB,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    {
      sequelize,
      modelName: "SyncScheduleConfig",
      tableName: "sync_schedule_config",
      underscored: true,
      timestamps: true,
    },
  );
  return SyncScheduleConfig;
}

export type SyncScheduleConfigModel = ReturnType<typeof defineSyncScheduleConfig>;
export type SyncScheduleConfigRow = InstanceType<SyncScheduleConfigModel>;
export type SyncScheduleConfigAttributes = InferAttributes<SyncScheduleConfigRow>;
