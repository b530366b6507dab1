// Tables are materialised in SQLite and pull queries answer from the committed state.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

let engine: Engine;
beforeEach(() => {
  engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
});
afterEach(async () => {
  await engine.close();
});

async function rows(sql: string): Promise<unknown[][]> {
  const r = (await engine.execute(sql))[0]!;
  if (r.type !== 'rows') throw new Error(`expected rows, got ${r.type}`);
  return r.rows.map((x) => x.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

describe('pull queries', () => {
  it('answer from an aggregate table: key lookups, IN lists, scans with any WHERE, LIMIT', async () => {
    await engine.execute(`
      CREATE STREAM clicks (user_id STRING KEY, page STRING, ms INT) WITH (kafka_topic='clicks', partitions=2, value_format='JSON');
      CREATE TABLE per_user AS SELECT user_id, COUNT(*) AS n, SUM(ms) AS total FROM clicks GROUP BY user_id;
      INSERT INTO clicks (user_id, page, ms) VALUES ('a', '/x', 10);
      INSERT INTO clicks (user_id, page, ms) VALUES ('b', '/y', 20);
      INSERT INTO clicks (user_id, page, ms) VALUES ('a', '/z', 5);`);
    await engine.drain();
    expect(await rows("SELECT * FROM per_user WHERE user_id = 'a';")).toEqual([['a', 2, 15]]);
    expect((await rows("SELECT user_id, n FROM per_user WHERE user_id IN ('a', 'b', 'c');")).sort()).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(await rows('SELECT user_id FROM per_user WHERE total > 16;')).toEqual([['b']]);
    expect(await rows('SELECT * FROM per_user LIMIT 1;')).toHaveLength(1);
  });

  it('answer from a source table, with upserts and tombstone deletes applied', async () => {
    await engine.execute(`
      CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
      INSERT INTO users (id, name) VALUES (1, 'ann');
      INSERT INTO users (id, name) VALUES (2, 'bob');
      INSERT INTO users (id, name) VALUES (1, 'anne');`);
    const log = await engine.log();
    const key = Buffer.alloc(4);
    key.writeInt32BE(2);
    await log.produce('users', [{ timestamp: 5, key, value: null }]);
    await engine.drain();
    expect(await rows('SELECT * FROM users;')).toEqual([[1, 'anne']]);
  });

  it('see windowed aggregates with their window bounds', async () => {
    await engine.execute(`
      CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
      CREATE TABLE w AS SELECT k, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY k;
      INSERT INTO s (ROWTIME, k, v) VALUES (1000, 'x', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (2000, 'x', 1);
      INSERT INTO s (ROWTIME, k, v) VALUES (12000, 'x', 1);`);
    await engine.drain();
    expect(await rows("SELECT k, WINDOWSTART, WINDOWEND, n FROM w WHERE k = 'x';")).toEqual([
      ['x', 0, 10000, 2],
      ['x', 10000, 20000, 1],
    ]);
  });
});

describe('pull queries beyond ksqlDB', () => {
  it('support ORDER BY, OFFSET and GROUP BY with aggregates over a table', async () => {
    await engine.execute(`
      CREATE TABLE items (id INT PRIMARY KEY, cat STRING, price DOUBLE) WITH (kafka_topic='items', partitions=1, value_format='JSON');
      INSERT INTO items (id, cat, price) VALUES (1, 'a', 3.0);
      INSERT INTO items (id, cat, price) VALUES (2, 'b', 1.0);
      INSERT INTO items (id, cat, price) VALUES (3, 'a', 2.0);
      INSERT INTO items (id, cat, price) VALUES (4, 'c', 5.0);
      INSERT INTO items (id, cat, price) VALUES (3, 'b', 2.0);`);
    await engine.drain();
    expect(await rows('SELECT id, price FROM items ORDER BY price DESC;')).toEqual([
      [4, 5],
      [1, 3],
      [3, 2],
      [2, 1],
    ]);
    expect(await rows('SELECT id FROM items ORDER BY id LIMIT 2 OFFSET 1;')).toEqual([[2], [3]]);
    // The update of item 3 moved it from 'a' to 'b': the grouping sees the current state.
    expect(await rows('SELECT cat, COUNT(*) AS n, SUM(price) AS total FROM items GROUP BY cat ORDER BY cat;')).toEqual([
      ['a', 1, 3],
      ['b', 2, 3],
      ['c', 1, 5],
    ]);
  });

  it('reject ORDER BY in persistent and push queries', async () => {
    await engine.execute("CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');");
    await expect(engine.execute('CREATE STREAM t AS SELECT * FROM s ORDER BY v;')).rejects.toThrow(/only supported in pull queries/);
    await expect(engine.query('SELECT * FROM s ORDER BY v EMIT CHANGES;')).rejects.toThrow(/only supported in pull queries/);
  });
});

describe('pull-query narrowing in SQLite', () => {
  it('pushes simple conjuncts into SQL and keeps the answer exact', async () => {
    const { sqlConditions } = await import('../../runtime/materialize/pull-query.js');
    const { parseExpression } = await import('../../grammar/index.js');
    await engine.execute(`
      CREATE TABLE m (id INT PRIMARY KEY, price DOUBLE, name STRING) WITH (kafka_topic='m', partitions=1, value_format='JSON');
      INSERT INTO m (id, price, name) VALUES (1, 1.5, 'x');
      INSERT INTO m (id, price, name) VALUES (2, 2.5, 'y');
      INSERT INTO m (id, price, name) VALUES (3, NULL, 'z');`);
    await engine.drain();
    const table = { schema: { columns: [
      { name: 'ID', type: { kind: 'INT' }, role: 'KEY' },
      { name: 'PRICE', type: { kind: 'DOUBLE' }, role: 'VALUE' },
      { name: 'NAME', type: { kind: 'STRING' }, role: 'VALUE' },
    ] } } as never;
    const c = sqlConditions(parseExpression("ID IN (1, 2) AND PRICE > 2 AND NAME > 'a' AND ABS(ID) = 1"), table);
    expect(c.sql).toBe('"ID" IN (?, ?) AND "PRICE" > ?');
    expect(c.params).toEqual([1, 2, 2]);
    expect(await rows("SELECT id FROM m WHERE id IN (1, 2) AND price > 2 AND name > 'a';")).toEqual([[2]]);
    expect(await rows('SELECT id FROM m WHERE price IS NULL;')).toEqual([[3]]);
  });
});

describe('result column order', () => {
  it('pull and push queries answer in SELECT order, keys wherever they are selected', async () => {
    await engine.execute(`
      CREATE TABLE kv (k STRING PRIMARY KEY, v INT) WITH (kafka_topic='kv', partitions=1, value_format='JSON');
      INSERT INTO kv (k, v) VALUES ('a', 1);`);
    await engine.drain();
    const r = (await engine.execute("SELECT v, k FROM kv WHERE k = 'a';"))[0]!;
    expect(r.type === 'rows' && [r.columns.map((c) => c.name), r.rows]).toEqual([['V', 'K'], [[1, 'a']]]);
  });
});

describe('pull queries joining materialised tables (beyond ksqlDB)', () => {
  it('join two tables on their key, with LEFT padding, WHERE and ORDER BY', async () => {
    await engine.execute(`
      CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=1, value_format='JSON');
      CREATE TABLE scores (id INT PRIMARY KEY, score INT) WITH (kafka_topic='scores', partitions=1, value_format='JSON');
      INSERT INTO users (id, name) VALUES (1, 'ann');
      INSERT INTO users (id, name) VALUES (2, 'bob');
      INSERT INTO users (id, name) VALUES (3, 'cy');
      INSERT INTO scores (id, score) VALUES (1, 10);
      INSERT INTO scores (id, score) VALUES (3, 30);
      INSERT INTO scores (id, score) VALUES (1, 11);`);
    await engine.drain();
    expect(await rows('SELECT u.id, u.name, s.score FROM users u JOIN scores s ON u.id = s.id ORDER BY u.id;')).toEqual([
      [1, 'ann', 11],
      [3, 'cy', 30],
    ]);
    expect(await rows('SELECT u.id, u.name, s.score FROM users u LEFT JOIN scores s ON u.id = s.id WHERE u.id >= 2 ORDER BY u.id DESC;')).toEqual([
      [3, 'cy', 30],
      [2, 'bob', null],
    ]);
  });
});
