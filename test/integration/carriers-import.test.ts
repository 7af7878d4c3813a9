// The 17TRACK carrier-list import against a real database with 17TRACK's real list (3,017 entries, read from
// ../shared/data, never copied into the repo): idempotent, unique codes, seed codes kept, operator state kept,
// and the CLI end to end (from a file and from a URL served locally).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { QueryTypes } from "sequelize";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CARRIER_SEED } from "../../src/domain/carriers/seed.js";
import { importCarrierList } from "../../src/store/import-carriers.js";
import { applyCarrierSeed } from "../../src/store/seed-carriers.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const LIST_PATH = fileURLToPath(new URL("../../../shared/data/17track-apicarrier.all.json", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

interface Row {
  carrier_code: string;
  track17_key: number;
  carrier_name: string;
  is_active: boolean;
  avg_delivery_days: number | null;
  tracking_url_template: string | null;
}

async function rows(db: TestDatabase): Promise<Row[]> {
  return db.sequelize.query<Row>(
    `SELECT carrier_code, track17_key, carrier_name, is_active, avg_delivery_days, tracking_url_template
     FROM carriers ORDER BY track17_key`,
    { type: QueryTypes.SELECT },
  );
}

function runCli(args: string[], databaseUrl: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/carriers-import.ts", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, out, err }));
  });
}

if (!existsSync(LIST_PATH)) {
  test.skip(`carriers import: ${LIST_PATH} is absent (17TRACK's list lives in ../shared/data beside the repo)`, () => {});
} else {
  const list = JSON.parse(readFileSync(LIST_PATH, "utf8")) as { key: number; _name: string }[];
  let fresh: TestDatabase;
  let seeded: TestDatabase;

  test.before(async () => {
    [fresh, seeded] = await Promise.all([
      createTestDatabase("carriers_import_fresh"),
      createTestDatabase("carriers_import_seeded"),
    ]);
  });
  test.after(async () => {
    await Promise.all([fresh?.drop(), seeded?.drop()]);
  });

  test("the built-in seed's keys and names are 17TRACK's", () => {
    const byKey = new Map(list.map((e) => [e.key, e._name.trim()]));
    const wrong = CARRIER_SEED.filter((s) => byKey.get(s.track17Key) !== s.name).map((s) => s.code);
    assert.equal(wrong, []);
  });

  test("first import inserts all 3,017 carriers with unique, readable codes; seed carriers get the seed's codes", async () => {
    const started = performance.now();
    const result = await importCarrierList(fresh.sequelize, list);
    const ms = performance.now() - started;
    console.log(`  carriers import: ${list.length} entries in ${ms.toFixed(0)} ms`);
    assert.is(list.length, 3017);
    assert.equal(result.rejected, []);
    assert.equal(
      { ...result, rejected: undefined, warnings: undefined },
      {
        inserted: 3017,
        updated: 0,
        unchanged: 0,
        total: 3017,
        rejected: undefined,
        warnings: undefined,
      },
    );
    // Rows without a 17TRACK key (a migration's placeholder carrier, say) are not the list's.
    const all = await rows(fresh);
    const stored = all.filter((r) => r.track17_key !== null);
    assert.is(stored.length, 3017);
    assert.is(new Set(all.map((r) => r.carrier_code)).size, all.length);
    for (const r of stored) {
      assert.ok(r.carrier_code.length <= 50 && CODE.test(r.carrier_code), r.carrier_code);
    }
    const byKey = new Map(stored.map((r) => [r.track17_key, r]));
    for (const s of CARRIER_SEED) {
      assert.is(byKey.get(s.track17Key)?.carrier_code, s.code);
      assert.is(byKey.get(s.track17Key)?.tracking_url_template ?? undefined, s.trackingUrlTemplate);
    }
    for (const [key, code] of [
      [100002, "ups"],
      [21051, "usps"],
      [100001, "dhl-express"],
      [3011, "china-post"],
    ] as const) {
      assert.is(byKey.get(key)?.carrier_code, code);
    }
  });

  test("importing again changes nothing, and the start-up seed agrees with the import", async () => {
    const before = await rows(fresh);
    const again = await importCarrierList(fresh.sequelize, list);
    assert.equal([again.inserted, again.updated, again.unchanged], [0, 0, 3017]);
    const seed = await applyCarrierSeed(fresh.sequelize, CARRIER_SEED);
    assert.equal(seed, { inserted: 0, updated: 0, unchanged: CARRIER_SEED.length });
    assert.equal(await rows(fresh), before);
  });

  test("re-import keeps codes on renamed carriers, and keeps is_active and measured avg_delivery_days", async () => {
    await fresh.sequelize.query(
      "UPDATE carriers SET is_active = false, avg_delivery_days = 9 WHERE carrier_code IN ('ups', 'unknown')",
    );
    const renamed = list.map((e) => (e.key === 100971 ? { ...e, _name: "Now Known Logistics" } : e));
    const result = await importCarrierList(fresh.sequelize, renamed);
    assert.equal([result.inserted, result.updated, result.unchanged], [0, 1, 3016]);
    const byCode = new Map((await rows(fresh)).map((r) => [r.carrier_code, r]));
    assert.is(byCode.get("unknown")?.carrier_name, "Now Known Logistics");
    assert.is(byCode.get("unknown")?.track17_key, 100971);
    for (const code of ["ups", "unknown"]) {
      assert.is(byCode.get(code)?.is_active, false);
      assert.is(byCode.get(code)?.avg_delivery_days, 9);
    }
  });

  test("after the seed and a hand-made carrier: only the rest is inserted and no stored code is reused", async () => {
    await applyCarrierSeed(seeded.sequelize, CARRIER_SEED);
    await seeded.sequelize.query("INSERT INTO carriers (carrier_code, carrier_name) VALUES ('unknown', 'Our own')");
    const result = await importCarrierList(seeded.sequelize, list);
    assert.equal(
      [result.inserted, result.updated, result.unchanged],
      [3017 - CARRIER_SEED.length, 0, CARRIER_SEED.length],
    );
    const stored = await rows(seeded);
    assert.is(new Set(stored.map((r) => r.carrier_code)).size, stored.length);
    const own = stored.find((r) => r.carrier_code === "unknown");
    assert.is(own?.carrier_name, "Our own");
    assert.is(own?.track17_key, null);
    assert.is(stored.find((r) => r.track17_key === 100971)?.carrier_code, "unknown-us");
  });

  test("CLI: --file imports (idempotently here) and prints the counts", async () => {
    const run = await runCli(["--file", LIST_PATH], seeded.databaseUrl);
    assert.is(run.code, 0, run.err);
    assert.match(run.out, /3017 carriers in the list, inserted 0, updated 0, unchanged 3017, rejected 0/);
  });

  test("CLI: --url downloads the list; bad arguments exit 2", async () => {
    const body = readFileSync(LIST_PATH);
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await runCli(["--url", `http://127.0.0.1:${port}/apicarrier.all.json`], seeded.databaseUrl);
      assert.is(run.code, 0, run.err);
      assert.match(run.out, /unchanged 3017/);
    } finally {
      server.close();
    }
    const bad = await runCli(["--file", "a", "--url", "b"], seeded.databaseUrl);
    assert.is(bad.code, 2);
    assert.match(bad.err, /usage/);
  });
}

test.run();
