// 17TRACK's push signature (reference §5.3): lower-case hex SHA-256 (not an HMAC) of the raw body bytes + "/" + the
// API key, in the `sign` header. The simulator signs with this and the webhook verifies with it.
import { createHash, timingSafeEqual } from "node:crypto";

export function signPushBody(raw: Buffer | string, apiKey: string): string {
  const body = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  return createHash("sha256")
    .update(Buffer.concat([body, Buffer.from(`/${apiKey}`, "utf8")]))
    .digest("hex");
}

/** Constant-time check over the exact bytes received; a missing or malformed header is simply false. */
export function verifyPushSign(raw: Buffer, sign: string | undefined, apiKey: string): boolean {
  if (!sign) return false;
  const expected = Buffer.from(signPushBody(raw, apiKey), "utf8");
  const given = Buffer.from(sign.trim().toLowerCase(), "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
