// Windowed aggregation semantics: late records, EMIT FINAL, session merging.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

let engine: Engine;
beforeEach(() => {
  engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
});
afterEach(async () => {
  await engine.close();
});

/** The sink's records as [key, windowStart, windowEnd, value JSON or null]. */
async function changelog(topic: string): Promise<unknown[][]> {
  const log = await engine.log();
  const recs = await log.fetch(topic, 0, 0, 1000);
  return recs.map((r) => {
    const k = r.key!;
    const session = k.length === 1 + 16;
    const key = k.subarray(0, 1).toString();
    const start = Number(k.readBigInt64BE(1 + (session ? 8 : 0)));
    const end = session ? Number(k.readBigInt64BE(1)) : undefined;
    return [key, start, end, r.value ? JSON.parse(r.value.toString()) : null];
  });
}

describe('windows', () => {
  it('drops and counts records whose window has closed (end + grace <= stream time)', async () => {
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
      CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY k;
      INSERT INTO s (ROWTIME, k, v) VALUES (1, 'a', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (30, 'a', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (2, 'a', 1);`);
    await engine.drain();
    expect((await changelog('T')).map((r) => [r[1], r[3]])).toEqual([
      [0, { N: 1 }],
      [30, { N: 1 }],
    ]);
    expect(engine.queryStats()[0]).toMatchObject({ late: 1 });
  });

  it('EMIT FINAL emits each window once, when it closes', async () => {
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
      CREATE TABLE t AS SELECT k, SUM(v) AS total FROM s WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY k EMIT FINAL;
      INSERT INTO s (ROWTIME, k, v) VALUES (1, 'a', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (5, 'a', 2);
      INSERT INTO s (ROWTIME, k, v) VALUES (12, 'a', 4);`);
    await engine.drain();
    expect((await changelog('T')).map((r) => [r[1], r[3]])).toEqual([[0, { TOTAL: 3 }]]);
  });

  it('session windows merge and emit tombstones for the sessions they replace', async () => {
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
      CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s WINDOW SESSION (10 MILLISECONDS) GROUP BY k;
      INSERT INTO s (ROWTIME, k, v) VALUES (0, 'a', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (30, 'a', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (20, 'a', 1);`);
    await engine.drain();
    expect(await changelog('T')).toEqual([
      ['a', 0, 0, { N: 1 }],
      ['a', 30, 30, { N: 1 }],
      ['a', 30, 30, null],
      ['a', 20, 30, { N: 2 }],
    ]);
  });

  it('deletes windows past their retention from the state and the materialised table', async () => {
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
      CREATE TABLE t AS SELECT k, COUNT(*) AS n FROM s
        WINDOW TUMBLING (SIZE 10 MILLISECONDS, RETENTION 30 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY k;
      INSERT INTO s (ROWTIME, k, v) VALUES (1, 'a', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (25, 'a', 1);`);
    await engine.drain();
    await engine.execute("INSERT INTO s (ROWTIME, k, v) VALUES (100, 'a', 1);");
    await engine.drain();
    const r = (await engine.execute("SELECT WINDOWSTART FROM t WHERE k = 'a';"))[0]!;
    expect(r.type === 'rows' && r.rows.map((x) => Number(x[0]))).toEqual([100]);
  });
});
