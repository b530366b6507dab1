// The plan transform behind internal repartition topics (planner/repartition.ts): which
// queries split into stages, how each stage's plan looks, and which must run as one task.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateAsSelect } from '../../grammar/ast.js';
import { parseStatement } from '../../grammar/index.js';
import { analyzeCreateAsSelect } from '../../planner/analyze/persistent.js';
import { plannerConfig } from '../../planner/config.js';
import { runsAsOneTask, runsAsTasks, splitRepartitions, type StagedPlan } from '../../planner/repartition.js';
import { sourceSteps, stepInputs, type SinkStep, type Step } from '../../planner/steps.js';
import { Engine } from '../../runtime/engine/engine.js';
import { MetaStore } from '../../runtime/engine/metastore.js';
import { defaultRegistry } from '../../runtime/functions/registry.js';
import { referencedColumns } from '../../runtime/query/referenced-columns.js';

let engine: Engine;
let catalog: MetaStore;

beforeAll(async () => {
  engine = new Engine({ memory: true });
  await engine.execute(`
    CREATE STREAM s (id INT KEY, a STRING, b INT, wide STRING) WITH (kafka_topic='s', value_format='JSON', partitions=3);
    CREATE STREAM s2 (id INT KEY, a STRING, c INT) WITH (kafka_topic='s2', value_format='JSON', partitions=5);
    CREATE TABLE t (k STRING PRIMARY KEY, v INT) WITH (kafka_topic='t', key_format='KAFKA', value_format='JSON', partitions=2);
    CREATE TABLE t2 (id INT PRIMARY KEY, a STRING) WITH (kafka_topic='t2', value_format='JSON', partitions=3);
    CREATE TABLE u (k STRING PRIMARY KEY, w INT) WITH (kafka_topic='u', value_format='JSON', partitions=2);
    CREATE STREAM ws (id INT KEY, a STRING) WITH (kafka_topic='ws', value_format='JSON', partitions=1, window_type='TUMBLING', window_size='1 SECOND');
  `);
  catalog = new MetaStore(defaultRegistry());
  for (const s of engine.sources()) catalog.putSource(s);
});

afterAll(async () => {
  await engine.close();
});

function plan(sql: string): SinkStep {
  return analyzeCreateAsSelect(parseStatement(sql) as CreateAsSelect, sql, catalog, plannerConfig({})).sink;
}

function split(sql: string): StagedPlan | undefined {
  const staged = splitRepartitions(plan(sql), 'G', referencedColumns);
  // Every stage re-keys nothing in-process any more: the task model can split each by partition.
  for (const stage of [...(staged?.pre.map((p) => p.sink) ?? []), ...(staged ? [staged.main] : [])]) {
    expect(runsAsOneTask(stage)).toBe(false);
    expect(runsAsTasks(stage)).toBe(true);
  }
  return staged;
}

function steps(step: Step): Step[] {
  return [step, ...stepInputs(step).flatMap(steps)];
}

const columns = (step: Step) => step.schema.columns.map((c) => `${c.name}:${c.role}`);

