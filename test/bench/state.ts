// The state benchmark: peak RSS while aggregating many distinct keys (1,000,000 by default).
// Every record has a new key, so every one adds a group: the question is whether the state
// lives in SQLite (Sluice's state stores keep a bounded cache, the table is materialised on
// disk) or in the heap. Each side runs in its own child process on a fresh data directory
// and produces the same records itself, so its peak RSS covers the produce too.
//   Sluice: CREATE TABLE c AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k,
//   timed from the statement to drain().
//   Baseline: the loop of the Nexmark baselines (baseline/loop.ts) counting and summing per
//   key in a JS Map, committing one JSON output per record per batch: the heap-resident
//   state Sluice avoids.

import path from 'node:path';
import Database from 'better-sqlite3';
import { Engine } from '../../runtime/engine/engine.js';
import { DB_FILE, EmbeddedLog } from '../../runtime/log/embedded/embedded-log.js';
import type { Log, ProducerRecord } from '../../runtime/log/log.js';
import { materializedTableName } from '../../runtime/materialize/materialized-table.js';
import { runBaselineLoop } from './baseline/loop.js';
import { jsonValue, readLongKey } from './baseline/codec.js';
import type { BaselineQuery } from './baseline/types.js';
import { assertHealthy, recordCount } from './measure.js';
import { bigintKey } from './nexmark/records.js';

export const STATE_KEYS = 1_000_000;
/** The aim for Sluice at 1,000,000 keys. */
export const STATE_RSS_AIM_MB = 500;

const TOPIC = 's';
const PARTITIONS = 4;
export const STATE_SOURCE_SQL = `CREATE STREAM s (k BIGINT KEY, v INT) WITH (kafka_topic='${TOPIC}', partitions=${PARTITIONS}, value_format='JSON');`;
export const STATE_TABLE_SQL = 'CREATE TABLE c AS SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k;';
/** The table (and its topic) STATE_TABLE_SQL creates. */
export const STATE_SINK = 'C';
export const STATE_BASELINE_SINK = 'C_BASELINE';
/** Both sinks' records: a table keyed by the KAFKA-format BIGINT k. */
export const STATE_OUTPUT: BaselineQuery['output'] = { kind: 'table', keyFormat: 'KAFKA' };
/** Records per produce call: each is one transaction. */
const PRODUCE_BATCH = 10_000;
/** The probed key: 123456 with the default 1,000,000 keys, and an existing key with fewer. */
export const probeKey = (keys: number): number => 123_456 % keys;
/** Each key's one value, so the probe knows the TOTAL to expect. */
const valueOf = (key: number): number => key % 1000;

export interface StateOptions {
  readonly keys: number;
}

export interface StateMeasurement {
  readonly keys: number;
  readonly produceMs: number;
  /** The aggregation: from the CREATE TABLE (Sluice) or the first fetch (baseline) to drained. */
  readonly elapsedMs: number;
  readonly eventsPerSec: number;
  readonly outputRecords: number;
  /** Rows of the materialised table (Sluice, counted in SQLite after close) or groups in the Map (baseline). */
  readonly groups: number;
  /** The probe key's row: [K, N, TOTAL], or null when it has none. */
  readonly probe: readonly [number, number, number] | null;
}

/**
 * Keys 0..keys-1 in a scattered order (i * a prime coprime to 10^6, mod keys): distinct keys
 * that do not arrive in ascending order, so neither side gets SQLite's append-only B-tree fast
 * path for free. Timestamps ascend by 1 ms.
 */
export async function produceKeys(log: Log, keys: number): Promise<number> {
  const start = performance.now();
  const step = keys % 999_983 === 0 ? 1 : 999_983;
  for (let i = 0; i < keys; ) {
    const batch: ProducerRecord[] = [];
    for (const end = Math.min(keys, i + PRODUCE_BATCH); i < end; i++) {
      const key = (i * step) % keys;
      batch.push({ timestamp: 1_700_000_000_000 + i, key: bigintKey(key), value: jsonValue({ V: valueOf(key) }) });
    }
    await log.produce(TOPIC, batch);
  }
  return performance.now() - start;
}

