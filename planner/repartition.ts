// Internal repartition topics: a persistent query whose plan re-keys (GROUP BY on non-key
// columns, a join on a stream's non-key column) is split into stages, as Kafka Streams splits
// a topology into sub-topologies at its repartition topics. Records with the same new key can
// come from any input partition; with the query's tasks on several instances they must first
// meet in one partition of an internal topic keyed by the new key.
//
// Each stage is a whole plan (sources → … → sink) that a PersistentQuery runs as it is:
// - a "pre" stage reads the re-keyed subtree's inputs, runs what sits below the re-key
//   (filters, a join under an aggregation) and writes `<groupId>-<Operator>-repartition`, keyed
//   by the new key, its value carrying every column the rest of the plan reads under the same
//   name, the record timestamp and headers preserved;
// - the "main" stage is the original plan with that subtree replaced by a StreamSource over the
//   internal topic. Pre stages come first, each before the stages that read what it writes.
//
// What else re-keys in-process is not split: such a query runs as one task (runsAsOneTask).

import type { Expression, Span } from '../grammar/ast.js';
import { prefixedName } from './analyze/join-sources.js';
import { ROWOFFSET, ROWPARTITION, ROWTIME } from './pseudo-columns.js';
import { mapExpression } from './rewrite/map-expression.js';
import {
  sourceSteps,
  stepInputs,
  type Formats,
  type JoinStep,
  type SelectItem,
  type SinkStep,
  type Step,
  type StepColumn,
  type StepSchema,
  type StreamAggregate,
  type StreamSink,
  type StreamSource,
  type TableAggregate,
} from './steps.js';

/**
 * JSON for key and value: it writes every SQL type (STRUCT, MAP, ARRAY, DECIMAL, BYTES, exact
 * BIGINT) and null anywhere, a multi-column key as one object, and a value by column name,
 * so a stage can carry any subset of columns. Only a join side's key may differ: see joinKeyFormats.
 */
export const INTERNAL_FORMATS: Formats = {
  keyFormat: 'JSON',
  valueFormat: 'JSON',
  keyFormatOptions: {},
  valueFormatOptions: {},
};

/** An internal topic. Its partition count is the largest of `partitionsLike`'s. */
export interface RepartitionTopic {
  readonly name: string;
  /** What it repartitions for, as ksqlDB names it: Aggregate-GroupBy, Join-left, Join-1-right… */
  readonly operator: string;
  /**
   * Topics (inputs, or internal topics of earlier stages) whose partition count it takes. A
   * GROUP BY keeps its input's; a join side takes the other side's, as Kafka Streams'
   * co-partitioning does, since partition i of one side must meet partition i of the other.
   */
  readonly partitionsLike: readonly string[];
}

export interface PreStage {
  readonly topic: RepartitionTopic;
  /** Its own consumer group (and state name): `<groupId>-<operator>`. */
  readonly groupId: string;
  readonly sink: StreamSink;
}

export interface StagedPlan {
  /** In the order they must be set up: a stage before the stages that read its topic. */
  readonly pre: readonly PreStage[];
  readonly main: SinkStep;
}

/**
 * The column names a plan's expressions read, or undefined when it may read columns without
 * naming them (`*`): the runtime's referencedColumns, passed in since planner/ can't import it.
 */
export type ColumnsRead = (root: Step) => ReadonlySet<string> | undefined;

export function repartitionTopicName(groupId: string, operator: string): string {
  return `${groupId}-${operator}-repartition`;
}

/**
 * True when the query re-keys in-process in a way no stage split removes, so all its input
 * partitions must be processed by one task on one instance: a table aggregation on non-key
 * columns (it retracts a row's old contribution from a group another partition may own), a
 * foreign-key join (it looks rows up by a non-key column), and re-keying of windowed sources
 * or of a join's output (a join input must be a source for its rows to keep their layout).
 */
export function runsAsOneTask(sink: SinkStep): boolean {
  return allSteps(sink).some(rekeysInProcess);
}

