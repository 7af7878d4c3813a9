// src/domain holds the pure decision logic (DESIGN "Conventions"): no I/O, no adapters, no globals of the
// process, so it can be table-tested and reused by the simulator. This scans every import of every file there.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = fileURLToPath(new URL("../../", import.meta.url));
const domain = join(root, "src/domain");

/** Packages that do I/O or hold connections; none belongs in the domain. */
const BANNED_PACKAGES = [
  "pg",
  "pg-copy-streams",
  "sequelize",
  "umzug",
  "ioredis",
  "bottleneck",
  "agenda",
  "nodemailer",
  "pino",
  "undici",
  "cockatiel",
  "@connectrpc/connect",
  "@connectrpc/connect-node",
];
/** node:crypto is allowed for deterministic hashing (event fingerprints); everything else of node:* is I/O or process state. */
const ALLOWED_NODE = new Set(["node:crypto"]);
/** Files outside src/domain that the domain may import: type and constant definitions without I/O. */
const ALLOWED_OUTSIDE = new Set(["src/upstream/wire.ts"]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;
  for (const m of source.matchAll(pattern)) specifiers.push(m[1]!);
  return specifiers;
}

function problemOf(file: string, specifier: string): string | undefined {
  if (specifier.startsWith(".")) {
    const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, ".ts");
    if (target.startsWith("src/domain/") || ALLOWED_OUTSIDE.has(target)) return undefined;
    return `imports ${target}, outside src/domain`;
  }
  if (specifier.startsWith("node:") || ["fs", "net", "http", "https", "child_process", "os"].includes(specifier)) {
    return ALLOWED_NODE.has(specifier) ? undefined : `imports ${specifier}`;
  }
  const pkg = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
  return BANNED_PACKAGES.includes(pkg) ? `imports ${pkg}` : undefined;
}

test("no file under src/domain imports I/O modules or adapters", () => {
  const files = filesUnder(domain);
  assert.ok(files.length > 10, "found the domain files");
  const problems = files.flatMap((file) =>
    importsOf(readFileSync(file, "utf8"))
      .map((s) => problemOf(file, s))
      .filter((p): p is string => p !== undefined)
      .map((p) => `${relative(root, file)} ${p}`),
  );
  assert.equal(problems, []);
});

test("the import scanner sees what it must reject", () => {
  const file = join(domain, "x/y.ts");
  assert.is(problemOf(file, "pg"), "imports pg");
  assert.is(problemOf(file, "@connectrpc/connect-node"), "imports @connectrpc/connect-node");
  assert.is(problemOf(file, "node:fs"), "imports node:fs");
  assert.is(problemOf(file, "../../store/sequelize.js"), "imports src/store/sequelize.ts, outside src/domain");
  assert.is(problemOf(file, "../carriers/detect.js"), undefined);
  assert.equal(importsOf(`import a from "x";\nimport type { B } from './y.js';\nconst c = await import("z");`), [
    "x",
    "./y.js",
    "z",
  ]);
});

test.run();
