// Many subscribers: 250 concurrent push queries (200 over HTTP/1.1 connections, 50 as streams
// of one HTTP/2 connection) each receive every row inserted while they run, in order; closing
// the connections ends their transient queries (SHOW QUERIES lists none, the active gauge is
// 0) and frees what they held (the heap returns to where it was before they started).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { client, type Client, type Exchange } from './client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const HTTP1_SUBSCRIBERS = 200;
const HTTP2_SUBSCRIBERS = 50;
const ROWS = 20;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('250 concurrent push queries', () => {
  let server: RunningServer;
  let admin: Client;

  beforeAll(async () => {
    server = await startServer({ memory: true, port: 0 });
    admin = client(server.url, 'http1');
    const r = await admin.call('POST', '/ksql', { ksql: "CREATE STREAM ticks (id INT KEY, n BIGINT) WITH (kafka_topic='ticks', value_format='JSON', partitions=2);" });
    expect(r.status).toBe(200);
  });
  afterAll(async () => {
    admin.close();
    await server.close();
  });

  const pushQueries = async (): Promise<{ id: string; queryType: string }[]> => {
    const r = await admin.call('POST', '/ksql', { ksql: 'SHOW QUERIES;' });
    return (r.json as { queries: { id: string; queryType: string }[] }[])[0]!.queries.filter((q) => q.queryType === 'PUSH');
  };

  it('each receives every row, and closing them frees them', async () => {
    // Warm up the paths first, so the baseline heap holds their compiled code already.
    const warm = client(server.url, 'http1');
    const w = warm.open('POST', '/query-stream');
    w.end(JSON.stringify({ sql: 'SELECT * FROM ticks EMIT CHANGES;' }));
    await w.lines().next();
    w.abort();
    warm.close();
    while ((await pushQueries()).length > 0) await new Promise((r) => setTimeout(r, 20));
    const before = heapAfterGc();

    const h1 = client(server.url, 'http1');
    const h2 = client(server.url, 'http2');
    const subscribers: { ex: Exchange; lines: AsyncGenerator<string> }[] = [];
    for (let i = 0; i < HTTP1_SUBSCRIBERS + HTTP2_SUBSCRIBERS; i++) {
      const ex = (i < HTTP1_SUBSCRIBERS ? h1 : h2).open('POST', '/query-stream');
      ex.end(JSON.stringify({ sql: 'SELECT id, n FROM ticks EMIT CHANGES;' }));
      subscribers.push({ ex, lines: ex.lines() });
    }
    // Each has its metadata: every query has fixed its start positions, so sees all rows from here.
    const ids = await Promise.all(subscribers.map(async (s) => (JSON.parse((await s.lines.next()).value as string) as { queryId: string }).queryId));
    expect(new Set(ids).size).toBe(subscribers.length);
    expect((await pushQueries()).map((q) => q.id).sort()).toEqual([...ids].sort());

    const inserts = admin.open('POST', '/inserts-stream');
    inserts.send('{"target": "ticks"}\n');
    // One key: one partition, so every subscriber must see the rows in insertion order.
    for (let n = 0; n < ROWS; n++) inserts.send(`{"id": 1, "n": ${n}}\n`);
    inserts.end();
    expect((await inserts.text()).trim().split('\n')).toHaveLength(ROWS);

    const expected = Array.from({ length: ROWS }, (_, n) => [1, n]);
    let received: unknown[][] | undefined = await Promise.all(
      subscribers.map(async (s) => {
        const rows: unknown[] = [];
        while (rows.length < ROWS) {
          const next = await s.lines.next();
          if (next.done) break;
          rows.push(JSON.parse(next.value));
        }
        return rows;
      }),
    );
    for (const rows of received) expect(rows).toEqual(expected);
    received = undefined;
    const during = heapAfterGc();

    for (const s of subscribers) s.ex.abort();
    h1.close();
    h2.close();
    // The test's own side of the connections must not count against the server.
    subscribers.length = 0;
    // The server notices each hang-up and ends that query.
    for (let i = 0; i < 250 && (await pushQueries()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await pushQueries()).toEqual([]);
    const metrics = await admin.call('GET', '/metrics');
    expect(metrics.text).toMatch(/^sluice_push_queries_active 0$/m);
    expect(metrics.text).toMatch(new RegExp(`^sluice_push_rows_total ${(HTTP1_SUBSCRIBERS + HTTP2_SUBSCRIBERS) * ROWS}$`, 'm'));
    // Give closed handles their last poll, then compare heaps: what the queries held is gone.
    await new Promise((r) => setTimeout(r, 300));
    const after = heapAfterGc();
    expect(during - before).toBeGreaterThan(0);
    expect(after - before).toBeLessThan((during - before) / 2);
  }, 120_000);
});
