import { test } from "uvu";
import * as assert from "uvu/assert";
import { type CsvValue, csvField, csvRow } from "../../src/domain/export/csv.js";

const fields: [string, CsvValue, string][] = [
  ["plain text as is", "Louisville", "Louisville"],
  ["empty string is the empty field", "", ""],
  ["null is the empty field", null, ""],
  ["undefined is the empty field", undefined, ""],
  ["integer", 42, "42"],
  ["decimal", 1.25, "1.25"],
  ["bigint beyond 2^53", 9007199254740993n, "9007199254740993"],
  ["boolean", true, "true"],
  ["comma is quoted", "Louisville, KY", '"Louisville, KY"'],
  ["double quote is doubled inside quotes", 'the "hub"', '"the ""hub"""'],
  ["only a quote", '"', '""""'],
  ["LF is quoted", "line1\nline2", '"line1\nline2"'],
  ["CR is quoted", "a\rb", '"a\rb"'],
  ["CRLF is quoted", "a\r\nb", '"a\r\nb"'],
  ["leading and trailing spaces kept unquoted (RFC 4180: spaces are part of a field)", "  x  ", "  x  "],
  ["semicolon and tab need no quotes", "a;b\tc", "a;b\tc"],
  ["non-ASCII as is", "已签收, 北京", '"已签收, 北京"'],
  ["everything at once", 'a,"b"\r\nc', '"a,""b""\r\nc"'],
];
for (const [name, input, expected] of fields) {
  test(`csvField: ${name}`, () => assert.is(csvField(input), expected));
}

const rows: [string, CsvValue[], string][] = [
  ["fields joined by commas, CRLF-terminated", ["a", 1, null, "b,c"], 'a,1,,"b,c"\r\n'],
  ["a single empty field is still one record", [""], "\r\n"],
  ["all-empty fields keep their separators", [null, null, null], ",,\r\n"],
  ["a field with a newline stays inside the record", ["x\ny", "z"], '"x\ny",z\r\n'],
];
for (const [name, input, expected] of rows) {
  test(`csvRow: ${name}`, () => assert.is(csvRow(input), expected));
}

test("csvRow round-trips through a reference RFC 4180 parser", () => {
  const values = ['a,"b"', "c\r\nd", "", "plain", "x"];
  assert.equal(parseCsvRecord(csvRow(values)), values);
});

/** A straightforward RFC 4180 record parser, independent of the encoder, for the round-trip check. */
function parseCsvRecord(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
    } else {
      while (i < line.length && line[i] !== "," && !line.startsWith("\r\n", i)) field += line[i++];
    }
    out.push(field);
    if (line[i] === ",") i++;
    else return out;
  }
}

test.run();
