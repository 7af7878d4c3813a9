// A comparable snapshot of tables as Postgres itself describes them (information_schema and pg_catalog), and the
// diff of two snapshots. Used to prove the migrated schema carries everything the PRD's DDL creates: comparing
// catalogs, not SQL text, means a different spelling of the same definition is no difference, and any real one is.
import pg from "pg";

/** One table's definition, each entry keyed by a stable name and holding a printable description. */
export interface TableCatalog {
  /** column name → type, length, precision, nullability, default */
  readonly columns: Map<string, string>;
  /** constraint name → kind and full definition (PK, UNIQUE, FK with its ON DELETE/UPDATE, CHECK) */
  readonly constraints: Map<string, string>;
  /** index name → full CREATE INDEX statement (uniqueness, method, order, partial WHERE) */
  readonly indexes: Map<string, string>;
  /** sequence owned by a column (SERIAL/BIGSERIAL) → its type, start, increment, bounds */
  readonly sequences: Map<string, string>;
}

export type SchemaCatalog = Map<string, TableCatalog>;

const COLUMNS_SQL = `
SELECT table_name::text AS t, column_name::text AS name,
       json_build_object(
         'type', data_type, 'udt', udt_name, 'length', character_maximum_length,
         'precision', numeric_precision, 'scale', numeric_scale, 'datetime_precision', datetime_precision,
         'nullable', is_nullable, 'default', column_default)::text AS def
FROM information_schema.columns
WHERE table_schema = 'public' AND table_name = ANY($1)`;

const CONSTRAINTS_SQL = `
SELECT c.conrelid::regclass::text AS t, c.conname::text AS name,
       c.contype::text || ' ' || pg_get_constraintdef(c.oid, true)
         || CASE WHEN c.condeferrable THEN ' DEFERRABLE' ELSE '' END AS def
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE n.nspname = 'public' AND r.relname = ANY($1)`;

const INDEXES_SQL = `
SELECT tablename::text AS t, indexname::text AS name, indexdef AS def
FROM pg_indexes
WHERE schemaname = 'public' AND tablename = ANY($1)`;

const SEQUENCES_SQL = `
SELECT r.relname::text AS t, s.relname::text AS name,
       json_build_object('column', a.attname, 'type', format_type(q.seqtypid, NULL), 'start', q.seqstart,
         'increment', q.seqincrement, 'min', q.seqmin, 'max', q.seqmax, 'cycle', q.seqcycle)::text AS def
FROM pg_sequence q
JOIN pg_class s ON s.oid = q.seqrelid
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class r ON r.oid = d.refobjid
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = d.refobjsubid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE n.nspname = 'public' AND r.relname = ANY($1)`;

/** `{"type":"integer","length":null,...}` → `type=integer nullable=NO default=0`: what a diff line needs, no noise. */
function compact(json: string): string {
  return Object.entries(JSON.parse(json) as Record<string, unknown>)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

/** The catalog of the given tables in the public schema of the database at `databaseUrl`. */
export async function readCatalog(databaseUrl: string, tables: readonly string[]): Promise<SchemaCatalog> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    const catalog: SchemaCatalog = new Map();
    const tableOf = (t: string): TableCatalog => {
      let entry = catalog.get(t);
      if (!entry) {
        entry = { columns: new Map(), constraints: new Map(), indexes: new Map(), sequences: new Map() };
        catalog.set(t, entry);
      }
      return entry;
    };
    const parts: [keyof TableCatalog, string][] = [
      ["columns", COLUMNS_SQL],
      ["constraints", CONSTRAINTS_SQL],
      ["indexes", INDEXES_SQL],
      ["sequences", SEQUENCES_SQL],
    ];
    for (const [part, sql] of parts) {
      const { rows } = await client.query<{ t: string; name: string; def: string }>(sql, [tables]);
      for (const row of rows) tableOf(row.t)[part].set(row.name, part === "columns" ? compact(row.def) : row.def);
    }
    return catalog;
  } finally {
    await client.end().catch(() => {});
  }
}

const PART_LABEL: Record<keyof TableCatalog, string> = {
  columns: "column",
  constraints: "constraint",
  indexes: "index",
  sequences: "sequence",
};

export interface CatalogDiff {
  /** Lines naming what the expected schema has and the actual one lacks or defines differently. */
  readonly problems: string[];
  /** Lines naming what only the actual schema has (allowed additions, reported for information). */
  readonly additions: string[];
}

/**
 * Compares `actual` against `expected`: every table, column, constraint, index and owned sequence of `expected`
 * must exist in `actual` with the same definition; anything extra in `actual` is an addition, not a problem.
 */
export function diffCatalogs(expected: SchemaCatalog, actual: SchemaCatalog): CatalogDiff {
  const problems: string[] = [];
  const additions: string[] = [];
  for (const [table, want] of expected) {
    const have = actual.get(table);
    if (!have) {
      problems.push(`- table ${table}: missing`);
      continue;
    }
    for (const part of ["columns", "constraints", "indexes", "sequences"] as const) {
      const label = PART_LABEL[part];
      for (const [name, def] of want[part]) {
        const got = have[part].get(name);
        if (got === undefined) problems.push(`- ${table} ${label} ${name}: missing (PRD: ${def})`);
        else if (got !== def) problems.push(`~ ${table} ${label} ${name}:\n    PRD:  ${def}\n    ours: ${got}`);
      }
      for (const [name, def] of have[part]) {
        if (!want[part].has(name)) additions.push(`+ ${table} ${label} ${name}: ${def}`);
      }
    }
  }
  return { problems, additions };
}

/** The ```sql blocks of a markdown text from the line starting with `heading` to the next heading of its level or above. */
export function sqlBlocksOfSection(markdown: string, heading: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) return [];
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  const rest = lines.slice(start + 1);
  const endOffset = rest.findIndex((l) => {
    const m = /^(#+)\s/.exec(l);
    return m !== null && (m[1]?.length ?? 0) <= level;
  });
  const section = (endOffset < 0 ? rest : rest.slice(0, endOffset)).join("\n");
  return [...section.matchAll(/^```sql[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? "");
}
