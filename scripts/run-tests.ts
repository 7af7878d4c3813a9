// Runs every uvu suite (unit, integration, e2e) in its own child process per folder and
// prints one closing line `N passed, N failed` for CI (.ci/run reads it).
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const folders = ["test/unit", "test/integration", "test/e2e"].filter(
  (dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(".test.ts")),
);
const pattern = process.argv[2] ?? "\\.test\\.ts$";

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

function runFolder(dir: string): Promise<Tally & { code: number }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        "./test/support/uvu-error-details.ts",
        join("node_modules", "uvu", "bin.js"),
        dir,
        pattern,
        "--no-color",
      ],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, FORCE_COLOR: "0" } },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      out += chunk.toString("utf8");
    });
    child.on("close", (code) => {
      const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? Number.NaN);
      const total = num("Total");
      const passed = num("Passed");
      const skipped = num("Skipped");
      if (Number.isNaN(total)) {
        // No summary means the suite crashed before uvu could report: count it as a failure.
        resolve({ passed: 0, failed: 1, skipped: 0, code: code ?? 1 });
        return;
      }
      resolve({ passed, failed: total - passed, skipped: skipped || 0, code: code ?? 1 });
    });
  });
}

const sum: Tally = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
for (const dir of folders) {
  process.stdout.write(`\n== ${dir}\n`);
  const r = await runFolder(dir);
  sum.passed += r.passed;
  sum.failed += r.failed;
  sum.skipped += r.skipped;
  if (r.code !== 0 || r.failed > 0) exitCode = 1;
}
if (sum.skipped > 0) process.stdout.write(`\n${sum.skipped} skipped`);
process.stdout.write(`\n${sum.passed} passed, ${sum.failed} failed\n`);
process.exit(exitCode);
