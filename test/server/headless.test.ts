// Headless mode: the server runs its queries file at start and refuses statements over REST
// (queries still answer). A restart on the same data directory doesn't run the file's
// statements twice: only what the file gained since.

import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../repl/server/index.js';
import { client, PROTOCOLS } from './client.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sluice-headless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE = [
  "SET 'auto.offset.reset'='earliest';",
  "CREATE STREAM orders (id INT KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=1);",
  'INSERT INTO orders (id, amount) VALUES (1, 10);',
  'INSERT INTO orders (id, amount) VALUES (2, 20);',
  'CREATE STREAM big AS SELECT * FROM orders WHERE amount > 15;',
].join('\n');

async function pullRows(url: string, sql: string): Promise<unknown[]> {
  const c = client(url, 'http1');
  try {
    const r = await c.call('POST', '/query', { ksql: sql });
    return (r.json as { row?: { columns: unknown[] } }[]).filter((m) => m.row).map((m) => m.row!.columns);
  } finally {
    c.close();
  }
}

describe('headless mode (--queries-file)', () => {
  const dataDir = path.join(dir, 'data');
  const file = path.join(dir, 'app.sql');

  it('runs the file at start and refuses statements over REST', async () => {
    writeFileSync(file, FILE);
    const server = await startServer({ dataDir, port: 0, queriesFile: file });
    try {
      expect(await pullRows(server.url, 'SELECT * FROM orders;')).toEqual([
        [1, 10],
        [2, 20],
      ]);
      for (const protocol of PROTOCOLS) {
        const c = client(server.url, protocol);
        const refused = await c.call('POST', '/ksql', { ksql: 'SHOW STREAMS;' });
        expect(refused.status).toBe(403);
        expect(refused.json).toEqual({ '@type': 'generic_error', error_code: 40300, message: expect.stringContaining('headless mode') });
        const ex = c.open('POST', '/inserts-stream');
        ex.end('{"target": "orders"}\n{"id": 3, "amount": 30}\n');
        expect((await ex.response).status).toBe(403);
        expect((await c.call('GET', '/info')).status).toBe(200);
        c.close();
      }
    } finally {
      await server.close();
    }
  });

  it('on a restart runs only the statements the file gained', async () => {
    appendFileSync(file, '\nINSERT INTO orders (id, amount) VALUES (3, 30);\n');
    const server = await startServer({ dataDir, port: 0, queriesFile: file });
    try {
      // The first two INSERTs did not run again; the new one did, and the query resumed.
      expect(await pullRows(server.url, 'SELECT * FROM orders;')).toEqual([
        [1, 10],
        [2, 20],
        [3, 30],
      ]);
      const status = await client(server.url, 'http1').call('GET', '/status/stream/BIG/create');
      expect(status.json).toMatchObject({ status: 'SUCCESS' });
    } finally {
      await server.close();
    }
  });

  it('refuses a file that no longer matches the data directory, or that fails, naming file:line:col', async () => {
    const other = path.join(dir, 'other.sql');
    writeFileSync(other, "CREATE STREAM elsewhere (id INT KEY) WITH (kafka_topic='e', value_format='JSON', partitions=1);");
    await expect(startServer({ dataDir, port: 0, queriesFile: other })).rejects.toThrow(/other\.sql:1:1: The data directory was built by other statements/);
    const broken = path.join(dir, 'broken.sql');
    writeFileSync(broken, "SHOW STREAMS;\nCREATE STREAM x (id INT KEY) WITH (kafka_topic='x', value_format='JSON');");
    await expect(startServer({ memory: true, port: 0, queriesFile: broken })).rejects.toThrow(/broken\.sql:2:1: .*x/i);
  });
});