describe('GROUP BY', () => {
  it('on a non-key column: a pre stage writes the input re-keyed, the aggregation reads it', () => {
    const staged = split('CREATE TABLE x AS SELECT a, COUNT(*) AS n, SUM(b) AS sb FROM s WHERE b > 0 GROUP BY a;')!;
    expect(staged.pre.map((p) => [p.topic.name, p.groupId, p.topic.partitionsLike])).toEqual([
      ['G-Aggregate-GroupBy-repartition', 'G-Aggregate-GroupBy', ['s']],
    ]);
    const pre = staged.pre[0]!.sink;
    expect(pre.topic).toBe('G-Aggregate-GroupBy-repartition');
    expect(pre.formats.keyFormat).toBe('JSON');
    expect(pre.formats.valueFormat).toBe('JSON');
    // The new key, then only what the aggregation still reads (WIDE and the key ID are not).
    expect(columns(pre)).toEqual(['KSQL_GROUPBY_0:KEY', 'B:VALUE']);
    // The WHERE runs before the re-key, in the pre stage.
    expect(steps(pre).map((s) => s.kind)).toEqual(['StreamSink', 'StreamSelect', 'StreamSelectKey', 'StreamFilter', 'StreamSource']);

    const main = staged.main;
    const agg = steps(main).find((s) => s.kind === 'StreamAggregate')!;
    if (agg.kind !== 'StreamAggregate') throw new Error('no aggregation');
    expect(agg.groupBy).toMatchObject([{ kind: 'ColumnRef', name: 'KSQL_GROUPBY_0' }]);
    expect(agg.input.kind).toBe('StreamSource');
    const source = sourceSteps(main)[0]!;
    expect(source.topic).toBe('G-Aggregate-GroupBy-repartition');
    expect(source.timestampColumn).toBeUndefined();
    expect(columns(source)).toEqual(['B:VALUE', 'ROWTIME:PSEUDO', 'ROWPARTITION:PSEUDO', 'ROWOFFSET:PSEUDO', 'KSQL_GROUPBY_0:KEY']);
    // The main stage needs no further split, and runs per partition.
    expect(splitRepartitions(main, 'G', referencedColumns)).toBeUndefined();
    expect(runsAsOneTask(main)).toBe(false);
  });

  it('carries ROWPARTITION and ROWOFFSET as values, so the aggregation sees the input records', () => {
    const staged = split('CREATE TABLE x AS SELECT a, MAX(ROWOFFSET) AS o, COLLECT_LIST(ROWPARTITION) AS ps FROM s GROUP BY a;')!;
    expect(columns(staged.pre[0]!.sink)).toEqual(['KSQL_GROUPBY_0:KEY', 'ROWPARTITION:VALUE', 'ROWOFFSET:VALUE']);
    expect(columns(sourceSteps(staged.main)[0]!)).toEqual(['ROWPARTITION:VALUE', 'ROWOFFSET:VALUE', 'ROWTIME:PSEUDO', 'KSQL_GROUPBY_0:KEY']);
  });

  it('on several expressions: a multi-column JSON key', () => {
    const staged = split('CREATE TABLE x AS SELECT a, b + 1 AS b1, COUNT(*) AS n FROM s GROUP BY a, b + 1;')!;
    expect(columns(staged.pre[0]!.sink)).toEqual(['KSQL_GROUPBY_0:KEY', 'KSQL_GROUPBY_1:KEY']);
  });

  it('on the input key, or over a table: no split', () => {
    expect(split('CREATE TABLE x AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;')).toBeUndefined();
    expect(runsAsOneTask(plan('CREATE TABLE x AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;'))).toBe(false);
    // A table aggregation retracts a row's old contribution, wherever its group was: one task.
    const tableAgg = plan('CREATE TABLE x AS SELECT v, COUNT(*) AS n FROM t GROUP BY v;');
    expect(splitRepartitions(tableAgg, 'G', referencedColumns)).toBeUndefined();
    expect(runsAsOneTask(tableAgg)).toBe(true);
    // As tasks: grouping by the key as it is, yes; a table grouped anew, or a stream before its split, no.
    expect(runsAsTasks(plan('CREATE TABLE x AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;'))).toBe(true);
    expect(runsAsTasks(tableAgg)).toBe(false);
    expect(runsAsTasks(plan('CREATE TABLE x AS SELECT a, COUNT(*) AS n FROM s GROUP BY a;'))).toBe(false);
  });

  it('over a windowed source: one task', () => {
    const p = plan('CREATE TABLE x AS SELECT a, COUNT(*) AS n FROM ws WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY a;');
    expect(runsAsOneTask(p)).toBe(true);
    expect(splitRepartitions(p, 'G', referencedColumns)).toBeUndefined();
  });

  it('over a join: the join runs in the pre stage, its own re-keyed side in a stage before it', () => {
    const staged = split('CREATE TABLE x AS SELECT t.v, COUNT(*) AS n FROM s JOIN t ON s.a = t.k GROUP BY t.v;')!;
    expect(staged.pre.map((p) => p.topic.operator)).toEqual(['Join-left', 'Aggregate-GroupBy']);
    const groupBy = staged.pre[1]!.sink;
    expect(steps(groupBy).some((s) => s.kind === 'StreamTableJoin')).toBe(true);
    expect(sourceSteps(groupBy).map((s) => s.topic)).toEqual(['G-Join-left-repartition', 't']);
    expect(sourceSteps(staged.main).map((s) => s.topic)).toEqual(['G-Aggregate-GroupBy-repartition']);
  });
});

