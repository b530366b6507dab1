// Bad requests get ksqlDB-shaped JSON errors with 4xx statuses, and the server stays up:
// malformed JSON, bodies over the limit, unknown paths and methods, clients that hang up.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { client, PROTOCOLS, type Client } from './client.js';

const LIMIT = 4096;

describe.each(PROTOCOLS)('bad requests over %s', (protocol) => {
  let server: RunningServer;
  let c: Client;

  beforeAll(async () => {
    server = await startServer({ memory: true, port: 0, maxBodyBytes: LIMIT });
    c = client(server.url, protocol);
  });

  afterAll(async () => {
    c.close();
    await server.close();
  });

  it.each(['/ksql', '/query', '/query-stream', '/close-query', '/inserts-stream'])('malformed JSON to %s is a 400', async (path) => {
    const r = await c.call('POST', path, '{"ksql": "SHOW STREAMS;"');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ '@type': 'generic_error', error_code: 40000, message: expect.stringMatching(/^Malformed JSON in /) });
  });

  it('a body that is not an object, or lacks its field, is a 400', async () => {
    for (const body of ['[1, 2]', '"text"', '{}', '{"ksql": 5}']) {
      const r = await c.call('POST', '/ksql', body);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
    }
    const props = await c.call('POST', '/ksql', { ksql: 'SHOW STREAMS;', streamsProperties: [1] });
    expect(props.status).toBe(400);
  });

  it('a body over the limit is a 413, and the server goes on serving', async () => {
    const big = { ksql: `SHOW STREAMS; -- ${'x'.repeat(LIMIT)}` };
    const r = await c.call('POST', '/ksql', big);
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ '@type': 'generic_error', error_code: 41300, message: `The request body exceeds the limit of ${LIMIT} bytes` });
    const after = await c.call('POST', '/ksql', { ksql: 'SHOW STREAMS;' });
    expect(after.status).toBe(200);
  });

  it('a row over the limit in an inserts stream is answered as a bad row', async () => {
    await c.call('POST', '/ksql', { ksql: "CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);" });
    const ex = c.open('POST', '/inserts-stream');
    ex.end(`{"target": "s"}\n{"id": 1, "v": "${'y'.repeat(LIMIT)}"}\n{"id": 2, "v": "ok"}\n`);
    const acks = (await ex.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(acks).toEqual([
      { status: 'error', seq: 0, error_code: 40000, message: `The row exceeds the limit of ${LIMIT} bytes` },
      { status: 'ok', seq: 1 },
    ]);
  });

  it('an unknown path is a 404, a known path with the wrong method a 405', async () => {
    const missing = await c.call('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ '@type': 'generic_error', error_code: 40400, message: 'No endpoint /nowhere' });
    const wrong = await c.call('GET', '/ksql');
    expect(wrong.status).toBe(405);
    expect(wrong.headers['allow']).toBe('POST');
    expect(wrong.json).toMatchObject({ '@type': 'generic_error', error_code: 40500 });
  });

  it('survives clients that hang up mid-request or mid-stream, and bytes that are not HTTP', async () => {
    const half = c.open('POST', '/ksql', { 'content-length': '1000' });
    half.send('{"ksql": "SHOW');
    half.abort();
    const push = c.open('POST', '/query');
    push.end(JSON.stringify({ ksql: 'SELECT * FROM s EMIT CHANGES;' }));
    await push.lines().next();
    push.abort();
    await new Promise<void>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end('\u0000\u0001garbage\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    const info = await c.call('GET', '/info');
    expect(info.status).toBe(200);
    // The hung-up push query is gone from the query list.
    for (let i = 0; i < 100; i++) {
      const queries = await c.call('POST', '/ksql', { ksql: 'SHOW QUERIES;' });
      if ((queries.json as { queries: unknown[] }[])[0]!.queries.length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the push query of a client that hung up is still listed');
  });
});
