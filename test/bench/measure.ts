// One measurement: Sluice or the baseline running one query over a data directory that
// already holds the Nexmark data set (a fresh copy per run: both start from the same bytes).

import { readFileSync } from 'node:fs';
import { Engine } from '../../runtime/engine/engine.js';
import { EmbeddedLog } from '../../runtime/log/embedded/embedded-log.js';
import type { Log } from '../../runtime/log/log.js';
import { runBaselineLoop } from './baseline/loop.js';
import type { BenchQuery } from './queries.js';

export interface Measurement {
  readonly kind: 'ran';
  /** Input records consumed (the records of the topics the query reads). */
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSec: number;
  readonly outputRecords: number;
}

export interface NotRun {
  readonly kind: 'notRun';
  readonly reason: string;
}

export const baselineTopic = (q: BenchQuery): string => `${q.sink}_BASELINE`;

/**
 * Sluice: with auto.offset.reset=earliest, create the query's persistent queries and time
 * until drain() resolves, i.e. until every one has consumed all its input. A statement the
 * engine rejects as "... is not supported yet" (a capability not built) makes the query "not
 * run", with that message; any other error is a failure, so that a bug can't pass as a gap.
 */
export async function runSluice(dataDir: string, q: BenchQuery): Promise<Measurement | NotRun> {
  const engine = new Engine({ dataDir });
  try {
    await engine.execute("SET 'auto.offset.reset'='earliest';");
    const sql = readFileSync(q.sqlFile, 'utf8');
    const start = performance.now();
    try {
      await engine.execute(sql);
    } catch (e) {
      const reason = e instanceof Error ? e.toString().replace(/^SluiceError: /, '') : String(e);
      if (/is not supported yet/.test(reason)) return { kind: 'notRun', reason };
      throw new Error(`the engine rejected ${q.id}: ${reason}`);
    }
    await engine.drain();
    const elapsedMs = performance.now() - start;
    assertHealthy(engine);
    const log = await engine.log();
    const events = await recordCount(log, q.baseline.inputs);
    return { kind: 'ran', events, elapsedMs, eventsPerSec: rate(events, elapsedMs), outputRecords: await recordCount(log, [q.sink]) };
  } finally {
    await engine.close();
  }
}

/** The baseline: the same input, the same storage (the embedded log alone, no engine). */
export async function runBaseline(dataDir: string, q: BenchQuery): Promise<Measurement> {
  const log = EmbeddedLog.open({ dataDir });
  try {
    const input = await log.describeTopic(q.baseline.inputs[0]!);
    if (!input) throw new Error(`topic ${q.baseline.inputs[0]} does not exist: generate the data first`);
    // As many partitions as the engine gives a sink by default: its input's.
    await log.createTopic(baselineTopic(q), { partitions: input.partitions });
    const r = await runBaselineLoop(log, q.baseline, baselineTopic(q), `bench_baseline_${q.id}`);
    return { kind: 'ran', events: r.events, elapsedMs: r.elapsedMs, eventsPerSec: rate(r.events, r.elapsedMs), outputRecords: r.outputRecords };
  } finally {
    await log.close();
  }
}

export async function recordCount(log: Log, topics: readonly string[]): Promise<number> {
  let n = 0;
  for (const topic of topics) {
    const info = await log.describeTopic(topic);
    if (!info) continue;
    for (let p = 0; p < info.partitions; p++) n += (await log.endOffset(topic, p)) - (await log.startOffset(topic, p));
  }
  return n;
}

function rate(events: number, ms: number): number {
  return ms > 0 ? (events * 1000) / ms : 0;
}

/** A measured run only counts if every query is still running and no record failed. */
export function assertHealthy(engine: Engine): void {
  const failed = engine.queries().filter((x) => x.state !== 'RUNNING');
  if (failed.length > 0) throw new Error(`query ${failed.map((x) => x.id).join(', ')} ended in state ERROR`);
  const errors = engine.queryStats().reduce((n, s) => n + s.errors, 0);
  if (errors > 0) throw new Error(`${errors} records failed (see the processing log)`);
}
