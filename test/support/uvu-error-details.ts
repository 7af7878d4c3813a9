// Loaded before every suite by scripts/run-tests.ts. uvu 0.5.6 reports a failure with `err.details.split("\n")`,
// assuming a string; ConnectError.details is an array, so a test failing on an RPC error crashed uvu's reporter and
// the suite printed "(0 / N)" with no message at all. Arrays get a `split` that renders their items, so the
// failure and its stack are printed. Test processes only.
Object.defineProperty(Array.prototype, "split", {
  value(this: unknown[], separator: string) {
    return this.map((d) => JSON.stringify(d, (_k, v) => (typeof v === "bigint" ? String(v) : v)))
      .join(separator)
      .split(separator);
  },
  enumerable: false,
  configurable: true,
});
