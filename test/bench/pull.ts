// Pull-query latency over the table queries/pull.sql materialises (bids per auction): key
// lookups, 10-key IN lists, a key range with a non-key predicate and LIMIT, and a key lookup
// with a Sluice function in its WHERE (run inside SQLite as a registered function). Sluice
// answers through Engine.execute (SQL text in, decoded rows out), each statement with its own
// random key, so the plan cache must share plans across literals; the baseline is what a
// hand-written service would do on the same SQLite file: better-sqlite3 statements prepared
// once on the table the engine created, rows decoded by hand. Both run the same workload,
// query by query.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { assertNever } from '../../grammar/ast.js';
import { Engine } from '../../runtime/engine/engine.js';
import { DB_FILE } from '../../runtime/log/embedded/embedded-log.js';
import { materializedTableName } from '../../runtime/materialize/materialized-table.js';
import { percentiles } from './latency.js';
import { Random } from './nexmark/random.js';

export const PULL_SQL = new URL('./queries/pull.sql', import.meta.url);
/** The table pull.sql creates, as the catalog names it. */
export const PULL_TABLE = 'BIDS_PER_AUCTION';

export const LOOKUPS = ['key', 'inList', 'range', 'function'] as const;
export type Lookup = (typeof LOOKUPS)[number];

const IN_LIST_KEYS = 10;
const RANGE_LIMIT = 10;

/** Each lookup's WHERE clause, for the report (K: a random existing auction). */
export const LOOKUP_LABELS: Readonly<Record<Lookup, string>> = {
  key: 'auction = K',
  inList: `auction IN (${IN_LIST_KEYS} Ks)`,
  range: `auction >= K AND max_price > median LIMIT ${RANGE_LIMIT}`,
  function: 'auction = K AND ABS(max_price - n) >= 0',
};

/** One query's parameters. key, function: [auction]; inList: 10 distinct auctions; range: [from auction, price floor]. */
export type LookupParams = readonly bigint[];

export interface PullWorkload {
  readonly warmup: number;
  /** Per lookup, the warm-up queries first; numbers as decimal strings (JSON has no bigint). */
  readonly queries: Readonly<Record<Lookup, readonly (readonly string[])[]>>;
}

/** The SQL a client sends for one lookup. */
export function pullSql(lookup: Lookup, p: LookupParams): string {
  switch (lookup) {
    case 'key':
      return `SELECT * FROM bids_per_auction WHERE auction = ${p[0]};`;
    case 'inList':
      return `SELECT * FROM bids_per_auction WHERE auction IN (${p.join(', ')});`;
    case 'range':
      return `SELECT * FROM bids_per_auction WHERE auction >= ${p[0]} AND max_price > ${p[1]} LIMIT ${RANGE_LIMIT};`;
    case 'function':
      return `SELECT * FROM bids_per_auction WHERE auction = ${p[0]} AND ABS(max_price - n) >= 0;`;
    default:
      return assertNever(lookup, 'lookup');
  }
}

export async function sluiceRows(engine: Engine, sql: string): Promise<readonly (readonly unknown[])[]> {
  const [r] = await engine.execute(sql);
  if (r?.type !== 'rows') throw new Error(`expected rows from ${sql}, got ${r?.type}`);
  return r.rows;
}

/** The baseline: one prepared statement per lookup on the engine's materialised table. */
export class RawLookups {
  private readonly db: Database.Database;
  private readonly stmts: Readonly<Record<Lookup, Database.Statement>>;

  constructor(dataDir: string) {
    this.db = new Database(path.join(dataDir, DB_FILE), { fileMustExist: true });
    const table = `"${materializedTableName(PULL_TABLE)}"`;
    checkLayout(this.db, materializedTableName(PULL_TABLE));
    const select = `SELECT "AUCTION", "N", "MAX_PRICE" FROM ${table} WHERE`;
    const prepare = (sql: string) => this.db.prepare(sql).raw().safeIntegers(true);
    this.stmts = {
      key: prepare(`${select} "AUCTION" = ?`),
      inList: prepare(`${select} "AUCTION" IN (${new Array(IN_LIST_KEYS).fill('?').join(', ')})`),
      range: prepare(`${select} "AUCTION" >= ? AND "MAX_PRICE" > ? LIMIT ${RANGE_LIMIT}`),
      function: prepare(`${select} "AUCTION" = ? AND ABS("MAX_PRICE" - "N") >= 0`),
    };
  }

  rows(lookup: Lookup, params: LookupParams): [bigint, bigint, bigint][] {
    // Every column is a BIGINT, and safeIntegers returns SQLite integers as bigint already.
    return (this.stmts[lookup].all(...params) as unknown[][]).map((r) => [r[0] as bigint, r[1] as bigint, r[2] as bigint]);
  }

  close(): void {
    this.db.close();
  }
}

/** The baseline hard-codes the engine's layout for this table: fail loudly if it changes. */
function checkLayout(db: Database.Database, table: string): void {
  const cols = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as { name: string; type: string; pk: number }[];
  const want = [
    ['AUCTION', 'INTEGER', 1],
    ['N', 'INTEGER', 0],
    ['MAX_PRICE', 'INTEGER', 0],
  ] as const;
  for (const [name, type, pk] of want) {
    if (!cols.some((c) => c.name === name && c.type === type && c.pk === pk)) {
      throw new Error(`table ${table} has no ${type} column ${name}${pk ? ' (primary key)' : ''}: ${JSON.stringify(cols)}`);
    }
  }
}

