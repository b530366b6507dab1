// What a persistent or transient query runs per input record. Stateless pipelines keep
// nothing; stateful ones (aggregations) keep state stores that must be flushed inside the
// query's commit and discarded when a commit fails.

import type { Catalog } from '../../planner/catalog.js';
import type { Step, StepSchema, StreamSource, TableSource } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import type { StoreOpener } from '../state/storage.js';
import { buildAggregatePipeline, isAggregation } from './aggregate-pipeline.js';
import type { ErrorSink } from './errors.js';
import { buildJoinPipeline, findJoin } from './join-pipeline.js';
import { buildRowPipeline, type RowEmitter } from './row-pipeline.js';

export interface Pipeline {
  /** The (first) source step: its topic, formats and schema. */
  readonly source: StreamSource | TableSource;
  /** Every topic the pipeline reads (a join reads several); records say which by `topic`. */
  readonly topics: readonly string[];
  /** Records a windowed operator dropped because their window had closed. */
  readonly stats?: { readonly lateRecords: number };
  /** Windowed state: windows ending before this time have passed their retention. */
  retentionCutoff?(): number | undefined;
  readonly schema: StepSchema;
  process(rec: LogRecord, errors: ErrorSink, emit: RowEmitter): void;
  /**
   * Runs an already decoded source row (pull queries over a materialised table). `rec` only
   * identifies the row in error reports.
   */
  processRow?(row: unknown[], rec: LogRecord, errors: ErrorSink, emit: RowEmitter): void;
  /** Writes state changes; called inside the Log commit's transaction. */
  flushState?(): void;
  /** Forgets unflushed state after a failed commit. */
  discardState?(): void;
  /** Removes the state for good (TERMINATE). */
  destroyState?(): void;
}

/**
 * The pipeline for a plan: stateful when it aggregates, joins or filters a table. State goes to `log`'s database under
 * `storeName` (persistent queries), or stays in memory when `log` is undefined (transient ones).
 */
export function buildPipeline(root: Step, catalog: Catalog, stores: StoreOpener | undefined, storeName: string): Pipeline {
  if (isAggregation(root)) return buildAggregatePipeline(root, catalog, stores, storeName);
  return findJoin(root) ? buildJoinPipeline(root, catalog, stores, storeName) : buildRowPipeline(root, catalog, stores, storeName);
}
