// What ksqlDB refuses or allows in queries: persistent queries have no LIMIT,
// `ksql.query.pull.limit.clause.enabled=false` refuses LIMIT in pull queries (also for a plan
// already cached), and a key compared with a constant expression is a key lookup even when
// table scans are disabled. ROWPARTITION and ROWOFFSET have no meaning for a table's row, and
// are refused in its pull queries; a stream's pull query shows its records' own.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

let engine: Engine;
beforeEach(async () => {
  engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
  await engine.execute(`
    CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
    CREATE TABLE t AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;
    INSERT INTO s (id, v) VALUES (11, 1);
    INSERT INTO s (id, v) VALUES (12, 1);`);
  await engine.drain();
});
afterEach(async () => {
  await engine.close();
});

const rows = async (sql: string): Promise<unknown[][]> => {
  const r = (await engine.execute(sql))[0]!;
  if (r.type !== 'rows') throw new Error(`expected rows, got ${r.type}`);
  return r.rows.map((x) => [...x]);
};

describe('LIMIT', () => {
  it('is refused in persistent queries', async () => {
    await expect(engine.execute('CREATE STREAM c AS SELECT * FROM s LIMIT 5;')).rejects.toThrow(
      "CREATE STREAM AS SELECT statements don't support LIMIT clause.",
    );
    await expect(engine.execute('CREATE TABLE c2 AS SELECT id, COUNT(*) AS n FROM s GROUP BY id LIMIT 5;')).rejects.toThrow(
      "CREATE TABLE AS SELECT statements don't support LIMIT clause.",
    );
    await engine.execute('CREATE STREAM sink (id INT KEY, v INT) WITH (kafka_topic=\'sink\', partitions=1, value_format=\'JSON\');');
    await expect(engine.execute('INSERT INTO sink SELECT * FROM s LIMIT 1;')).rejects.toThrow("INSERT INTO statements don't support LIMIT clause.");
  });

  it('in pull queries follows ksql.query.pull.limit.clause.enabled, even for a cached plan', async () => {
    expect(await rows('SELECT * FROM t LIMIT 1;')).toHaveLength(1);
    await engine.execute("SET 'ksql.query.pull.limit.clause.enabled'='false';");
    await expect(engine.execute('SELECT * FROM t LIMIT 1;')).rejects.toThrow(/LIMIT clause in pull queries is currently disabled/);
    await expect(engine.execute('SELECT * FROM s LIMIT 1;')).rejects.toThrow(/LIMIT clause in pull queries is currently disabled/);
    expect(await rows('SELECT * FROM t;')).toHaveLength(2);
  });
});

describe('key lookups with table scans disabled', () => {
  it('accept a key compared with a constant expression, and still refuse a scan', async () => {
    await engine.execute("SET 'ksql.query.pull.table.scan.enabled'='false';");
    expect(await rows('SELECT * FROM t WHERE id = 10 + 1;')).toEqual([[11, 1n]]);
    expect(await rows('SELECT * FROM t WHERE id IN (6 * 2, 99);')).toEqual([[12, 1n]]);
    await expect(engine.execute('SELECT * FROM t WHERE id = n + 10;')).rejects.toThrow(/Query requires table scan to be enabled/);
  });
});

describe('ROWPARTITION and ROWOFFSET in pull queries', () => {
  it("are refused on a table, in SELECT and in WHERE, and answered on a stream's records", async () => {
    await expect(engine.execute('SELECT *, ROWPARTITION FROM t WHERE id = 11;')).rejects.toThrow(
      "Pull queries don't support the following columns in SELECT clauses: `ROWPARTITION`",
    );
    await expect(engine.execute('SELECT * FROM t WHERE ROWOFFSET > 0;')).rejects.toThrow(
      "Pull queries don't support the following columns in WHERE clauses: `ROWOFFSET`",
    );
    expect(await rows('SELECT id, ROWPARTITION, ROWOFFSET FROM s WHERE ROWOFFSET = 1;')).toEqual([[12, 0, 1n]]);
  });
});