/**
 * True when the plan's work can be split into tasks, one per input partition number, each with
 * its own state (Kafka Streams' model, and what scale-out shares between instances): every
 * stateful step's key is what its input is partitioned by, so all rows of one key arrive on
 * one partition. A split's stages all qualify; a plan that would need a split, or that
 * runsAsOneTask, does not.
 */
export function runsAsTasks(sink: SinkStep): boolean {
  return !allSteps(sink).some((s) => needsSplit(s) || rekeysInProcess(s));
}

/**
 * The query as stages, or undefined when it needs none (nothing re-keys) or can't be split
 * (runsAsOneTask). `reads` tells which columns the stage reading an internal topic reads, so
 * that only those are written to it.
 */
export function splitRepartitions(sink: SinkStep, groupId: string, reads: ColumnsRead): StagedPlan | undefined {
  if (runsAsOneTask(sink) || !allSteps(sink).some(needsSplit)) return undefined;
  const pre: PreStage[] = [];
  const main = splitConsumer(sink, groupId, reads, pre);
  return { pre, main };
}

// ---------------------------------------------------------------- what re-keys

function allSteps(step: Step): Step[] {
  return [step, ...stepInputs(step).flatMap(allSteps)];
}

function rekeysInProcess(step: Step): boolean {
  switch (step.kind) {
    case 'TableAggregate':
      return !groupsByInputKey(step);
    case 'StreamAggregate':
      return !groupsByInputKey(step) && !aggregateSplittable(step);
    case 'ForeignKeyTableTableJoin':
      return true;
    case 'StreamStreamJoin':
    case 'StreamTableJoin':
    case 'TableTableJoin':
      return (step.repartitionLeft && !sideSplittable(step.left)) || (step.repartitionRight && !sideSplittable(step.right));
    case 'StreamSource':
    case 'TableSource':
    case 'StreamFilter':
    case 'TableFilter':
    case 'StreamSelectKey':
    case 'StreamFlatMap':
    case 'StreamSelect':
    case 'TableSelect':
    case 'StreamSink':
    case 'TableSink':
      return false;
  }
}

function needsSplit(step: Step): boolean {
  if (step.kind === 'StreamAggregate') return !groupsByInputKey(step);
  if (step.kind === 'StreamStreamJoin' || step.kind === 'StreamTableJoin') return step.repartitionLeft || step.repartitionRight;
  return false;
}

/** The step an aggregation reads rows from, below its WHERE filters. */
function aggregateInput(agg: StreamAggregate | TableAggregate): Step {
  let s = agg.input;
  while (s.kind === 'StreamFilter' || s.kind === 'TableFilter') s = s.input;
  return s;
}

/**
 * GROUP BY exactly the input's key columns, in order: every group's rows are in one input
 * partition already. (A join's rows are keyed by its key slot.)
 */
function groupsByInputKey(agg: StreamAggregate | TableAggregate): boolean {
  const keys = aggregateInput(agg).schema.columns.filter((c) => c.role === 'KEY');
  return (
    keys.length > 0 &&
    keys.length === agg.groupBy.length &&
    agg.groupBy.every((g, i) => g.kind === 'ColumnRef' && g.name === keys[i]!.name)
  );
}

/** A stream aggregation whose input is a stream source or a stream join, none of it windowed. */
function aggregateSplittable(agg: StreamAggregate): boolean {
  const input = aggregateInput(agg);
  const streamInput = input.kind === 'StreamSource' || input.kind === 'StreamStreamJoin' || input.kind === 'StreamTableJoin';
  // Windowed rows carry their window in the record key, which the internal topic's key replaces.
  return streamInput && sourceSteps(input).every((s) => s.windowType === undefined);
}

/**
 * A join side that can go through an internal topic: a stream source. The rows of a join's
 * inputs keep the source's column layout (the join's output schema was built from it), which
 * a stage reading an internal topic can only reproduce for a source.
 */
function sideSplittable(side: Step): side is StreamSource {
  return side.kind === 'StreamSource' && side.windowType === undefined;
}