export interface PullTable {
  readonly rows: number;
  /** Running pull.sql over the whole data set until drained. */
  readonly elapsedMs: number;
  readonly workload: PullWorkload;
}

/** Materialises the table in dataDir (which holds the Nexmark data) and draws the workload from its keys. */
export async function buildPullTable(dataDir: string, queries: number, warmup: number, seed: number): Promise<PullTable> {
  const engine = new Engine({ dataDir, properties: { 'auto.offset.reset': 'earliest' } });
  try {
    const start = performance.now();
    await engine.execute(readFileSync(PULL_SQL, 'utf8'));
    await engine.drain();
    const elapsedMs = performance.now() - start;
    const failed = engine.queries().filter((q) => q.state !== 'RUNNING');
    if (failed.length > 0) throw new Error(`query ${failed.map((q) => q.id).join(', ')} ended in state ERROR`);
    const rows = (await sluiceRows(engine, 'SELECT auction, max_price FROM bids_per_auction;')) as (readonly [bigint, bigint])[];
    return { rows: rows.length, elapsedMs, workload: pullWorkload(rows, queries, warmup, seed) };
  } finally {
    await engine.close();
  }
}

const byValue = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Random existing keys (a seeded draw, so both sides and every run get the same queries). */
export function pullWorkload(table: readonly (readonly [bigint, bigint])[], queries: number, warmup: number, seed: number): PullWorkload {
  if (table.length < IN_LIST_KEYS) throw new Error(`the table has ${table.length} rows: too few to draw ${IN_LIST_KEYS}-key IN lists`);
  const keys = table.map((r) => r[0]).sort(byValue);
  // The median highest bid: about half the rows pass the range's price filter.
  const floor = table.map((r) => r[1]).sort(byValue)[Math.floor(table.length / 2)]!;
  const random = new Random(seed);
  const pick = () => keys[random.nextInt(keys.length)]!;
  const distinct = () => {
    const s = new Set<bigint>();
    while (s.size < IN_LIST_KEYS) s.add(pick());
    return [...s];
  };
  const draw = (params: () => bigint[]) => Array.from({ length: warmup + queries }, () => params().map(String));
  return {
    warmup,
    queries: { key: draw(() => [pick()]), inList: draw(distinct), range: draw(() => [pick(), floor]), function: draw(() => [pick()]) },
  };
}

export interface LookupLatency {
  /** Measured queries (after the warm-up). */
  readonly queries: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Measured queries over the time they took back to back. */
  readonly qps: number;
  readonly rowsPerQuery: number;
  /** Row count and the sum of every value: the two sides must agree. */
  readonly digest: string;
}

export type PullMeasurement = Readonly<Record<Lookup, LookupLatency>>;

type RowsOf = (lookup: Lookup, params: LookupParams) => readonly (readonly unknown[])[] | Promise<readonly (readonly unknown[])[]>;

async function measureLookups(workload: PullWorkload, rowsOf: RowsOf): Promise<PullMeasurement> {
  const out = {} as Record<Lookup, LookupLatency>;
  for (const lookup of LOOKUPS) {
    const all = workload.queries[lookup].map((q) => q.map((s) => BigInt(s)));
    const samples: number[] = [];
    let rows = 0;
    let sum = 0n;
    let busyMs = 0;
    for (let i = 0; i < all.length; i++) {
      const t0 = performance.now();
      const r = rowsOf(lookup, all[i]!);
      // Only the engine's answer is a promise: awaiting the baseline's would add a tick it doesn't need.
      const result = r instanceof Promise ? await r : r;
      const ms = performance.now() - t0;
      if (i < workload.warmup) continue;
      samples.push(ms * 1000);
      busyMs += ms;
      rows += result.length;
      for (const row of result) for (const v of row) sum += BigInt(v as bigint);
    }
    const p = percentiles(samples);
    out[lookup] = {
      queries: samples.length,
      p50Us: p.p50,
      p99Us: p.p99,
      qps: (samples.length * 1000) / busyMs,
      rowsPerQuery: rows / samples.length,
      digest: `${rows} rows, sum ${sum}`,
    };
  }
  return out;
}

export async function runPullSluice(dataDir: string, workload: PullWorkload): Promise<PullMeasurement> {
  const engine = new Engine({ dataDir });
  try {
    // Opening replays the command log; the table's query then finds nothing left to do.
    await engine.drain();
    if (engine.source(PULL_TABLE) === undefined) throw new Error(`${dataDir} has no table ${PULL_TABLE}: build it first`);
    return await measureLookups(workload, (lookup, params) => sluiceRows(engine, pullSql(lookup, params)));
  } finally {
    await engine.close();
  }
}

export async function runPullBaseline(dataDir: string, workload: PullWorkload): Promise<PullMeasurement> {
  const raw = new RawLookups(dataDir);
  try {
    return await measureLookups(workload, (lookup, params) => raw.rows(lookup, params));
  } finally {
    raw.close();
  }
}
