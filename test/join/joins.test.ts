// Table joins emit changes (updates and deletions), which the sink topic shows record by
// record; and join state survives a restart.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

/** The sink topic's records as [key, value, timestamp], JSON-decoded. */
async function changelog(engine: Engine, topic: string): Promise<[unknown, unknown, number][]> {
  await engine.drain();
  const log = await engine.log();
  const recs = await log.fetch(topic, 0, 0, 1000);
  const parse = (b: Buffer | null) => (b === null ? null : JSON.parse(b.toString()));
  return recs.map((r) => [parse(r.key), parse(r.value), r.timestamp]);
}

/** Runs statements one by one, letting the queries catch up after each (inputs in order). */
async function run(engine: Engine, sql: string): Promise<void> {
  for (const stmt of sql.split(';').map((x) => x.trim()).filter(Boolean)) {
    await engine.execute(`${stmt};`);
    await engine.drain();
  }
}

const WITH = (topic: string) => `WITH (kafka_topic='${topic}', key_format='JSON', value_format='JSON', partitions=1)`;

describe('table-table joins', () => {
  it('emit on both sides, with deletions, as a left join', async () => {
    const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    try {
      await run(engine, `
        CREATE TABLE a (id INT PRIMARY KEY, x STRING) ${WITH('a')};
        CREATE TABLE b (id INT PRIMARY KEY, y STRING) ${WITH('b')};
        CREATE TABLE j AS SELECT a.id, x, y FROM a LEFT JOIN b ON a.id = b.id;
        INSERT INTO a (ROWTIME, id, x) VALUES (10, 1, 'x1');
        INSERT INTO b (ROWTIME, id, y) VALUES (20, 1, 'y1');
        INSERT INTO b (ROWTIME, id, y) VALUES (30, 2, 'no left row');
        INSERT INTO a (ROWTIME, id, x) VALUES (5, 1, 'x2');`);
      await engine.drain();
      await (await engine.log()).produce('b', [{ key: Buffer.from('1'), value: null, timestamp: 40, headers: [] }]);
      await (await engine.log()).produce('a', [{ key: Buffer.from('1'), value: null, timestamp: 50, headers: [] }]);
      expect(await changelog(engine, 'J')).toEqual([
        [1, { X: 'x1', Y: null }, 10],
        [1, { X: 'x1', Y: 'y1' }, 20],
        // The later of the two rows' times.
        [1, { X: 'x2', Y: 'y1' }, 20],
        [1, { X: 'x2', Y: null }, 40],
        [1, null, 50],
      ]);
    } finally {
      await engine.close();
    }
  });

  it('join by foreign key: a right row change reaches every left row that names it', async () => {
    const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    try {
      await run(engine, `
        CREATE TABLE orders (id INT PRIMARY KEY, customer INT) ${WITH('orders')};
        CREATE TABLE customers (id INT PRIMARY KEY, name STRING) ${WITH('customers')};
        CREATE TABLE j AS SELECT o.id, customer, name FROM orders o JOIN customers c ON o.customer = c.id;
        INSERT INTO orders (id, customer) VALUES (1, 7);
        INSERT INTO customers (id, name) VALUES (7, 'ann');
        INSERT INTO orders (id, customer) VALUES (2, 7);
        INSERT INTO customers (id, name) VALUES (7, 'anna');
        INSERT INTO orders (id, customer) VALUES (1, 8);`);
      expect((await changelog(engine, 'J')).map(([k, v]) => [k, v])).toEqual([
        [1, { CUSTOMER: 7, NAME: 'ann' }],
        [2, { CUSTOMER: 7, NAME: 'ann' }],
        [1, { CUSTOMER: 7, NAME: 'anna' }],
        [2, { CUSTOMER: 7, NAME: 'anna' }],
        // Order 1 moved to a customer that doesn't exist: its result is deleted.
        [1, null],
      ]);
    } finally {
      await engine.close();
    }
  });

  it('a filter after a table join deletes only rows that passed it', async () => {
    const engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    try {
      await run(engine, `
        CREATE TABLE a (id INT PRIMARY KEY, v INT) ${WITH('a')};
        CREATE TABLE b (id INT PRIMARY KEY, w INT) ${WITH('b')};
        CREATE TABLE j AS SELECT a.id, v, w FROM a JOIN b ON a.id = b.id WHERE v > 10;
        INSERT INTO b (id, w) VALUES (1, 0);
        INSERT INTO a (id, v) VALUES (1, 5);
        INSERT INTO a (id, v) VALUES (1, 50);
        INSERT INTO a (id, v) VALUES (1, 6);`);
      expect((await changelog(engine, 'J')).map(([k, v]) => [k, v])).toEqual([
        [1, { V: 50, W: 0 }],
        [1, null],
      ]);
    } finally {
      await engine.close();
    }
  });
});

describe('join state', () => {
  it('survives a restart: the table side joined before is still there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-join-'));
    try {
      const a = new Engine({ dataDir: dir });
      await run(a, `
        CREATE STREAM s (id INT KEY, v INT) ${WITH('s')};
        CREATE TABLE t (id INT PRIMARY KEY, name STRING) ${WITH('t')};
        CREATE STREAM j AS SELECT s.id, v, name FROM s JOIN t ON s.id = t.id;
        INSERT INTO t (id, name) VALUES (1, 'one');`);
      await a.drain();
      await a.close();
      const b = new Engine({ dataDir: dir });
      await b.execute('INSERT INTO s (id, v) VALUES (1, 10);');
      expect((await changelog(b, 'J')).map(([k, v]) => [k, v])).toEqual([[1, { V: 10, NAME: 'one' }]]);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
