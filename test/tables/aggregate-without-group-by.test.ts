// Aggregates without GROUP BY: a push query folds every row into one group (as ksqlDB does),
// a pull query over a table aggregates the whole table (as SQL does), and a persistent table
// still needs a GROUP BY to have a key.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

let engine: Engine;
beforeEach(async () => {
  engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
  await engine.execute(`
    CREATE STREAM s (k INT KEY, v INT) WITH (kafka_topic='s', partitions=2, value_format='JSON');
    CREATE TABLE t (id INT PRIMARY KEY, x INT) WITH (kafka_topic='t', partitions=1, value_format='JSON');
    INSERT INTO s (k, v) VALUES (1, 5);
    INSERT INTO s (k, v) VALUES (2, 7);
    INSERT INTO s (k, v) VALUES (3, 1);`);
});
afterEach(async () => {
  await engine.close();
});

describe('aggregates without GROUP BY', () => {
  it('fold every row of a push query into one group, across partitions', async () => {
    const handle = await engine.query('SELECT SUM(v) AS total, COUNT(*) AS n FROM s EMIT CHANGES LIMIT 3;');
    expect(handle.columns.map((c) => c.name)).toEqual(['TOTAL', 'N']);
    const rows: unknown[][] = [];
    for await (const r of handle) rows.push(r);
    // Partitions interleave, so the running totals depend on the order; the counts do not.
    expect(rows.map((r) => r[1])).toEqual([1n, 2n, 3n]);
    expect(rows[2]![0]).toBe(13);
  });

  it('aggregate a whole table in a pull query, and an empty one to a single row', async () => {
    const pull = async (sql: string) => {
      const r = (await engine.execute(sql))[0]!;
      return r.type === 'rows' ? r.rows : [];
    };
    // ksqlDB's SUM starts at 0 (not SQL's null), and Sluice's SUM is ksqlDB's.
    expect(await pull('SELECT COUNT(*) AS n, SUM(x) AS sx FROM t;')).toEqual([[0n, 0]]);
    await engine.execute('INSERT INTO t (id, x) VALUES (1, 10); INSERT INTO t (id, x) VALUES (2, 20); INSERT INTO t (id, x) VALUES (1, 11);');
    await engine.drain();
    expect(await pull('SELECT COUNT(*) AS n, SUM(x) AS sx FROM t;')).toEqual([[2n, 31]]);
  });

  it('are refused in a persistent table, which needs a key', async () => {
    await expect(engine.execute('CREATE TABLE c AS SELECT COUNT(*) AS n FROM s;')).rejects.toThrow(/need a GROUP BY clause/);
  });
});
