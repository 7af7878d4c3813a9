// `npm run bench [filter]`: runs every bench/*.bench.ts (or those whose name contains `filter`) one after
// another and prints each figure with its ratio to the baseline measured in the same run. Benches are
// measurements, not assertions (DESIGN "Conventions"): the exit code only says whether they ran.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BenchModule, type BenchResult, formatTable } from "./bench-result.js";

const dir = fileURLToPath(new URL(".", import.meta.url));
const filter = process.argv[2];
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .filter((n) => !filter || n.includes(filter))
  .sort();

if (names.length === 0) {
  console.error(filter ? `no bench matches "${filter}"` : "no bench/*.bench.ts found");
  process.exit(1);
}

const rows: { bench: string; result: BenchResult }[] = [];
let failed = false;
for (const name of names) {
  const started = performance.now();
  console.log(`▶ ${name}`);
  try {
    const mod = (await import(pathToFileURL(`${dir}${name}.bench.ts`).href)) as BenchModule;
    for (const result of await mod.run()) rows.push({ bench: name, result });
    console.log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed = true;
    console.error(`  ${name} failed:`, err);
  }
}
console.log(`\n${formatTable(rows)}`);
process.exit(failed ? 1 : 0);
