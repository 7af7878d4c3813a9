// Copies the grpc.health.v1 and grpc.reflection protos (Apache-2.0) out of their npm packages into third_party/,
// because Connect-ES has no health or reflection package (reference/stack.md §3) and we generate our own from these.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const healthRoot = dirname(require.resolve("grpc-health-check/package.json"));
const reflectionRoot = dirname(require.resolve("@grpc/reflection/package.json"));

const copies: [string, string][] = [
  [join(healthRoot, "proto/health/v1/health.proto"), "third_party/grpc/health/v1/health.proto"],
  [
    join(reflectionRoot, "build/proto/grpc/reflection/v1/reflection.proto"),
    "third_party/grpc/reflection/v1/reflection.proto",
  ],
  [
    join(reflectionRoot, "build/proto/grpc/reflection/v1alpha/reflection.proto"),
    "third_party/grpc/reflection/v1alpha/reflection.proto",
  ],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
