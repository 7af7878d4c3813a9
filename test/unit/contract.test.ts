// The API contract's gates: buf lint (STANDARD) and format are clean, gen/ is exactly what `buf generate` writes,
// and the protos make no breaking change against the main branch (buf breaking, FILE rules).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const buf = (...args: string[]) => spawnSync("npx", ["--no-install", "buf", ...args], { encoding: "utf8" });

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

test("buf lint is clean", () => {
  const r = buf("lint");
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test("buf format has nothing to change in proto/", () => {
  const r = buf("format", "-d", "--exit-code", "proto");
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test("gen/ is fresh: buf generate reproduces it byte for byte", () => {
  const out = mkdtempSync(join(tmpdir(), "waybill-gen-"));
  try {
    const r = buf("generate", "-o", out);
    assert.is(r.status, 0, r.stdout + r.stderr);
    const fresh = files(join(out, "gen"))
      .map((f) => relative(out, f))
      .sort();
    const committed = files("gen").sort();
    assert.equal(committed, fresh, "gen/ has missing or extra files: run npm run generate");
    for (const f of fresh)
      assert.ok(readFileSync(join(out, f)).equals(readFileSync(f)), `${f} is stale: run npm run generate`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("no breaking change against the main branch", () => {
  const hasMain = spawnSync("git", ["rev-parse", "--verify", "--quiet", "main:proto"], { encoding: "utf8" });
  if (hasMain.status !== 0) return; // first commit of the contract: nothing to compare with
  const r = buf("breaking", "--against", ".git#branch=main");
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test("the vendored validate.proto matches the installed protovalidate", () => {
  execFileSync(process.execPath, ["--import", "tsx", "scripts/gen-validate-proto.ts", "--check-only"]);
});

test.run();
