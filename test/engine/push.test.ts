// Push queries and live PRINT through Engine.query(): rows stream as they arrive.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';

let engine: Engine;
beforeEach(async () => {
  engine = new Engine({ memory: true });
  await engine.execute(`
    CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', partitions=2, value_format='JSON');
    INSERT INTO s (id, v) VALUES (1, 'before');`);
});
afterEach(async () => {
  await engine.close();
});

describe('push queries', () => {
  it("start at the end by default ('latest') and stream new rows until LIMIT", async () => {
    const handle = await engine.query("SELECT id, UCASE(v) AS v FROM s WHERE id > 1 EMIT CHANGES LIMIT 2;");
    expect(handle.columns.map((c) => c.name)).toEqual(['ID', 'V']);
    const rows: unknown[][] = [];
    const done = (async () => {
      for await (const r of handle) rows.push(r);
    })();
    await engine.execute("INSERT INTO s (id, v) VALUES (2, 'a'); INSERT INTO s (id, v) VALUES (0, 'skip'); INSERT INTO s (id, v) VALUES (3, 'b');");
    await done;
    expect(rows.sort()).toEqual([
      [2, 'A'],
      [3, 'B'],
    ]);
  });

  it("read from the beginning with SET 'auto.offset.reset'='earliest', and stop on close()", async () => {
    await engine.execute("SET 'auto.offset.reset'='earliest';");
    const handle = await engine.query('SELECT * FROM s EMIT CHANGES;');
    const first = await handle.next();
    expect(first.value).toEqual([1, 'before']);
    await handle.close();
    expect((await handle.next()).done).toBe(true);
  });

  it('PRINT streams a topic live', async () => {
    const handle = await engine.query('PRINT s FROM BEGINNING LIMIT 2;');
    const lines: string[] = [];
    const done = (async () => {
      for await (const r of handle) lines.push(r[0] as string);
    })();
    await engine.execute("INSERT INTO s (id, v) VALUES (2, 'later');");
    await done;
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toMatch(/value: \{"V":"before"\}/);
    expect(lines.join('\n')).toMatch(/value: \{"V":"later"\}/);
  });
});

describe('push queries over joins', () => {
  it('enrich a stream from a table read from its beginning', async () => {
    await engine.execute(`
      CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='users', partitions=2, value_format='JSON');
      INSERT INTO users (id, name) VALUES (1, 'ann');`);
    const handle = await engine.query('SELECT s.id, s.v, u.name FROM s LEFT JOIN users u ON s.id = u.id EMIT CHANGES LIMIT 2;');
    const rows: unknown[][] = [];
    const done = (async () => {
      for await (const r of handle) rows.push(r);
    })();
    await engine.execute("INSERT INTO s (id, v) VALUES (1, 'x'); INSERT INTO s (id, v) VALUES (9, 'y');");
    await done;
    expect(rows.sort()).toEqual([
      [1, 'x', 'ann'],
      [9, 'y', null],
    ]);
  });
});
