// PRD §2.1.1 `carriers`, plus track17_key and country_iso added by migration 0002 (17TRACK reference §7).
import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type Sequelize,
} from "sequelize";

export function defineCarrier(sequelize: Sequelize) {
  class Carrier extends Model<InferAttributes<Carrier>, InferCreationAttributes<Carrier>> {
    declare carrierId: CreationOptional<number>;
    declare carrierCode: string;
    declare carrierName: string;
    declare carrierNameCn: CreationOptional<string | null>;
    declare carrierPhone: CreationOptional<string | null>;
    declare carrierUrl: CreationOptional<string | null>;
    declare trackingUrlTemplate: CreationOptional<string | null>;
    declare isActive: CreationOptional<boolean | null>;
    declare supportsPrediction: CreationOptional<boolean | null>;
    declare avgDeliveryDays: CreationOptional<number | null>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
    /** 17TRACK's integer carrier key (migration 0002); null for carriers 17TRACK does not list. */
    declare track17Key: CreationOptional<number | null>;
    /** ISO 3166-1 alpha-2 home country (migration 0002). */
    declare countryIso: CreationOptional<string | null>;
    /** Set when an operator edited the metadata (migration 0010); the start-up seed then leaves the row alone. */
    declare metadataEditedAt: CreationOptional<Date | null>;
  }

  Carrier.init(
    {
      carrierId: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      carrierCode: { type: DataTypes.STRING(50), allowNull: false, unique: true },
      carrierName: { type: DataTypes.STRING(200), allowNull: false },
      carrierNameCn: DataTypes.STRING(200),
      carrierPhone: DataTypes.STRING(50),
      carrierUrl: DataTypes.STRING(500),
      trackingUrlTemplate: DataTypes.STRING(500),
      isActive: DataTypes.BOOLEAN,
      supportsPrediction: DataTypes.BOOLEAN,
      avgDeliveryDays: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
      track17Key: { type: DataTypes.INTEGER, unique: true },
      countryIso: DataTypes.STRING(2),
      metadataEditedAt: DataTypes.DATE,
    },
    { sequelize, modelName: "Carrier", tableName: "carriers", underscored: true, timestamps: true },
  );
  return Carrier;
}

export type CarrierModel = ReturnType<typeof defineCarrier>;
export type CarrierRow = InstanceType<CarrierModel>;
export type CarrierAttributes = InferAttributes<CarrierRow>;
