// A minimal RFC 4180 encoder: exports are written row by row, so there is no table to hold, only lines to build.
// RFC 4180 §2: records end with CRLF; a field containing a comma, a double quote, CR or LF is enclosed in double
// quotes and its double quotes are doubled. Other fields are written as they are (quoting everything would be valid
// too, but plain fields keep the file readable and diff-able).

export type CsvValue = string | number | bigint | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

/** One field: null and undefined are the empty field; numbers and booleans their plain text. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
