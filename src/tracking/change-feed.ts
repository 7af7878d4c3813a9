// The change feed (tracking_changes, migrations/0004): rows written in the same transaction as the change, a NOTIFY on
// this channel at commit, and publishers that work from the rows so nothing is lost between commit and publish.
export const CHANGES_CHANNEL = "waybill_tracking_changes";
