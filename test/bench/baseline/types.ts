// A baseline: the hand-written equivalent of one benchmark query. The loop (loop.ts) reads
// batches from the log and commits the outputs; a baseline only turns input records into
// output records, with plain JavaScript maps for its state.

import type Database from 'better-sqlite3';
import type { LogRecord, ProducerRecord } from '../../../runtime/log/log.js';

export interface BaselineTask {
  process(rec: LogRecord, out: ProducerRecord[]): void;
  /** Writes the task's own tables, inside the commit's transaction (with outputs and positions). */
  flush?(): void;
}

/** What a baseline may use besides the log: its database, for tables of its own. */
export interface BaselineContext {
  readonly database: Database.Database;
}

export interface BaselineQuery {
  /** Topics (the Nexmark ones, or the state benchmark's). */
  readonly inputs: readonly string[];
  /**
   * How a result is compared with the engine's: a stream by all its records (as a multiset),
   * a table by its final row per key (how often a row is re-emitted is not its meaning).
   */
  readonly output: { readonly kind: 'stream' | 'table'; readonly keyFormat: 'KAFKA' | 'JSON' };
  create(ctx: BaselineContext): BaselineTask;
}
