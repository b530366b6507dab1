// A table's changes as queries pass them on: a WHERE on a table deletes downstream only rows
// that were in the result (no spurious tombstones, as in ksqlDB since Kafka Streams' table
// filters read old values), and push queries flag a deleted row as a tombstone, with its key
// and window bounds, while a stream's null value is not a row at all.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import type { QueryHandle } from '../../runtime/query/push-query.js';

const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function open(options: ConstructorParameters<typeof Engine>[0]): Engine {
  const engine = new Engine(options);
  engines.push(engine);
  return engine;
}

const intKey = (n: number): Buffer => {
  const key = Buffer.alloc(4);
  key.writeInt32BE(n);
  return key;
};

/** Deletes `id` from a table topic with INT keys. */
async function deleteKey(engine: Engine, topic: string, id: number): Promise<void> {
  await (await engine.log()).produce(topic, [{ timestamp: Date.now(), key: intKey(id), value: null }]);
}

/** A sink's records as [key, value JSON or null]. */
async function changelog(engine: Engine, topic: string): Promise<unknown[][]> {
  const recs = await (await engine.log()).fetch(topic, 0, 0, 1000);
  return recs.map((r) => [r.key!.readInt32BE(0), r.value === null ? null : JSON.parse(r.value.toString())]);
}

/** Reads `n` rows of a push query, each with whether it is a tombstone. */
async function take(handle: QueryHandle, n: number): Promise<[unknown[], boolean][]> {
  const out: [unknown[], boolean][] = [];
  // next(), not for-await: leaving a for-await loop would close the query.
  while (out.length < n) {
    const r = await handle.next();
    if (r.done) break;
    out.push([r.value, handle.isTombstone(r.value)]);
  }
  return out;
}

const USERS = `CREATE TABLE users (id INT PRIMARY KEY, score INT) WITH (kafka_topic='users', partitions=1, value_format='JSON');`;

describe('a WHERE on a table', () => {
  it('deletes downstream only the rows it had passed', async () => {
    const engine = open({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    await engine.execute(`${USERS}
      CREATE TABLE good AS SELECT id, score FROM users WHERE score > 10;
      INSERT INTO users (id, score) VALUES (1, 5);
      INSERT INTO users (id, score) VALUES (2, 50);
      INSERT INTO users (id, score) VALUES (2, 7);
      INSERT INTO users (id, score) VALUES (1, 6);
      INSERT INTO users (id, score) VALUES (3, 30);`);
    await deleteKey(engine, 'users', 1);
    await deleteKey(engine, 'users', 3);
    await engine.drain();
    // 1 never passed: neither its failing update nor its delete sends anything.
    expect(await changelog(engine, 'GOOD')).toEqual([
      [2, { SCORE: 50 }],
      [2, null],
      [3, { SCORE: 30 }],
      [3, null],
    ]);
    const r = (await engine.execute('SELECT * FROM good;'))[0]!;
    expect(r.type === 'rows' && r.rows).toEqual([]);
  });

  it('remembers what it passed across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-table-filter-'));
    try {
      const a = open({ dataDir: dir, properties: { 'auto.offset.reset': 'earliest' } });
      await a.execute(`${USERS}
        CREATE TABLE good AS SELECT id, score FROM users WHERE score > 10;
        INSERT INTO users (id, score) VALUES (1, 50);
        INSERT INTO users (id, score) VALUES (2, 5);`);
      await a.drain();
      await a.close();
      engines.splice(engines.indexOf(a), 1);

      const b = open({ dataDir: dir });
      await b.execute('INSERT INTO users (id, score) VALUES (1, 4); INSERT INTO users (id, score) VALUES (2, 3);');
      await b.drain();
      expect(await changelog(b, 'GOOD')).toEqual([
        [1, { SCORE: 50 }],
        [1, null],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('push queries over tables', () => {
  it('flag a deleted row as a tombstone that keeps its key', async () => {
    const engine = open({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    await engine.execute(`${USERS}
      INSERT INTO users (id, score) VALUES (1, 5);`);
    await deleteKey(engine, 'users', 1);
    await engine.execute('INSERT INTO users (id, score) VALUES (2, 9);');
    const handle = await engine.query('SELECT score, id FROM users EMIT CHANGES;');
    expect(await take(handle, 3)).toEqual([
      [[5, 1], false],
      [[null, 1], true],
      [[9, 2], false],
    ]);
  });

  it('keep the window bounds of a windowed tombstone, and send none for a row that never matched', async () => {
    const engine = open({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    await engine.execute(`
      CREATE STREAM s (k INT KEY, v INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
      CREATE TABLE sums AS SELECT k, SUM(v) AS total FROM s WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY k HAVING SUM(v) > 0;
      INSERT INTO s (ROWTIME, k, v) VALUES (1, 1, 10);
      INSERT INTO s (ROWTIME, k, v) VALUES (2, 1, -20);
      INSERT INTO s (ROWTIME, k, v) VALUES (3, 2, 5);`);
    await engine.drain();
    const handle = await engine.query('SELECT total, WINDOWEND, WINDOWSTART FROM sums WHERE k = 1 EMIT CHANGES;');
    expect(await take(handle, 2)).toEqual([
      [[10, 1000n, 0n], false],
      [[null, 1000n, 0n], true],
    ]);
    // Key 2's row fails `k = 1`: it was never in this query's result, so no tombstone for it.
    await engine.execute('INSERT INTO s (ROWTIME, k, v) VALUES (4, 1, 30);');
    await engine.drain();
    expect(await take(handle, 1)).toEqual([[[20, 1000n, 0n], false]]);
    await handle.close();
  });
});

describe('push queries over streams', () => {
  it('skip records with a null value', async () => {
    const engine = open({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    await engine.execute(`
      CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');
      INSERT INTO s (id, v) VALUES (1, 'a');`);
    await deleteKey(engine, 's', 2);
    await engine.execute("INSERT INTO s (id, v) VALUES (3, 'c');");
    const handle = await engine.query('SELECT * FROM s EMIT CHANGES;');
    expect(await take(handle, 2)).toEqual([
      [[1, 'a'], false],
      [[3, 'c'], false],
    ]);
  });
});
