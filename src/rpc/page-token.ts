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

/**
 * One page of a list keyed on a single column: `fetch` is asked for one row more than the page (the default size
 * when the caller gave none), so whether another page follows is known without a count, and the next token carries
 * the page's last key under `field`.
 */
export async function keysetPage<R>(
  req: { pageSize: number; pageToken: string },
  list: {
    defaultSize: number;
    field: string;
    fetch: (after: string | undefined, limit: number) => Promise<R[]>;
    keyOf: (row: R) => string | number;
  },
): Promise<{ rows: R[]; nextPageToken: string }> {
  const { defaultSize, field, fetch, keyOf } = list;
  const limit = req.pageSize || defaultSize;
  const after = decodePageToken(req.pageToken, [field]);
  const fetched = await fetch(after ? String(after[field]) : undefined, limit + 1);
  const rows = fetched.slice(0, limit);
  const last = rows.at(-1);
  return {
    rows,
    nextPageToken: fetched.length > limit && last !== undefined ? encodePageToken({ [field]: keyOf(last) }) : "",
  };
}
