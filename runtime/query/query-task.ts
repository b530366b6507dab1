// A persistent query's task (one partition number of its inputs, or all of them) and what it
// holds between commits; and how a task's emitted rows reach the query's materialised table.

import type { Position, ProducerRecord, TopicPartition } from '../log/log.js';
import type { MaterializedTable } from '../materialize/materialized-table.js';
import type { Pipeline } from './pipeline.js';
import type { RowEmitter } from './row-pipeline.js';

/** A task: one partition number of the query's inputs (or all of them), with its own state. */
export interface Task {
  readonly id: number;
  readonly inputs: readonly TopicPartition[];
  readonly pipeline: Pipeline;
  /** The task's writer of the query's materialised table (the tasks share the table). */
  readonly materialize: MaterializedTable | undefined;
  /** Read positions: where the next batch starts (ahead of the committed ones while `pending`); undefined until prepared. */
  positions: Map<string, Position> | undefined;
  /** Processed but not yet committed (only between batches when commits are on an interval). */
  pending: PendingCommit | undefined;
  lastCommit: number;
}

export interface PendingCommit {
  readonly outputs: ProducerRecord[];
  readonly errors: ProducerRecord[];
  /** Input positions after the records processed, by `topic/partition`. */
  readonly positions: Map<string, Position>;
  records: number;
}

export function emptyPending(): PendingCommit {
  return { outputs: [], errors: [], positions: new Map(), records: 0 };
}

/**
 * Writes a task's emitted rows to the materialised table, in the source-row layout: columns,
 * then ROWTIME, ROWPARTITION (the task in scale-out, so its rows can move with it; otherwise
 * null), ROWOFFSET, window bounds. A null value deletes the key's row.
 */
export function materializer(mv: MaterializedTable, valueWidth: number, task: number | null): RowEmitter {
  return (key, value, meta) => {
    // Filled in place: one row per emitted change, so spreads would cost on every one.
    const width = key.length + valueWidth;
    const row = new Array<unknown>(width + (meta.window ? 5 : 3));
    for (let i = 0; i < key.length; i++) row[i] = key[i];
    for (let i = 0; i < valueWidth; i++) row[key.length + i] = value === null ? null : value[i];
    row[width] = BigInt(meta.timestamp);
    row[width + 1] = task;
    row[width + 2] = null;
    if (meta.window) {
      row[width + 3] = meta.window[0];
      row[width + 4] = meta.window[1];
    }
    if (value === null) mv.delete(row);
    else mv.upsert(row);
  };
}
