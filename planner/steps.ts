// The physical plan: a tree of steps, named as ksqlDB names them. Steps are plain JSON
// (expressions are kept as AST, which is plain data), so a persistent query's plan can be
// stored in the command log and rebuilt exactly after a restart.

import type { Expression, JoinType } from '../grammar/ast.js';
import type { ColumnRole, WindowKind } from './catalog.js';
import type { FormatName, FormatOptions } from './formats.js';
import type { SqlType } from './types.js';

/** A column of a step's output rows. PSEUDO and WINDOW columns exist only on source rows. */
export interface StepColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly role: ColumnRole | 'PSEUDO' | 'WINDOW';
  readonly headerKey?: string;
}

/** The shape of a step's rows: the runtime row array holds the columns in this order. */
export interface StepSchema {
  readonly columns: readonly StepColumn[];
}

export interface Formats {
  readonly keyFormat: FormatName;
  readonly valueFormat: FormatName;
  readonly keyFormatOptions: FormatOptions;
  readonly valueFormatOptions: FormatOptions;
}

interface SourceStepBase {
  readonly source: string;
  /** The name the query refers to it by (its alias, or its name). */
  readonly alias: string;
  readonly topic: string;
  readonly formats: Formats;
  readonly windowType: WindowKind | undefined;
  readonly windowSize: number | undefined;
  readonly timestampColumn: string | undefined;
  readonly timestampFormat: string | undefined;
  /** Declared columns, then ROWTIME, ROWPARTITION, ROWOFFSET, then WINDOWSTART/END if windowed. */
  readonly schema: StepSchema;
}
export interface StreamSource extends SourceStepBase {
  readonly kind: 'StreamSource';
}
export interface TableSource extends SourceStepBase {
  readonly kind: 'TableSource';
}
export interface StreamFilter {
  readonly kind: 'StreamFilter';
  readonly input: Step;
  readonly predicate: Expression;
  readonly schema: StepSchema;
}
export interface TableFilter {
  readonly kind: 'TableFilter';
  readonly input: Step;
  readonly predicate: Expression;
  readonly schema: StepSchema;
}
/** PARTITION BY: the new key is computed from the input row (an empty list: PARTITION BY NULL). */
export interface StreamSelectKey {
  readonly kind: 'StreamSelectKey';
  readonly input: Step;
  readonly keyExpressions: readonly Expression[];
  readonly schema: StepSchema;
}
/** Table functions (EXPLODE): one output row per element, the results appended as columns. */
export interface StreamFlatMap {
  readonly kind: 'StreamFlatMap';
  readonly input: Step;
  readonly tableFunctions: readonly { readonly name: string; readonly call: Expression }[];
  readonly schema: StepSchema;
}
/** Window of an aggregation; all durations in milliseconds. SESSION uses `size` as the gap. */
export interface WindowSpec {
  readonly kind: WindowKind;
  readonly size: number;
  readonly advance: number;
  readonly grace: number | undefined;
  readonly retention: number | undefined;
}

/**
 * GROUP BY + aggregates: the output row is KSQL_GROUPBY_j (the group key), KSQL_AGG_VARIABLE_i
 * (aggregate results), then WINDOWSTART/WINDOWEND when windowed.
 */
interface AggregateBase {
  readonly input: Step;
  readonly groupBy: readonly Expression[];
  readonly aggregates: readonly { readonly name: string; readonly call: Expression }[];
  readonly window: WindowSpec | undefined;
  readonly emitFinal: boolean;
  readonly schema: StepSchema;
}
export interface StreamAggregate extends AggregateBase {
  readonly kind: 'StreamAggregate';
}
/** Aggregating a table: an update retracts the old row's contribution and adds the new one. */
export interface TableAggregate extends AggregateBase {
  readonly kind: 'TableAggregate';
}
export interface SelectItem {
  readonly name: string;
  readonly expr: Expression;
  /** Key columns of the output are the items marked key, in order. */
  readonly key: boolean;
}
/** The projection; its expressions read the rows of the step below any StreamSelectKey. */
export interface StreamSelect {
  readonly kind: 'StreamSelect';
  readonly input: Step;
  readonly items: readonly SelectItem[];
  readonly schema: StepSchema;
}
export interface TableSelect {
  readonly kind: 'TableSelect';
  readonly input: Step;
  readonly items: readonly SelectItem[];
  readonly schema: StepSchema;
}
/**
 * The parts every key-equality join shares. Rows of a join's inputs name their columns
 * `ALIAS_COLUMN` (a source's columns prefixed with its alias, as ksqlDB names joined columns);
 * the output row is the join key, then the left input's row, then the right input's.
 */
