// Shape of one row of the carrier master data we ship (PRD §2.1.1 `carriers` table); the seed files hold
// the rows and seed.ts the lookups. Kept in its own file so the data files and seed.ts do not import each
// other.

/** One carrier of the built-in master data, keyed by its readable code and its 17TRACK key. */
export interface CarrierSeed {
  /** Readable, stable slug stored in `carriers.carrier_code` (VARCHAR(50)), e.g. "dhl-express". */
  code: string;
  /** 17TRACK carrier key (`carrier` in every API call; 17TRACK reference §7.2). */
  track17Key: number;
  /** 17TRACK's `_name`, trimmed; the seed test checks it against the shared carrier list. */
  name: string;
  /** 17TRACK's `_name_zh-cn`, only when it differs from `name`. */
  nameCn?: string;
  url?: string;
  phone?: string;
  /** Public tracking page; `{number}` is replaced by the URL-encoded tracking number. */
  trackingUrlTemplate?: string;
  /** ISO 3166-1 alpha-2 country of the carrier (17TRACK's `_country_iso`). */
  country: string;
  supportsPrediction?: boolean;
  avgDeliveryDays?: number;
}
