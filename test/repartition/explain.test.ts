// EXPLAIN of a running query that re-keys through an internal topic shows each stage: the
// one writing the repartition topic, then the main stage reading it.

import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
});

/** Runs `ctas` over a two-partition stream with repartition topics, and EXPLAINs it. */
async function explainCtas(ctas: string): Promise<string> {
  engine = new Engine({ memory: true, repartitionTopics: true });
  await engine.execute(`CREATE STREAM s (k INT KEY, v STRING) WITH (kafka_topic='s', partitions=2, value_format='JSON'); ${ctas}`);
  const r = (await engine.execute('EXPLAIN CTAS_C_0;'))[0]!;
  if (r.type !== 'queryDescription') throw new Error(`expected a query description, got ${r.type}`);
  return r.plan;
}

describe('EXPLAIN of a staged query', () => {
  it('shows the repartition stage and the main stage that reads its topic', async () => {
    const plan = await explainCtas('CREATE TABLE c AS SELECT v, COUNT(*) AS n FROM s GROUP BY v;');
    const [first, second] = plan.split(/\n\nStage 2 of 2:\n/);
    expect(first).toMatch(/Stage 1 of 2 \(repartition\):\nStreamSink \[(\S+-Aggregate-GroupBy-repartition)\]/);
    const topic = /StreamSink \[(\S+)\]/.exec(first!)![1]!;
    expect(first).toContain('StreamSource [S] topic=s ');
    expect(second).toMatch(/^TableSink \[C\]/);
    expect(second).toContain(`StreamSource [S] topic=${topic} `);
  });

  it('shows one plan when the query needs no repartition', async () => {
    const plan = await explainCtas('CREATE TABLE c AS SELECT k, COUNT(*) AS n FROM s GROUP BY k;');
    expect(plan).not.toContain('Stage');
    expect(plan).toContain('StreamSource [S] topic=s ');
  });
});