export async function runStateSluice(dataDir: string, opts: StateOptions): Promise<StateMeasurement> {
  const engine = new Engine({ dataDir });
  let m: Omit<StateMeasurement, 'groups'>;
  try {
    await engine.execute(STATE_SOURCE_SQL);
    const log = await engine.log();
    const produceMs = await produceKeys(log, opts.keys);
    await engine.execute("SET 'auto.offset.reset'='earliest';");
    const start = performance.now();
    await engine.execute(STATE_TABLE_SQL);
    await engine.drain();
    const elapsedMs = performance.now() - start;
    assertHealthy(engine);
    const [r] = await engine.execute(`SELECT * FROM c WHERE k = ${probeKey(opts.keys)};`);
    if (r?.type !== 'rows') throw new Error(`expected rows from the probe, got ${r?.type}`);
    if (r.rows.length > 1) throw new Error(`the probe returned ${r.rows.length} rows`);
    const row = r.rows[0];
    m = {
      keys: opts.keys,
      produceMs,
      elapsedMs,
      eventsPerSec: (opts.keys * 1000) / elapsedMs,
      outputRecords: await recordCount(log, [STATE_SINK]),
      probe: row === undefined ? null : [Number(row[0]), Number(row[1]), Number(row[2])],
    };
  } finally {
    await engine.close();
  }
  // Counted by SQLite on the closed data directory: a pull query would count through the engine.
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const groups = db.prepare(`SELECT COUNT(*) FROM "${materializedTableName(STATE_SINK)}"`).pluck().get() as number;
    return { ...m, groups };
  } finally {
    db.close();
  }
}

export async function runStateBaseline(dataDir: string, opts: StateOptions): Promise<StateMeasurement> {
  const log = EmbeddedLog.open({ dataDir });
  try {
    await log.createTopic(TOPIC, { partitions: PARTITIONS });
    const produceMs = await produceKeys(log, opts.keys);
    await log.createTopic(STATE_BASELINE_SINK, { partitions: PARTITIONS });
    const groups = new Map<number, { n: number; total: number }>();
    const query: BaselineQuery = {
      inputs: [TOPIC],
      output: STATE_OUTPUT,
      create: () => ({
        process(rec, out) {
          if (rec.value === null) return;
          const v = (JSON.parse(rec.value.toString('utf8')) as { V: number | null }).V;
          const k = readLongKey(rec.key);
          let g = groups.get(k);
          if (g === undefined) groups.set(k, (g = { n: 0, total: 0 }));
          g.n++;
          // SUM skips nulls, as in SQL.
          if (v !== null) g.total += v;
          out.push({ timestamp: rec.timestamp, key: rec.key, value: jsonValue({ N: g.n, TOTAL: g.total }) });
        },
      }),
    };
    const r = await runBaselineLoop(log, query, STATE_BASELINE_SINK, 'bench_baseline_state');
    const probe = probeKey(opts.keys);
    const g = groups.get(probe);
    return {
      keys: opts.keys,
      produceMs,
      elapsedMs: r.elapsedMs,
      eventsPerSec: (r.events * 1000) / r.elapsedMs,
      outputRecords: r.outputRecords,
      groups: groups.size,
      probe: g === undefined ? null : [probe, g.n, g.total],
    };
  } finally {
    await log.close();
  }
}

/** What both sides must give: one group per key, the probe's a single record with its value. */
export function stateProblems(m: StateMeasurement): string[] {
  const problems: string[] = [];
  if (m.groups !== m.keys) problems.push(`${m.groups} groups for ${m.keys} keys`);
  const key = probeKey(m.keys);
  const want = [key, 1, valueOf(key)];
  if (m.probe === null) problems.push(`no row for k = ${key}`);
  else if (m.probe.some((x, i) => x !== want[i])) problems.push(`the row for k = ${key} is [${m.probe.join(', ')}], expected [${want.join(', ')}]`);
  return problems;
}
