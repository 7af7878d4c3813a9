// The shape every bench/*.bench.ts module returns from `run()`, and the table bench/run.ts prints.

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** A figure measured in the same run (or the limit being checked) that `value` is compared with. */
  baseline?: { name: string; value: number };
  /** value / baseline.value unless the bench sets its own. */
  ratio?: number;
  /** What a good figure is, in words (e.g. "<= 1.00", "0"). */
  goal?: string;
}

export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

export function ratioOf(r: BenchResult): number | undefined {
  if (r.ratio !== undefined) return r.ratio;
  if (!r.baseline || r.baseline.value === 0) return undefined;
  return r.value / r.baseline.value;
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toFixed(3).replace(/\.?0+$/, "");
}

/** A plain-text table, one row per figure, grouped by bench. */
export function formatTable(rows: { bench: string; result: BenchResult }[]): string {
  const header = ["bench", "figure", "value", "unit", "baseline", "ratio", "goal"];
  const cells = rows.map(({ bench, result: r }) => {
    const ratio = ratioOf(r);
    return [
      bench,
      r.name,
      fmt(r.value),
      r.unit,
      r.baseline ? `${r.baseline.name} = ${fmt(r.baseline.value)}` : "",
      ratio === undefined ? "" : `${ratio.toFixed(2)}x`,
      r.goal ?? "",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 2 || i === 5 ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
