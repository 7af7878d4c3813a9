// src/domain/sync is pure (STYLE §2): no database, Redis, scheduler, limiter or network imports, and no clock reads.
import { readdirSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";

const dir = new URL("../../src/domain/sync/", import.meta.url);
const FORBIDDEN =
  /from "(sequelize|pg|ioredis|agenda|@agendajs\/[^"]+|bottleneck|mongodb|node:(net|http|http2|https|fs|child_process))"/;

for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
  test(file, () => {
    const src = readFileSync(new URL(file, dir), "utf8");
    assert.not.match(src, FORBIDDEN, "no I/O imports");
    assert.not.match(src, /\bDate\.now\(\)|new Date\(\)/, "time is passed in");
    assert.not.match(src, /process\.env/, "no environment reads");
  });
}

test.run();
