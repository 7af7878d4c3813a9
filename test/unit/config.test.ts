import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CONFIG_VARS, ConfigError, loadConfig } from "../../src/config.js";

test("defaults work with nothing set", () => {
  const c = loadConfig({});
  assert.is(c.port, 8080);
  assert.is(c.databaseUrl, "postgres://postgres@127.0.0.1:5432/waybill");
  assert.is(c.redisUrl, "redis://127.0.0.1:6379");
  assert.is(c.migrateOnStart, true);
  assert.equal(c.corsOrigins, []);
  assert.ok(Object.isFrozen(c));
});

const bad: [string, string, RegExp][] = [
  ["PORT", "80a", /PORT="80a": must be a whole number/],
  ["PORT", "70000", /PORT="70000": must be between 0 and 65535/],
  ["DATABASE_URL", "mysql://x", /DATABASE_URL="mysql:\/\/x": must use postgres: or postgresql:/],
  ["REDIS_URL", "nope", /REDIS_URL="nope": must be a URL/],
  ["MIGRATE_ON_START", "maybe", /MIGRATE_ON_START="maybe": must be true or false/],
  ["LOG_LEVEL", "loud", /LOG_LEVEL="loud": must be one of/],
];
for (const [name, value, message] of bad) {
  test(`${name}=${value} is rejected by name`, () => {
    try {
      loadConfig({ [name]: value });
      assert.unreachable("should throw");
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, message);
    }
  });
}

test("every problem is reported at once", () => {
  try {
    loadConfig({ PORT: "x", LOG_LEVEL: "y" });
    assert.unreachable("should throw");
  } catch (e) {
    assert.is((e as ConfigError).problems.length, 2);
  }
});

test("CORS_ORIGINS is a comma list", () => {
  assert.equal(loadConfig({ CORS_ORIGINS: "http://a.test, http://b.test" }).corsOrigins, [
    "http://a.test",
    "http://b.test",
  ]);
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : [];
  });
}

test("nothing in src/ but config.ts reads process.env", () => {
  const offenders = walk("src").filter(
    (f) => f !== join("src", "config.ts") && /process\.env/.test(readFileSync(f, "utf8")),
  );
  assert.equal(offenders, []);
});

test("the README documents every configuration variable", () => {
  const readme = readFileSync("README.md", "utf8");
  const missing = Object.values(CONFIG_VARS)
    .map((v) => v.name)
    .filter((name) => !readme.includes(`\`${name}\``));
  assert.equal(missing, []);
});

test.run();