describe('joins', () => {
  it('a stream joined on a non-key column to a table: the stream side is re-keyed with the table key format and partition count', () => {
    const staged = split('CREATE STREAM x AS SELECT s.a, s.id, s.b, t.v FROM s JOIN t ON s.a = t.k;')!;
    expect(staged.pre.map((p) => [p.topic.name, p.topic.partitionsLike])).toEqual([['G-Join-left-repartition', ['t']]]);
    const pre = staged.pre[0]!.sink;
    // Equal keys must be equal bytes on both sides (murmur2 of the bytes picks the partition).
    expect(pre.formats.keyFormat).toBe('KAFKA');
    expect(pre.formats.valueFormat).toBe('JSON');
    expect(columns(pre)).toEqual(['S_A:KEY', 'ID:VALUE', 'A:VALUE', 'B:VALUE']);
    const join = steps(staged.main).find((s) => s.kind === 'StreamTableJoin')!;
    if (join.kind !== 'StreamTableJoin') throw new Error('no join');
    expect([join.repartitionLeft, join.repartitionRight]).toEqual([false, false]);
    // The side keeps its name, alias and column layout, every column a value.
    expect(join.left.kind === 'StreamSource' && join.left.alias).toBe('S');
    expect(columns(join.left)).toEqual(['ID:VALUE', 'A:VALUE', 'B:VALUE', 'WIDE:VALUE', 'ROWTIME:PSEUDO', 'ROWPARTITION:VALUE', 'ROWOFFSET:VALUE']);
  });

  it('two streams both joined on non-key columns: both re-keyed as JSON, to the larger partition count', () => {
    const staged = split('CREATE STREAM x AS SELECT s.a, s.id, s.b, s2.c FROM s JOIN s2 WITHIN 1 MINUTE ON s.a = s2.a;')!;
    expect(staged.pre.map((p) => [p.topic.operator, p.topic.partitionsLike, p.sink.formats.keyFormat])).toEqual([
      ['Join-left', ['s', 's2'], 'JSON'],
      ['Join-right', ['s', 's2'], 'JSON'],
    ]);
  });

  it('the n-th join of a chain names its topics Join-n', () => {
    const staged = split('CREATE STREAM x AS SELECT s.a, s.id, t.v, u.w FROM s JOIN t ON s.a = t.k JOIN u ON s.a = u.k;');
    // The second join is on the first one's key: only the first join's stream side re-keys.
    expect(staged!.pre.map((p) => p.topic.operator)).toEqual(['Join-left']);
    const chained = split('CREATE STREAM x AS SELECT s2.c, s.id, t2.a FROM s JOIN s2 WITHIN 1 MINUTE ON s.a = s2.a JOIN t2 ON s2.c = t2.id;');
    // Re-keying the first join's output: its rows are not a source's, so one task instead.
    expect(chained).toBeUndefined();
    expect(runsAsOneTask(plan('CREATE STREAM x AS SELECT s2.c, s.id, t2.a FROM s JOIN s2 WITHIN 1 MINUTE ON s.a = s2.a JOIN t2 ON s2.c = t2.id;'))).toBe(true);
    const right = split('CREATE STREAM x AS SELECT s.id, t2.a, s2.c FROM s JOIN t2 ON s.id = t2.id JOIN s2 WITHIN 1 MINUTE ON s.id = s2.c;')!;
    expect(right.pre.map((p) => [p.topic.name, p.topic.partitionsLike])).toEqual([['G-Join-1-right-repartition', ['s', 't2']]]);
  });

  it('on keys, or a foreign-key table join: no split; the foreign-key join runs as one task', () => {
    expect(split('CREATE STREAM x AS SELECT s.id, t2.a FROM s JOIN t2 ON s.id = t2.id;')).toBeUndefined();
    const fk = plan('CREATE TABLE x AS SELECT t2.id, t.v FROM t2 JOIN t ON t2.a = t.k;');
    expect(runsAsOneTask(fk)).toBe(true);
    expect(splitRepartitions(fk, 'G', referencedColumns)).toBeUndefined();
  });
});
