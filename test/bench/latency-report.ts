// The latency benchmarks' results: the "pull" and "push" sections of --json, and their tables.

import { LOOKUP_LABELS, LOOKUPS, PULL_TABLE, type Lookup, type LookupLatency, type PullMeasurement } from './pull.js';
import { BATCH, PUSH_SQL, type PushLatency, type PushMeasurement } from './push.js';
import { formatColumns, num, type FailedEntry } from './report.js';

export interface ChildOutput<T> {
  readonly result: T;
  readonly peakRssMb: number;
}

export const PULL_RATIO = 'baseline p50 / Sluice p50 (1 = as fast as raw SQLite)';

export interface LookupEntry {
  readonly where: string;
  readonly rowsPerQuery: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly qps: number;
  readonly baselineP50Us: number;
  readonly baselineP99Us: number;
  readonly baselineQps: number;
  readonly ratio: number;
}

export interface PullEntry {
  readonly table: string;
  readonly tableRows: number;
  /** Materialising the table over the data set (pull.sql, until drained). */
  readonly buildMs: number;
  readonly queriesPerLookup: number;
  readonly warmup: number;
  readonly runs: number;
  readonly ratio: typeof PULL_RATIO;
  readonly baseline: string;
  readonly lookups: Readonly<Record<Lookup, LookupEntry>>;
  readonly peakRssMb: number;
  readonly baselinePeakRssMb: number;
}

export interface PushEntry {
  readonly sql: string;
  readonly startsFrom: 'latest';
  readonly baseline: string;
  readonly single: PushLatency;
  readonly batch: PushLatency;
  readonly batchSize: number;
  readonly peakRssMb: number;
}

export type PullReport = PullEntry | FailedEntry;
export type PushReport = PushEntry | FailedEntry;

/**
 * Per lookup, each side's best run (the lowest p50, with that run's p99 and q/s), as for
 * throughput: other work on a shared machine only ever slows a run down. Every run of both
 * sides must have returned the same rows.
 */
export function pullEntryFor(
  table: { rows: number; elapsedMs: number; queries: number; warmup: number },
  sluice: readonly ChildOutput<PullMeasurement>[],
  baseline: readonly ChildOutput<PullMeasurement>[],
): PullEntry {
  const lookups = {} as Record<Lookup, LookupEntry>;
  for (const lookup of LOOKUPS) {
    const digests = new Set([...sluice, ...baseline].map((r) => r.result[lookup].digest));
    if (digests.size !== 1) throw new Error(`pull ${lookup}: Sluice and the baseline returned different rows (${[...digests].join(' vs ')})`);
    const s = fastest(sluice.map((r) => r.result[lookup]));
    const b = fastest(baseline.map((r) => r.result[lookup]));
    lookups[lookup] = {
      where: LOOKUP_LABELS[lookup],
      rowsPerQuery: s.rowsPerQuery,
      p50Us: round1(s.p50Us),
      p99Us: round1(s.p99Us),
      qps: Math.round(s.qps),
      baselineP50Us: round1(b.p50Us),
      baselineP99Us: round1(b.p99Us),
      baselineQps: Math.round(b.qps),
      ratio: Math.round((b.p50Us / s.p50Us) * 1000) / 1000,
    };
  }
  return {
    table: PULL_TABLE,
    tableRows: table.rows,
    buildMs: Math.round(table.elapsedMs),
    queriesPerLookup: table.queries,
    warmup: table.warmup,
    runs: sluice.length,
    ratio: PULL_RATIO,
    baseline: 'better-sqlite3 statements prepared once on the same SQLite table, rows decoded by hand, in a child process like Sluice',
    lookups,
    peakRssMb: Math.round(Math.max(...sluice.map((r) => r.peakRssMb))),
    baselinePeakRssMb: Math.round(Math.max(...baseline.map((r) => r.peakRssMb))),
  };
}

function fastest(runs: readonly LookupLatency[]): LookupLatency {
  return runs.reduce((a, b) => (b.p50Us < a.p50Us ? b : a));
}

export function pushEntryFor(run: ChildOutput<PushMeasurement>): PushEntry {
  const rounded = (l: PushLatency): PushLatency => ({ ...l, p50Ms: round3(l.p50Ms), p99Ms: round3(l.p99Ms), produceP50Ms: round3(l.produceP50Ms) });
  return {
    sql: PUSH_SQL,
    startsFrom: 'latest',
    baseline: 'none (a hand-written loop would only time the log)',
    single: rounded(run.result.single),
    batch: rounded(run.result.batch),
    batchSize: BATCH,
    peakRssMb: Math.round(run.peakRssMb),
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function formatPull(e: PullReport): string {
  if ('failed' in e) return `Pull queries FAILED: ${e.failed}`;
  const title = [
    `Pull queries on ${e.table} (${num(e.tableRows)} rows, materialised in ${(e.buildMs / 1000).toFixed(1)} s), SELECT * ... WHERE:`,
    `${num(e.queriesPerLookup)} of each after ${num(e.warmup)} warm-up, best of ${e.runs} run(s) a side; latency in µs.`,
    `Baseline: ${e.baseline}.`,
    `Ratio = ${e.ratio}.`,
  ].join('\n');
  const header = ['WHERE', 'rows/q', 'p50 µs', 'p99 µs', 'q/s', 'baseline p50 µs', 'baseline p99 µs', 'baseline q/s', 'ratio'];
  const rows = LOOKUPS.map((l) => {
    const x = e.lookups[l];
    return [x.where, x.rowsPerQuery.toFixed(1), us(x.p50Us), us(x.p99Us), num(x.qps), us(x.baselineP50Us), us(x.baselineP99Us), num(x.baselineQps), x.ratio.toFixed(3)];
  });
  return `${title}\n\n${formatColumns(header, rows)}\nPeak RSS: Sluice ${num(e.peakRssMb)} MB, baseline ${num(e.baselinePeakRssMb)} MB.`;
}

export function formatPush(e: PushReport): string {
  if ('failed' in e) return `Push query FAILED: ${e.failed}`;
  const title =
    `Push query from '${e.startsFrom}': ${e.sql}\nProduce-to-row latency in ms, each produce waiting for its rows ` +
    `(rows: the bids the filter keeps). Baseline: ${e.baseline}.`;
  const header = ['records per produce', 'produces', 'rows', 'p50 ms', 'p99 ms', 'produce call p50 ms'];
  const row = (label: string, l: PushLatency) => [label, num(l.produces), num(l.rows), ms(l.p50Ms), ms(l.p99Ms), ms(l.produceP50Ms)];
  return `${title}\n\n${formatColumns(header, [row('1', e.single), row(String(e.batchSize), e.batch)])}\nPeak RSS: ${num(e.peakRssMb)} MB.`;
}

const us = (n: number) => (n < 100 ? n.toFixed(1) : num(n));
const ms = (n: number) => n.toFixed(2);
