// The carrier as the service works with it (plain data; the store maps rows to it).

export interface CarrierData {
  carrierId: number;
  carrierCode: string;
  carrierName: string;
  carrierNameCn: string | null;
  carrierPhone: string | null;
  carrierUrl: string | null;
  trackingUrlTemplate: string | null;
  isActive: boolean;
  supportsPrediction: boolean;
  avgDeliveryDays: number | null;
  track17Key: number | null;
  countryIso: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CarrierFilter {
  active?: boolean;
  query?: string;
  country?: string;
  afterCode?: string;
  limit: number;
}

export interface CarrierStats {
  recordsTracked: number;
  recordsDelivered: number;
  avgDeliveryDays: number | null;
}
