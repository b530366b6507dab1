// Every endpoint of `sluice server`, over real sockets, once over HTTP/1.1 and once over
// cleartext HTTP/2 (prior knowledge). The engine is the test's own, so the test can drain
// it: persistent queries have then processed every input before a pull query reads.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { client, PROTOCOLS, type Client } from './client.js';

const DDL =
  "CREATE STREAM clicks (user_id INT KEY, page STRING, big BIGINT) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);" +
  'CREATE TABLE pages AS SELECT user_id, COUNT(*) AS n, LATEST_BY_OFFSET(page) AS last_page FROM clicks GROUP BY user_id;';

describe.each(PROTOCOLS)('sluice server over %s', (protocol) => {
  let engine: Engine;
  let server: RunningServer;
  let c: Client;

  beforeAll(async () => {
    engine = new Engine({ memory: true });
    server = await startServer({ engine, port: 0 });
    c = client(server.url, protocol);
    const created = await c.call('POST', '/ksql', { ksql: DDL });
    expect(created.status).toBe(200);
  });

  afterAll(async () => {
    c.close();
    await server.close();
    await engine.close();
  });

  const ksql = (sql: string, extra: Record<string, unknown> = {}) => c.call('POST', '/ksql', { ksql: sql, ...extra });
  const rowsOf = (lines: string[]) => lines.slice(1).map((l) => JSON.parse(l) as unknown[]);

  it('binds to the loopback address by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('/ksql answers DDL with currentStatus entities, command ids and sequence numbers', async () => {
    const r = await ksql("CREATE STREAM other (id INT KEY, v STRING) WITH (kafka_topic='other', value_format='JSON', partitions=1); DROP STREAM other;");
    expect(r.status).toBe(200);
    const [create, drop] = r.json as Record<string, unknown>[];
    expect(create).toMatchObject({
      '@type': 'currentStatus',
      commandId: 'stream/`OTHER`/create',
      commandStatus: { status: 'SUCCESS', message: 'Stream created' },
      statementText: "CREATE STREAM other (id INT KEY, v STRING) WITH (kafka_topic='other', value_format='JSON', partitions=1)",
    });
    expect(drop).toMatchObject({ '@type': 'currentStatus', commandId: 'stream/`OTHER`/drop' });
    // Two logged commands in a row: consecutive positions in the command log.
    expect(drop!['commandSequenceNumber']).toBe((create!['commandSequenceNumber'] as number) + 1);
    expect(create!['commandSequenceNumber']).toBeGreaterThanOrEqual(2);
  });

  it('/ksql lists and describes: streams, tables, queries, topics, properties, functions, plans', async () => {
    const r = await ksql('SHOW STREAMS; SHOW TABLES; SHOW QUERIES; SHOW TOPICS; SHOW PROPERTIES; SHOW FUNCTIONS; DESCRIBE clicks;');
    expect(r.status).toBe(200);
    const [streams, tables, queries, topics, properties, functions, describe] = r.json as Record<string, unknown>[];
    expect(streams).toMatchObject({ '@type': 'streams', streams: expect.arrayContaining([expect.objectContaining({ name: 'CLICKS', topic: 'clicks' })]) });
    expect(tables).toMatchObject({ '@type': 'tables', tables: [expect.objectContaining({ name: 'PAGES' })] });
    const query = (queries as { queries: { id: string; queryType: string }[] }).queries[0]!;
    expect(query).toMatchObject({ queryType: 'PERSISTENT', id: expect.stringMatching(/^CTAS_PAGES_/) });
    expect(topics).toMatchObject({ '@type': 'kafka_topics', topics: expect.arrayContaining([{ name: 'clicks', replicaInfo: [1] }]) });
    expect(properties!['@type']).toBe('properties');
    expect((functions as { functions: { name: string }[] }).functions.map((f) => f.name)).toContain('UCASE');
    expect(describe).toMatchObject({
      '@type': 'sourceDescription',
      sourceDescription: { name: 'CLICKS', type: 'STREAM', fields: expect.arrayContaining([{ name: 'USER_ID', type: 'KEY', schema: expect.objectContaining({ type: 'INTEGER' }) }]) },
    });
    const explain = await ksql(`EXPLAIN ${query.id};`);
    expect(explain.json).toMatchObject([{ '@type': 'queryDescription', queryDescription: { id: query.id, executionPlan: expect.stringContaining('StreamSource') } }]);
  });

  it('/ksql errors are statement_error entities with ksqlDB codes, carrying the entities before them', async () => {
    const syntax = await ksql('SHOW STREAMS;\nCREATE STREAM (;');
    expect(syntax.status).toBe(400);
    expect(syntax.json).toMatchObject({
      '@type': 'statement_error',
      error_code: 40001,
      message: expect.stringMatching(/^line 2:15: /),
      statementText: 'CREATE STREAM (',
      entities: [{ '@type': 'streams' }],
    });
    const semantic = await ksql('DESCRIBE nowhere;');
    expect(semantic.status).toBe(400);
    expect(semantic.json).toMatchObject({ '@type': 'statement_error', error_code: 40001, message: expect.stringContaining('NOWHERE') });
    const query = await ksql('SELECT * FROM pages;');
    expect(query.status).toBe(400);
    expect(query.json).toMatchObject({ '@type': 'statement_error', error_code: 40002, statementText: 'SELECT * FROM pages' });
  });

  it('/ksql scopes streamsProperties, sessionVariables and SET to the request', async () => {
    const inside = await ksql("SET 'a.b.c'='1'; SHOW PROPERTIES;", { streamsProperties: { 'x.y': 'z' } });
    const props = (inside.json as { properties: { name: string; value: string }[] }[])[0]!.properties;
    expect(props).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'x.y', value: 'z' }), expect.objectContaining({ name: 'a.b.c', value: '1' })]));
    const after = await ksql('SHOW PROPERTIES;');
    const names = (after.json as { properties: { name: string }[] }[])[0]!.properties.map((p) => p.name);
    expect(names).not.toContain('x.y');
    expect(names).not.toContain('a.b.c');
    const described = await ksql('DESCRIBE ${s};', { sessionVariables: { s: 'clicks' } });
    expect(described.json).toMatchObject([{ sourceDescription: { name: 'CLICKS' } }]);
    const vars = await ksql('SHOW VARIABLES;');
    expect(vars.json).toMatchObject([{ '@type': 'variables', variables: [] }]);
  });

  it('/inserts-stream acknowledges each row in order, and answers a bad row without dropping the others', async () => {
    const ex = c.open('POST', '/inserts-stream');
    ex.send('{"target": "clicks"}\n');
    ex.send('{"user_id": 1, "page": "/a", "big": 9007199254740993}\n');
    ex.send('{"user_id": 2, "page": "/b"}\n{"user_id": "x"}\n{"nope": 1}\nnot json\n');
    ex.end('{"USER_ID": 1, "PAGE": "/c", "ROWTIME": 1000}\n');
    expect((await ex.response).status).toBe(200);
    const acks = (await ex.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(acks.map((a) => [a['seq'], a['status']])).toEqual([
      [0, 'ok'],
      [1, 'ok'],
      [2, 'error'],
      [3, 'error'],
      [4, 'error'],
      [5, 'ok'],
    ]);
    expect(acks[3]).toMatchObject({ error_code: 40000, message: 'Column name nope does not exist in CLICKS' });
    await engine.drain();
    const rows = await c.call('POST', '/query', { ksql: 'SELECT page, big, ROWTIME FROM clicks WHERE user_id = 1;' });
    const messages = rows.json as { row?: { columns: unknown[] } }[];
    expect(messages.filter((m) => m.row).map((m) => m.row!.columns.slice(0, 1))).toEqual([['/a'], ['/c']]);
    // A BIGINT above 2^53 keeps its digits on the way in and out.
    expect(rows.text).toContain('9007199254740993');
    expect(messages.find((m) => m.row?.columns[0] === '/c')!.row!.columns[2]).toBe(1000);
  });

  it('/inserts-stream refuses an unknown target with a 400', async () => {
    const ex = c.open('POST', '/inserts-stream');
    ex.end('{"target": "nowhere"}\n{"a": 1}\n');
    expect((await ex.response).status).toBe(400);
    expect(JSON.parse(await ex.text())).toMatchObject({ '@type': 'generic_error', error_code: 40000, message: expect.stringContaining('nowhere') });
  });

  it('/query answers a pull query with a header, rows and (for a stream) a final message', async () => {
    await engine.drain();
    const table = await c.call('POST', '/query', { ksql: 'SELECT * FROM pages WHERE user_id = 1;' });
    expect(table.status).toBe(200);
    expect(table.json).toEqual([
      { header: { queryId: expect.stringMatching(/^query_/), schema: '`USER_ID` INTEGER KEY, `N` BIGINT, `LAST_PAGE` STRING' } },
      { row: { columns: [1, 2, '/c'] } },
    ]);
    const stream = await c.call('POST', '/query', { ksql: 'SELECT user_id FROM clicks LIMIT 1;' });
    expect(stream.json).toEqual([{ header: expect.anything() }, { row: { columns: [1] } }, { finalMessage: 'Limit Reached' }]);
    const bad = await c.call('POST', '/query', { ksql: 'SELECT nope FROM pages;' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ '@type': 'statement_error', error_code: 40001, message: expect.stringContaining('NOPE') });
    const notQuery = await c.call('POST', '/query', { ksql: 'SHOW STREAMS;' });
    expect(notQuery.status).toBe(400);
  });

  it('/query streams a push query row by row until its LIMIT', async () => {
    const ex = c.open('POST', '/query');
    ex.end(JSON.stringify({ ksql: 'SELECT user_id, page FROM clicks EMIT CHANGES LIMIT 2;' }));
    const { status, headers } = await ex.response;
    expect(status).toBe(200);
    if (protocol === 'http1') expect(headers['transfer-encoding']).toBe('chunked');
    const lines = ex.lines();
    const header = (await lines.next()).value as string;
    expect(header).toMatch(/^\[\{"header":\{"queryId":"transient_CLICKS_\d+","schema":"`USER_ID` INTEGER, `PAGE` STRING"\}\},$/);
    // The query reads from 'latest': rows inserted now are the ones it streams.
    await ksql("INSERT INTO clicks (user_id, page) VALUES (7, '/x'); INSERT INTO clicks (user_id, page) VALUES (8, '/y');");
    const rest: string[] = [];
    for await (const l of lines) rest.push(l);
    expect(JSON.parse(`[${header.slice(1)}${rest.join('')}`)).toEqual([
      { header: expect.anything() },
      { row: { columns: [7, '/x'] } },
      { row: { columns: [8, '/y'] } },
      { finalMessage: 'Limit Reached' },
    ]);
  });

  it("marks a table's deleted rows as tombstones on /query, and leaves them out on /query-stream as ksqlDB does", async () => {
    await ksql(
      "CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='users', value_format='JSON', partitions=1);" +
        "INSERT INTO users (id, name) VALUES (1, 'ann'); INSERT INTO users (id, name) VALUES (2, 'bob');",
    );
    const key = Buffer.alloc(4);
    key.writeInt32BE(1);
    await (await engine.log()).produce('users', [{ timestamp: Date.now(), key, value: null }]);
    await ksql("INSERT INTO users (id, name) VALUES (3, 'cy');");
    const earliest = { 'auto.offset.reset': 'earliest' };
    const query = await c.call('POST', '/query', { ksql: 'SELECT * FROM users EMIT CHANGES LIMIT 4;', streamsProperties: earliest });
    expect((query.json as unknown[]).slice(1)).toEqual([
      { row: { columns: [1, 'ann'] } },
      { row: { columns: [2, 'bob'] } },
      { row: { columns: [1, null], tombstone: true } },
      { row: { columns: [3, 'cy'] } },
      { finalMessage: 'Limit Reached' },
    ]);
    // The tombstone still counts toward the LIMIT, as it does on /query.
    const stream = await c.call('POST', '/query-stream', { sql: 'SELECT * FROM users EMIT CHANGES LIMIT 4;', properties: earliest });
    expect(rowsOf(stream.text.trim().split('\n'))).toEqual([
      [1, 'ann'],
      [2, 'bob'],
      [3, 'cy'],
    ]);
  });

  it('/query-stream answers pull queries delimited by default, or as one JSON array', async () => {
    await engine.drain();
    const delimited = await c.call('POST', '/query-stream', { sql: 'SELECT user_id, n FROM pages WHERE user_id IN (1, 2);' });
    expect(delimited.status).toBe(200);
    expect(delimited.headers['content-type']).toBe('application/vnd.ksqlapi.delimited.v1');
    const lines = delimited.text.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ queryId: expect.any(String), columnNames: ['USER_ID', 'N'], columnTypes: ['INTEGER', 'BIGINT'] });
    expect(rowsOf(lines).sort()).toEqual([
      [1, 2],
      [2, 1],
    ]);
    const json = await c.call('POST', '/query-stream', { sql: 'SELECT user_id FROM pages WHERE user_id = 2;' }, { accept: 'application/json' });
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.json).toEqual([{ queryId: expect.any(String), columnNames: ['USER_ID'], columnTypes: ['INTEGER'] }, [2]]);
    const bad = await c.call('POST', '/query-stream', { sql: 'SELECT * FROM nowhere;' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error_code: 40001 });
  });

  it('/query-stream streams a push query, and /close-query ends it', async () => {
    const ex = c.open('POST', '/query-stream');
    ex.end(JSON.stringify({ sql: 'SELECT page FROM clicks WHERE user_id = 9 EMIT CHANGES;' }));
    const lines = ex.lines();
    const meta = JSON.parse((await lines.next()).value as string) as { queryId: string; columnNames: string[] };
    expect(meta.columnNames).toEqual(['PAGE']);
    const listed = await ksql('SHOW QUERIES;');
    expect((listed.json as { queries: { id: string; queryType: string }[] }[])[0]!.queries).toContainEqual(
      expect.objectContaining({ id: meta.queryId, queryType: 'PUSH' }),
    );
    await ksql("INSERT INTO clicks (user_id, page) VALUES (9, '/p');");
    expect(JSON.parse((await lines.next()).value as string)).toEqual(['/p']);
    const closed = await c.call('POST', '/close-query', { queryId: meta.queryId });
    expect(closed.status).toBe(200);
    expect((await lines.next()).done).toBe(true);
    const again = await c.call('POST', '/close-query', { queryId: meta.queryId });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
  });

  it('/query streams PRINT as text lines', async () => {
    const r = await c.call('POST', '/query', { ksql: 'PRINT clicks FROM BEGINNING LIMIT 2;' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const lines = r.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/value: \{"PAGE":"\/a"/);
  });

  it('/info, /healthcheck and /status answer in ksqlDB shapes', async () => {
    const info = await c.call('GET', '/info');
    expect(info.json).toEqual({ KsqlServerInfo: { version: expect.any(String), kafkaClusterId: expect.any(String), ksqlServiceId: 'default_', serverStatus: 'RUNNING' } });
    const health = await c.call('GET', '/healthcheck');
    expect(health.json).toEqual({
      isHealthy: true,
      details: { metastore: { isHealthy: true }, kafka: { isHealthy: true }, commandRunner: { isHealthy: true } },
    });
    const all = await c.call('GET', '/status');
    expect(all.json).toMatchObject({ commandStatuses: { 'stream/`CLICKS`/create': 'SUCCESS', 'table/`PAGES`/create': 'SUCCESS' } });
    const one = await c.call('GET', '/status/table/PAGES/create');
    expect(one.json).toEqual({ status: 'SUCCESS', message: expect.stringMatching(/^Created query with ID CTAS_PAGES_/), queryId: expect.stringMatching(/^CTAS_PAGES_/) });
    const quoted = await c.call('GET', `/status/${encodeURIComponent('stream/`CLICKS`/create')}`);
    expect(quoted.json).toMatchObject({ status: 'SUCCESS' });
    const missing = await c.call('GET', '/status/stream/NOPE/create');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ '@type': 'generic_error', error_code: 40400 });
  });

  it('/metrics serves per-query, pull, push and state metrics in Prometheus text format', async () => {
    await engine.drain();
    const m = await c.call('GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    const id = engine.queries()[0]!.id;
    const value = (line: RegExp): number => Number(new RegExp(`^${line.source} (\\S+)$`, 'm').exec(m.text)?.[1]);
    // Every click so far went through the table's query.
    const processed = engine.queryStats().find((s) => s.id === id)!.processed;
    expect(processed).toBeGreaterThan(0);
    expect(value(new RegExp(`sluice_query_records_in_total\\{query_id="${id}"\\}`))).toBe(processed);
    expect(value(new RegExp(`sluice_query_records_out_total\\{query_id="${id}"\\}`))).toBe(processed);
    expect(value(new RegExp(`sluice_query_errors_total\\{query_id="${id}"\\}`))).toBe(0);
    expect(value(new RegExp(`sluice_query_consumer_lag\\{query_id="${id}"\\}`))).toBe(0);
    expect(value(/sluice_materialized_table_rows\{table="PAGES"\}/)).toBe(5);
    expect(m.text).toMatch(new RegExp(`^sluice_state_store_rows\\{store="state__sluice_query_${id}_groups",query_id="${id}"\\} 5$`, 'm'));
    expect(value(/sluice_pull_queries_total\{status="ok"\}/)).toBeGreaterThanOrEqual(5);
    expect(value(/sluice_pull_queries_total\{status="error"\}/)).toBeGreaterThanOrEqual(2);
    expect(value(/sluice_pull_query_duration_seconds_count/)).toBe(value(/sluice_pull_queries_total\{status="ok"\}/));
    expect(value(/sluice_push_queries_total/)).toBeGreaterThanOrEqual(2);
    expect(value(/sluice_push_queries_active/)).toBe(0);
    expect(m.text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