interface JoinBase {
  readonly left: Step;
  readonly right: Step;
  readonly joinType: JoinType;
  /** The join criteria: `leftExpression = rightExpression`, each over its own input's row. */
  readonly leftExpression: Expression;
  readonly rightExpression: Expression;
  /**
   * The side's join expression is not its key, so ksqlDB re-keys it through a repartition
   * topic; Sluice re-keys in-process (the whole query runs in one task), with the same result.
   */
  readonly repartitionLeft: boolean;
  readonly repartitionRight: boolean;
  /** The join key column, first in the output row: a source column's name or ROWKEY. */
  readonly keyName: string;
  readonly schema: StepSchema;
}
/** Stream-stream join within a time window; all durations in milliseconds. */
export interface StreamStreamJoin extends JoinBase {
  readonly kind: 'StreamStreamJoin';
  readonly before: number;
  readonly after: number;
  /** GRACE PERIOD; unset keeps ksqlDB's legacy behaviour (outer results emitted eagerly). */
  readonly grace: number | undefined;
}
/** Each stream row looks up the table's current row; table updates emit nothing. */
export interface StreamTableJoin extends JoinBase {
  readonly kind: 'StreamTableJoin';
}
/** Primary-key table-table join: either side's change emits the joined row. */
export interface TableTableJoin extends JoinBase {
  readonly kind: 'TableTableJoin';
}
/**
 * Foreign-key table-table join: `leftExpression` (over the left table's row) names the right
 * table's primary key. The result is keyed by the left table's primary key; the output row is
 * the left row, then the right row.
 */
export interface ForeignKeyTableTableJoin {
  readonly kind: 'ForeignKeyTableTableJoin';
  readonly left: Step;
  readonly right: Step;
  readonly joinType: 'INNER' | 'LEFT';
  readonly leftExpression: Expression;
  readonly schema: StepSchema;
}
export type JoinStep = StreamStreamJoin | StreamTableJoin | TableTableJoin | ForeignKeyTableTableJoin;

interface SinkBase {
  readonly input: Step;
  readonly sink: string;
  readonly topic: string;
  readonly formats: Formats;
  /** The output column whose value becomes the record timestamp (WITH TIMESTAMP='col'). */
  readonly timestampColumn: string | undefined;
  readonly timestampFormat: string | undefined;
  /** A query over a windowed source keeps the windowed key. */
  readonly windowType: WindowKind | undefined;
  readonly windowSize: number | undefined;
  readonly schema: StepSchema;
}
export interface StreamSink extends SinkBase {
  readonly kind: 'StreamSink';
}
export interface TableSink extends SinkBase {
  readonly kind: 'TableSink';
}

export type Step =
  | StreamSource
  | TableSource
  | StreamFilter
  | TableFilter
  | StreamSelectKey
  | StreamFlatMap
  | StreamAggregate
  | TableAggregate
  | StreamSelect
  | TableSelect
  | StreamStreamJoin
  | StreamTableJoin
  | TableTableJoin
  | ForeignKeyTableTableJoin
  | StreamSink
  | TableSink;

export type SinkStep = StreamSink | TableSink;

export function stepInputs(step: Step): readonly Step[] {
  switch (step.kind) {
    case 'StreamSource':
    case 'TableSource':
      return [];
    case 'StreamFilter':
    case 'TableFilter':
    case 'StreamSelectKey':
    case 'StreamFlatMap':
    case 'StreamAggregate':
    case 'TableAggregate':
    case 'StreamSelect':
    case 'TableSelect':
    case 'StreamSink':
    case 'TableSink':
      return [step.input];
    case 'StreamStreamJoin':
    case 'StreamTableJoin':
    case 'TableTableJoin':
    case 'ForeignKeyTableTableJoin':
      return [step.left, step.right];
  }
}

/** The source steps under a step, left to right. */
export function sourceSteps(step: Step): readonly (StreamSource | TableSource)[] {
  if (step.kind === 'StreamSource' || step.kind === 'TableSource') return [step];
  return stepInputs(step).flatMap(sourceSteps);
}
