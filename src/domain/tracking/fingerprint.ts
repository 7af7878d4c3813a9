// Event identity for deduplication. 17TRACK events carry no id, so an event is identified by what it says: the
// reporting provider, its instant, description and location. A repeated push, a re-sync or an overlapping page then
// inserts nothing twice (unique index on tracking_id + fingerprint).
import { createHash } from "node:crypto";

export function eventFingerprint(parts: {
  providerKey: number;
  utc: Date;
  description: string;
  location: string | null;
}): string {
  const text = [
    parts.providerKey,
    parts.utc.toISOString(),
    parts.description.trim().replace(/\s+/g, " "),
    (parts.location ?? "").trim().replace(/\s+/g, " ").toUpperCase(),
  ].join("\u0000");
  return createHash("sha256").update(text, "utf8").digest("hex");
}