// ---------------------------------------------------------------- the split

/** A re-keyed subtree the consumer now reads from an internal topic, to be written by a pre stage. */
interface Pending {
  readonly topic: RepartitionTopic;
  /** The rows to re-key: the subtree the pre stage runs. */
  readonly input: Step;
  /** The new key: `name` columns computed by `expr` over `input`'s rows. */
  readonly keys: readonly { readonly name: string; readonly type: StepColumn['type']; readonly expr: Expression }[];
  readonly keyFormats: Formats;
  /** The internal source's value columns, by their name in `input`'s rows. */
  readonly carried: readonly StepColumn[];
  readonly span: Span;
}

/**
 * Rewrites `consumer` to read internal topics where it re-keys, and appends to `pre` the stages
 * writing them (recursively: a pre stage may itself re-key, e.g. a join under an aggregation).
 */
function splitConsumer<S extends Step>(consumer: S, groupId: string, reads: ColumnsRead, pre: PreStage[]): S {
  // Which columns to carry depends on what the rewritten consumer reads, and internal sources
  // hold no expressions: a first rewrite carrying everything tells what the second may drop.
  const read = reads(rewrite(consumer, groupId, () => true, []));
  const keep = (name: string): boolean => read === undefined || read.has(name);
  const pending: Pending[] = [];
  const out = rewrite(consumer, groupId, keep, pending);
  for (const p of pending) {
    const stage = preStage(p, groupId);
    const sink = splitConsumer(stage.sink, groupId, reads, pre);
    pre.push({ ...stage, sink });
  }
  return out;
}

function rewrite<S extends Step>(step: S, groupId: string, keep: (name: string) => boolean, pending: Pending[]): S {
  const walk = <T extends Step>(s: T): T => rewrite(s, groupId, keep, pending);
  const s: Step = step;
  switch (s.kind) {
    case 'StreamSource':
    case 'TableSource':
      return step;
    case 'StreamAggregate':
      if (!groupsByInputKey(s)) return splitAggregate(s, groupId, keep, pending) as Step as S;
      return { ...s, input: walk(s.input) } as Step as S;
    case 'StreamStreamJoin':
    case 'StreamTableJoin': {
      // The left is rewritten first: a re-keyed right side takes its key format and partition
      // count from the left as it will run, internal topics included.
      const left = s.repartitionLeft ? splitSide(s, 'left', s.right, groupId, keep, pending) : walk(s.left);
      const right = s.repartitionRight ? splitSide(s, 'right', left, groupId, keep, pending) : walk(s.right);
      // Both sides now arrive keyed by the join expression.
      return { ...s, left, right, repartitionLeft: false, repartitionRight: false } as Step as S;
    }
    case 'TableTableJoin':
    case 'ForeignKeyTableTableJoin':
      return { ...s, left: walk(s.left), right: walk(s.right) } as Step as S;
    case 'StreamFilter':
    case 'TableFilter':
    case 'StreamSelectKey':
    case 'StreamFlatMap':
    case 'TableAggregate':
    case 'StreamSelect':
    case 'TableSelect':
    case 'StreamSink':
    case 'TableSink':
      return { ...s, input: walk(s.input) } as Step as S;
  }
}

/**
 * GROUP BY: the aggregation reads the internal topic, its groups being that topic's key
 * columns, so the GROUP BY expressions run once, in the pre stage, and the columns only they
 * read need not travel.
 */
