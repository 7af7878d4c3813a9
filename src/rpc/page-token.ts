// Opaque cursor tokens: base64url JSON of the last row's sort key. A token that does not decode to the expected
// shape is the caller's mistake (InvalidArgument), never a server error.
import { invalidArgument } from "../errors.js";

export function encodePageToken(key: Record<string, string | number | null>): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodePageToken<K extends string>(
  token: string,
  fields: readonly K[],
): Record<K, string | number | null> | undefined {
  if (token === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalidArgument("page_token is not a token this API issued");
  }
  if (typeof parsed !== "object" || parsed === null || !fields.every((f) => f in parsed)) {
    throw invalidArgument("page_token is not a token this API issued for this request");
  }
  return parsed as Record<K, string | number | null>;
}
