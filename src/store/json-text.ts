// JSON text Postgres will take as JSONB. JSONB refuses the NUL character ("\u0000" escapes, 22P05), which a carrier's
// free text can carry; one such character would fail a push or a shipment's every sync. It is dropped; a literal
// backslash before "u0000" (an even run of backslashes) is left alone.
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

export function jsonTextForPostgres(json: string): string {
  return json.includes("\\u0000") ? json.replace(NUL_ESCAPE, "$1") : json;
}

export function jsonForPostgres(value: unknown): string {
  return jsonTextForPostgres(JSON.stringify(value));
}
