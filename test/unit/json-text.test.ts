import { test } from "uvu";
import * as assert from "uvu/assert";
import { jsonForPostgres, jsonTextForPostgres } from "../../src/store/json-text.js";

for (const [input, expected] of [
  [{ d: "a\u0000b" }, '{"d":"ab"}'],
  [{ d: "no nul" }, '{"d":"no nul"}'],
  [{ d: "\\u0000 literal" }, '{"d":"\\\\u0000 literal"}'],
  [{ d: "\\\u0000" }, '{"d":"\\\\"}'],
] as const) {
  test(`jsonForPostgres(${JSON.stringify(input)})`, () => {
    const out = jsonForPostgres(input);
    assert.is(out, expected);
    assert.not.ok(JSON.stringify(JSON.parse(out)).includes("\\u0000") && out !== expected);
  });
}

test("raw text from the wire is cleaned the same way", () => {
  assert.is(jsonTextForPostgres('{"a":"x\\u0000y"}'), '{"a":"xy"}');
});

test.run();