function splitAggregate(agg: StreamAggregate, groupId: string, keep: (name: string) => boolean, pending: Pending[]): StreamAggregate {
  const input = agg.input;
  const keyTypes = agg.schema.columns.filter((c) => c.role === 'KEY');
  const rowColumns = input.schema.columns;
  const keyNames = groupKeyNames(agg.groupBy.length, new Set(rowColumns.map((c) => c.name)));
  const carried = rowColumns.filter((c) => c.name !== ROWTIME && c.role !== 'WINDOW' && keep(c.name)).map(asValue);
  const topic = internalTopic(groupId, 'Aggregate-GroupBy', sourceSteps(input).map((s) => s.topic));
  const keys = agg.groupBy.map((expr, i) => ({ name: keyNames[i]!, type: keyTypes[i]!.type, expr }));
  const span = agg.groupBy[0]!.span;
  pending.push({ topic, input, keys, keyFormats: INTERNAL_FORMATS, carried, span });
  // An aggregation over one source keeps its name and alias, so that qualified names resolve;
  // over a join, names are the joined row's, unqualified.
  const from = aggregateInput(agg);
  const source: StreamSource = {
    kind: 'StreamSource',
    source: from.kind === 'StreamSource' ? from.source : topic.name,
    alias: from.kind === 'StreamSource' ? from.alias : topic.name,
    topic: topic.name,
    formats: INTERNAL_FORMATS,
    windowType: undefined,
    windowSize: undefined,
    // The record timestamp is the one the pre stage extracted.
    timestampColumn: undefined,
    timestampFormat: undefined,
    schema: internalSchema(carried, keys),
  };
  return {
    ...agg,
    input: source,
    groupBy: keys.map((k) => ({ kind: 'ColumnRef', source: undefined, name: k.name, span: k.expr.span })),
  };
}

/**
 * A join side: the join reads the internal topic through a source with the side's own name,
 * alias and column layout (the join's row schema was built from it), every column a value.
 */
function splitSide(
  join: JoinStep & { readonly kind: 'StreamStreamJoin' | 'StreamTableJoin' },
  side: 'left' | 'right',
  /** The other side, as the consumer will read it. */
  other: Step,
  groupId: string,
  keep: (name: string) => boolean,
  pending: Pending[],
): StreamSource {
  const source = join[side] as StreamSource;
  const otherRepartitioned = side === 'left' ? join.repartitionRight : join.repartitionLeft;
  const expr = side === 'left' ? join.leftExpression : join.rightExpression;
  // The key slot, first in the join's row, has the join expression's type.
  const keyColumn = join.schema.columns[0]!;
  // Both re-keyed (two stream sources): both topics take the larger input's count.
  const partitionsLike = otherRepartitioned ? [...topicsOf(join.left), ...topicsOf(join.right)] : topicsOf(other);
  const keyFormats = otherRepartitioned ? INTERNAL_FORMATS : joinKeyFormats(other);
  const topic = internalTopic(groupId, `${joinName(join)}-${side}`, partitionsLike);
  const columns = source.schema.columns;
  const unprefixed = new Map(columns.map((c) => [prefixedName(source.alias, c.name), c.name]));
  // Unread columns are left out of the value and read back as null; a quoted "a" next to an
  // unquoted A would then be filled from the other (JSON matches names case-insensitively).
  const clash = new Set(columns.map((c) => c.name.toUpperCase())).size < columns.length;
  const carried = columns
    .filter((c) => c.name !== ROWTIME && (clash || keep(prefixedName(source.alias, c.name))))
    .map(asValue);
  // The join expression reads the joined row's ALIAS_COLUMN names; the pre stage, the source's.
  const keyExpr = mapExpression(expr, (e) =>
    e.kind === 'ColumnRef' && e.source === undefined && unprefixed.has(e.name) ? { ...e, name: unprefixed.get(e.name)! } : e,
  );
  pending.push({
    topic,
    input: source,
    keys: [{ name: keyColumn.name, type: keyColumn.type, expr: keyExpr }],
    keyFormats,
    carried,
    span: expr.span,
  });
  return {
    ...source,
    topic: topic.name,
    formats: keyFormats,
    timestampColumn: undefined,
    timestampFormat: undefined,
    schema: { columns: columns.map((c) => (c.name === ROWTIME ? c : asValue(c))) },
  };
}

/**
 * The key format of a join side's internal topic: the other side's when it is not re-keyed.
 * Co-partitioning is by partition number, murmur2 of the key's bytes, so equal keys must be
 * equal bytes on both sides; JSON when both sides are re-keyed.
 */
