// The TypeScript side of a JSONB column. Not `object`: an object literal passed to create() would then fail the
// excess-property check, and an index signature says what is true: any keys, values the owning module narrows.

/** A JSON object or array as stored in a JSONB column. */
export type JsonDocument = { [key: string]: unknown } | unknown[];
