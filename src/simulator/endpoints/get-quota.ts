// `getquota` (§2.6): free, no parameters; `data` holds the counters directly (no accepted/rejected).
import type { Quota } from "../../upstream/wire.js";
import type { Engine } from "../engine.js";
import type { EndpointResult } from "../envelope.js";

export function getQuota(engine: Engine): EndpointResult {
  engine.rollDay();
  const { config, account } = engine;
  const data: Quota = {
    quota_total: config.quotaTotal,
    quota_used: account.quotaUsed,
    quota_remain: Math.max(0, config.quotaTotal - account.quotaUsed),
    today_used: account.todayUsed,
    max_track_daily: config.maxTrackDaily,
    free_email_quota: 0,
    free_email_quotaused: 0,
  };
  return { body: { code: 0, data } };
}
