// The baseline's loop, shaped like the engine's persistent query so that the two do the same
// storage work: each round fetches up to BATCH records from every input partition, processes
// them (several inputs in timestamp order, the smallest head first), and appends the outputs
// with the new positions, and the task's own table writes if any, in one atomic commit (one
// SQLite transaction).

import type { EmbeddedLog } from '../../../runtime/log/embedded/embedded-log.js';
import type { LogRecord, Position, ProducerRecord } from '../../../runtime/log/log.js';
import type { BaselineQuery } from './types.js';

/** Records per partition per round: the engine's default batch size. */
export const BATCH = 2000;

export interface LoopResult {
  /** Input records consumed. */
  readonly events: number;
  readonly outputRecords: number;
  /** From the first fetch to the last commit. */
  readonly elapsedMs: number;
}

export async function runBaselineLoop(log: EmbeddedLog, query: BaselineQuery, outputTopic: string, groupId: string): Promise<LoopResult> {
  const cursors: { topic: string; partition: number; offset: number }[] = [];
  for (const topic of query.inputs) {
    const info = await log.describeTopic(topic);
    if (!info) throw new Error(`topic ${topic} does not exist`);
    for (let p = 0; p < info.partitions; p++) cursors.push({ topic, partition: p, offset: 0 });
  }
  const task = query.create({ database: log.database });
  const flush = task.flush?.bind(task);
  const merge = query.inputs.length > 1;
  let events = 0;
  let outputRecords = 0;
  const start = performance.now();
  for (;;) {
    const batches: (readonly LogRecord[])[] = [];
    const positions: Position[] = [];
    for (const c of cursors) {
      const recs = await log.fetch(c.topic, c.partition, c.offset, BATCH);
      if (recs.length === 0) continue;
      batches.push(recs);
      positions.push({ topic: c.topic, partition: c.partition, offset: recs[recs.length - 1]!.offset + 1 });
    }
    if (batches.length === 0) break;
    const out: ProducerRecord[] = [];
    if (merge) {
      for (const rec of mergeByTimestamp(batches)) task.process(rec, out);
    } else {
      for (const recs of batches) for (const rec of recs) task.process(rec, out);
    }
    await log.commit({ groupId, outputs: out.length > 0 ? [{ topic: outputTopic, records: out }] : [], positions, ...(flush ? { state: flush } : {}) });
    for (const p of positions) cursors.find((c) => c.topic === p.topic && c.partition === p.partition)!.offset = p.offset;
    for (const b of batches) events += b.length;
    outputRecords += out.length;
  }
  return { events, outputRecords, elapsedMs: performance.now() - start };
}

/** Each batch stays in offset order; among them the head with the smallest timestamp goes first. */
function mergeByTimestamp(batches: readonly (readonly LogRecord[])[]): LogRecord[] {
  const heads = batches.map(() => 0);
  const out: LogRecord[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < batches.length; i++) {
      const h = heads[i]!;
      if (h < batches[i]!.length && (best < 0 || batches[i]![h]!.timestamp < batches[best]![heads[best]!]!.timestamp)) best = i;
    }
    if (best < 0) return out;
    out.push(batches[best]![heads[best]!++]!);
  }
}