function joinKeyFormats(other: Step): Formats {
  const f = sourceSteps(other)[0]!.formats;
  return { ...INTERNAL_FORMATS, keyFormat: f.keyFormat, keyFormatOptions: f.keyFormatOptions };
}

/** `Join` for the first join of a chain, `Join-<n>` for the n-th after it (each joins one more source). */
function joinName(join: JoinStep): string {
  let n = 0;
  for (let s: Step = join.left; s.kind === 'StreamStreamJoin' || s.kind === 'StreamTableJoin' || s.kind === 'TableTableJoin' || s.kind === 'ForeignKeyTableTableJoin'; s = s.left) n++;
  return n === 0 ? 'Join' : `Join-${n}`;
}

function topicsOf(step: Step): string[] {
  return sourceSteps(step).map((s) => s.topic);
}

function internalTopic(groupId: string, operator: string, partitionsLike: readonly string[]): RepartitionTopic {
  return { name: repartitionTopicName(groupId, operator), operator, partitionsLike: [...new Set(partitionsLike)] };
}

/** `KSQL_GROUPBY_<i>`, as the aggregation names its group columns, unless the row has such a column. */
function groupKeyNames(n: number, taken: ReadonlySet<string>): string[] {
  let prefix = 'KSQL_GROUPBY_';
  while (Array.from({ length: n }, (_, i) => `${prefix}${i}`).some((name) => taken.has(name))) prefix = `_${prefix}`;
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/** A column as the internal topic's value holds it (key, header and pseudo columns included). */
function asValue(c: StepColumn): StepColumn {
  return { name: c.name, type: c.type, role: 'VALUE' };
}

/**
 * An internal source's row: the carried columns, then the pseudo columns (ROWTIME from the
 * record; ROWPARTITION and ROWOFFSET, unless carried, are the internal topic's), then the key.
 */
function internalSchema(carried: readonly StepColumn[], keys: Pending['keys']): StepSchema {
  const names = new Set(carried.map((c) => c.name));
  const pseudo: StepColumn[] = [
    { name: ROWTIME, type: { kind: 'BIGINT' }, role: 'PSEUDO' },
    ...(names.has(ROWPARTITION) ? [] : [{ name: ROWPARTITION, type: { kind: 'INT' }, role: 'PSEUDO' } as const]),
    ...(names.has(ROWOFFSET) ? [] : [{ name: ROWOFFSET, type: { kind: 'BIGINT' }, role: 'PSEUDO' } as const]),
  ];
  return { columns: [...carried, ...pseudo, ...keys.map((k): StepColumn => ({ name: k.name, type: k.type, role: 'KEY' }))] };
}

/** The pre stage writing `p`'s topic: its subtree, projected to the new key and the carried columns. */
function preStage(p: Pending, groupId: string): PreStage {
  const items: SelectItem[] = [
    ...p.keys.map((k) => ({ name: k.name, expr: k.expr, key: true })),
    ...p.carried.map((c) => ({ name: c.name, expr: { kind: 'ColumnRef', source: undefined, name: c.name, span: p.span } as Expression, key: false })),
  ];
  const schema: StepSchema = {
    columns: [...p.keys.map((k): StepColumn => ({ name: k.name, type: k.type, role: 'KEY' })), ...p.carried],
  };
  // Re-keyed as PARTITION BY is: a record without a key gets one (no null key passed through).
  const rekeyed: Step = { kind: 'StreamSelectKey', input: p.input, keyExpressions: p.keys.map((k) => k.expr), schema: p.input.schema };
  const sink: StreamSink = {
    kind: 'StreamSink',
    input: { kind: 'StreamSelect', input: rekeyed, items, schema },
    sink: p.topic.name,
    topic: p.topic.name,
    formats: p.keyFormats,
    timestampColumn: undefined,
    timestampFormat: undefined,
    windowType: undefined,
    windowSize: undefined,
    schema,
  };
  return { topic: p.topic, groupId: `${groupId}-${p.topic.operator}`, sink };
}
