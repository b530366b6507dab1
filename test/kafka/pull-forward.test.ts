// Pull queries across instances: two `sluice server`s in Kafka mode with one service id (in
// this process, over real sockets, on the shared broker) share a CTAS's tasks over six
// partitions, so each one's materialised table holds only its own tasks' rows. A key lookup
// sent to either is answered by the key's owner (forwarded over HTTP when that is the other
// one), and a scan sent to either gathers every row once from both. Both servers check HTTP
// Basic credentials, so every forwarded request also shows the caller's are passed on. An
// owner that does not answer is a 503, and the server that asked stays up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../repl/server/auth.js';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { Engine } from '../../runtime/engine/engine.js';
import { LOCAL_ONLY_PROPERTY, TASKS_PROPERTY, type PullRoute } from '../../runtime/engine/statements/pull-route.js';
import { client, type Client, type Protocol } from '../server/client.js';
import { kafkaSkipReason, reportSkipped, sharedCluster } from './broker.js';
import { freePort } from './instances.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const PARTITIONS = 6;
const KEYS = 36;
const EVENTS_PER_KEY = 3;
/** Long enough for a loaded machine to form the group, restore and catch up. */
const SETTLE_MS = 90_000;

/** Each key's expected row: [K, N (events), S (sum of V)]. */
const expected = new Map(
  Array.from({ length: KEYS }, (_, k) => {
    const vs = Array.from({ length: EVENTS_PER_KEY }, (_, i) => k * 10 + i);
    return [k, [k, EVENTS_PER_KEY, vs.reduce((a, b) => a + b, 0)]] as const;
  }),
);

interface Instance {
  readonly engine: Engine;
  server: RunningServer | undefined;
  readonly url: string;
  readonly c: Caller;
}

const USER = 'ops';
const PASSWORD = 'pull across';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

type Caller = Pick<Client, 'call' | 'close'>;

/** A client that sends the test user's credentials with every request. */
function authed(url: string, protocol: Protocol): Caller {
  const c = client(url, protocol);
  return { call: (method, p, body, headers) => c.call(method, p, body, { authorization: AUTH, ...headers }), close: () => c.close() };
}

/** The rows of a /query-stream pull query (status and error checked by the caller). */
async function queryStream(c: Caller, sql: string): Promise<{ status: number; rows: unknown[][]; json: unknown; text: string }> {
  const r = await c.call('POST', '/query-stream', { sql, properties: {} }, { accept: 'application/json' });
  const body = r.json as unknown[];
  return { status: r.status, rows: r.status === 200 ? (body.slice(1) as unknown[][]) : [], json: r.json, text: r.text };
}

const byKey = (rows: readonly unknown[][]): unknown[][] => [...rows].sort((a, b) => Number(a[0]) - Number(b[0]));

describe.skipIf(skip !== undefined)('pull queries across two Kafka-mode instances', () => {
  const instances: Instance[] = [];
  const namespace = `pull-forward-${Date.now().toString(36)}.`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-pull-forward-'));
  const users = path.join(dir, 'users');

  async function open(): Promise<Instance> {
    const cluster = await sharedCluster();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const engine = new Engine({
      kafka: { brokers: cluster.brokers, namespace },
      serviceId: 'pullfwd',
      memory: true,
      advertisedUrl: url,
      properties: { 'auto.offset.reset': 'earliest', 'session.timeout.ms': '10000', 'heartbeat.interval.ms': '500' },
    });
    const server = await startServer({ engine, port, authFile: users });
    const inst = { engine, server, url, c: authed(server.url, 'http1') };
    instances.push(inst);
    return inst;
  }

  /** Until both instances run some tasks each and both see every row: a scan is then gathered. */
  async function settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_MS;
    let last = '';
    for (;;) {
      const routes = await Promise.all(instances.map((i) => i.engine.pullRoute('SELECT * FROM TOTALS;')));
      if (routes.every((r) => r.kind === 'gather')) {
        const scans = await Promise.all(instances.map((i) => queryStream(i.c, 'SELECT * FROM TOTALS;')));
        if (scans.every((s) => s.status === 200 && JSON.stringify(byKey(s.rows)) === JSON.stringify([...expected.values()]))) return;
        last = scans.map((s) => `${s.status}: ${s.rows.length} rows`).join(', ');
      } else last = JSON.stringify(routes);
      if (Date.now() > deadline) throw new Error(`the two instances did not settle within ${SETTLE_MS} ms: ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    await addUser(users, USER, PASSWORD);
    const a = await open();
    const ddl = await a.c.call('POST', '/ksql', {
      ksql: `CREATE STREAM EVENTS (K INT KEY, V INT) WITH (kafka_topic='pf_events', partitions=${PARTITIONS}, value_format='JSON');
             CREATE TABLE TOTALS AS SELECT K, COUNT(*) AS N, SUM(V) AS S FROM EVENTS GROUP BY K;`,
    });
    expect(ddl.status, ddl.text).toBe(200);
    const inserts = [...expected.keys()].flatMap((k) => Array.from({ length: EVENTS_PER_KEY }, (_, i) => `INSERT INTO EVENTS (K, V) VALUES (${k}, ${k * 10 + i});`));
    const ins = await a.c.call('POST', '/ksql', { ksql: inserts.join('\n') });
    expect(ins.status, ins.text).toBe(200);
    // The second instance starts after the statements: it reads them from the command topic.
    await open();
    await settle();
  }, SETTLE_MS + 60_000);

  afterAll(async () => {
    for (const i of instances) {
      i.c.close();
      await i.server?.close();
    }
    for (const i of instances) await i.engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('splits the keys: each instance forwards some lookups and answers others itself', async () => {
    for (const inst of instances) {
      const routes = await Promise.all([...expected.keys()].map((k) => inst.engine.pullRoute(`SELECT * FROM TOTALS WHERE K = ${k};`)));
      const kinds = new Set(routes.map((r: PullRoute) => r.kind));
      expect(kinds).toEqual(new Set(['local', 'forward']));
      const other = instances.find((i) => i !== inst)!.url;
      expect(routes.filter((r) => r.kind === 'forward').every((r) => r.kind === 'forward' && r.url === other && r.tasks.length === 1)).toBe(true);
    }
  });

  it('answers a lookup of every key on both instances with the same, right row', async () => {
    for (const inst of instances) {
      for (const [k, row] of expected) {
        const r = await queryStream(inst.c, `SELECT * FROM TOTALS WHERE K = ${k};`);
        expect({ k, status: r.status, rows: r.rows }).toEqual({ k, status: 200, rows: [row] });
      }
    }
  });

  it('answers HTTP/2 clients the same, and refuses a caller without credentials before forwarding', async () => {
    for (const inst of instances) {
      const h2 = authed(inst.server!.url, 'http2');
      try {
        for (const k of [0, 1, 2, 3, 4, 5, 6, 7]) {
          const r = await queryStream(h2, `SELECT * FROM TOTALS WHERE K = ${k};`);
          expect({ k, status: r.status, rows: r.rows }).toEqual({ k, status: 200, rows: [expected.get(k)] });
        }
      } finally {
        h2.close();
      }
      const anonymous = client(inst.server!.url, 'http1');
      try {
        for (const k of [0, 1, 2, 3]) {
          const r = await anonymous.call('POST', '/query-stream', { sql: `SELECT * FROM TOTALS WHERE K = ${k};` });
          expect(r.status).toBe(401);
        }
      } finally {
        anonymous.close();
      }
    }
  });

  it('answers the same through /query, ksqlDB’s original endpoint, forwarded or gathered', async () => {
    for (const inst of instances) {
      for (const k of [0, 1, 2, 3, 4, 5, 6, 7]) {
        const r = await inst.c.call('POST', '/query', { ksql: `SELECT * FROM TOTALS WHERE K = ${k};`, streamsProperties: {} });
        expect(r.status, r.text).toBe(200);
        const messages = r.json as { header?: { schema: string }; row?: { columns: unknown[] } }[];
        expect(messages[0]!.header!.schema).toBe('`K` INTEGER KEY, `N` BIGINT, `S` INTEGER');
        expect(messages.slice(1)).toEqual([{ row: { columns: expected.get(k) } }]);
      }
      const scan = await inst.c.call('POST', '/query', { ksql: 'SELECT * FROM TOTALS;', streamsProperties: {} });
      const rows = (scan.json as { row?: { columns: unknown[] } }[]).slice(1).map((m) => m.row!.columns);
      expect(byKey(rows)).toEqual([...expected.values()]);
    }
  });

  it('gathers a scan, and an IN list spread over both, every row once; LIMIT applies to the whole', async () => {
    for (const inst of instances) {
      const scan = await queryStream(inst.c, 'SELECT * FROM TOTALS;');
      expect(scan.status).toBe(200);
      expect(byKey(scan.rows)).toEqual([...expected.values()]);

      const some = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
      const inList = await queryStream(inst.c, `SELECT K, S FROM TOTALS WHERE K IN (${some.join(', ')});`);
      expect(byKey(inList.rows)).toEqual(some.map((k) => [k, expected.get(k)![2]]));

      const limited = await queryStream(inst.c, 'SELECT * FROM TOTALS WHERE N > 0 LIMIT 5;');
      expect(limited.rows).toHaveLength(5);
      expect(new Set(limited.rows.map((r) => r[0])).size).toBe(5);
      for (const r of limited.rows) expect(r).toEqual(expected.get(Number(r[0])));
    }
  });

  it('orders a gathered scan as one instance would, LIMIT after the merge', async () => {
    const all = [...expected.values()];
    const bySumDesc = [...all].sort((a, b) => Number(b[2]) - Number(a[2]));
    for (const inst of instances) {
      const top = await queryStream(inst.c, 'SELECT K, S FROM TOTALS ORDER BY S DESC LIMIT 7;');
      expect(top.status).toBe(200);
      expect(top.rows).toEqual(bySumDesc.slice(0, 7).map((r) => [r[0], r[2]]));
      const ordered = await queryStream(inst.c, 'SELECT * FROM TOTALS WHERE K >= 10 ORDER BY K;');
      expect(ordered.rows).toEqual(all.filter((r) => Number(r[0]) >= 10));
    }
  });

  it('pages a gathered scan with OFFSET after the merge, on both endpoints', async () => {
    const byS = [...expected.values()].sort((a, b) => Number(a[2]) - Number(b[2]));
    for (const inst of instances) {
      const page = await queryStream(inst.c, 'SELECT * FROM TOTALS ORDER BY S LIMIT 3 OFFSET 2;');
      expect(page.status, page.text).toBe(200);
      expect(page.rows).toEqual(byS.slice(2, 5));
      const viaQuery = await inst.c.call('POST', '/query', { ksql: 'SELECT K FROM TOTALS ORDER BY K DESC LIMIT 2 OFFSET 1;', streamsProperties: {} });
      expect((viaQuery.json as { row?: { columns: unknown[] } }[]).flatMap((m) => (m.row ? [m.row.columns] : []))).toEqual([[KEYS - 2], [KEYS - 3]]);
      // Unordered: which rows is open, but not how many, nor that each is right and there once.
      const tail = await queryStream(inst.c, `SELECT * FROM TOTALS LIMIT 10 OFFSET ${KEYS - 4};`);
      expect(tail.rows).toHaveLength(4);
      expect(new Set(tail.rows.map((r) => r[0])).size).toBe(4);
      for (const r of tail.rows) expect(r).toEqual(expected.get(Number(r[0])));
    }
  });

  it('refuses, with a 400, an aggregate over rows spread across instances; a forwarded lookup may use one, and OFFSET', async () => {
    const r = await queryStream(instances[0]!.c, 'SELECT N, COUNT(*) AS C FROM TOTALS GROUP BY N;');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ '@type': 'statement_error', message: expect.stringMatching(/not supported across instances yet/) });
    for (const inst of instances) {
      const paged = await queryStream(inst.c, 'SELECT K, S FROM TOTALS WHERE K = 5 ORDER BY S LIMIT 1 OFFSET 0;');
      expect(paged.rows).toEqual([[5, expected.get(5)![2]]]);
      const counted = await queryStream(inst.c, 'SELECT K, COUNT(*) AS C FROM TOTALS WHERE K = 5 GROUP BY K;');
      expect(counted.rows).toEqual([[5, 1]]);
    }
  });

  it('answers a forwarded request from its own rows, and only while it runs the tasks it is asked for', async () => {
    const [a, b] = instances as [Instance, Instance];
    const ownership = (await b.engine.queryOwnership('TOTALS'))!;
    const mine = [...ownership.local].sort();
    const theirs = [...Array(PARTITIONS).keys()].filter((t) => !ownership.local.has(t));
    const forwarded = (tasks: readonly number[]) =>
      b.c.call('POST', '/query-stream', { sql: 'SELECT * FROM TOTALS;', properties: { [LOCAL_ONLY_PROPERTY]: true, [TASKS_PROPERTY]: tasks.join(',') } }, { accept: 'application/json' });
    const own = await forwarded(mine);
    expect(own.status, own.text).toBe(200);
    const ownRows = (own.json as unknown[][]).slice(1);
    // Only B's share, and together with what A holds itself, every row once.
    const aRows = (await a.c.call('POST', '/query-stream', { sql: 'SELECT * FROM TOTALS;', properties: { [LOCAL_ONLY_PROPERTY]: true } }, { accept: 'application/json' }).then((r) => r.json as unknown[][])).slice(1);
    expect(ownRows.length).toBeGreaterThan(0);
    expect(aRows.length).toBeGreaterThan(0);
    expect(byKey([...ownRows, ...aRows])).toEqual([...expected.values()]);
    const moved = await forwarded([...mine, theirs[0]!]);
    expect(moved.status).toBe(503);
    expect(moved.json).toMatchObject({ '@type': 'generic_error', error_code: 50300, message: expect.stringMatching(/rebalancing/) });
  });

  it('/status on each instance knows the commands run on the other, before and after it started', async () => {
    const [a, b] = instances as [Instance, Instance];
    const created = await a.c.call('POST', '/ksql', {
      ksql: "CREATE STREAM PF_EXTRA (K INT KEY, V INT) WITH (kafka_topic='pf_extra', partitions=1, value_format='JSON');",
    });
    expect(created.status, created.text).toBe(200);
    await b.engine.commandsApplied();
    for (const id of ['stream/EVENTS/create', 'table/TOTALS/create', 'stream/PF_EXTRA/create']) {
      const status = await b.c.call('GET', `/status/${id}`);
      expect(status.status, `${id}: ${status.text}`).toBe(200);
      expect(status.json).toMatchObject({ status: 'SUCCESS' });
    }
    // On the instance that ran it, the status is the run's own.
    expect((await a.c.call('GET', '/status/stream/PF_EXTRA/create')).json).toMatchObject({ status: 'SUCCESS', message: 'Stream created' });
    expect((await b.c.call('GET', '/status')).json).toMatchObject({ commandStatuses: { 'stream/`PF_EXTRA`/create': 'SUCCESS' } });
  });

  it('answers 503 when the owner does not answer, and stays up', async () => {
    const [a, b] = instances as [Instance, Instance];
    // B's REST API goes away; its engine keeps running its tasks.
    await b.server!.close();
    b.server = undefined;
    const routes = await Promise.all([...expected.keys()].map(async (k) => ({ k, route: await a.engine.pullRoute(`SELECT * FROM TOTALS WHERE K = ${k};`) })));
    const remote = routes.find((r) => r.route.kind === 'forward')!.k;
    const local = routes.find((r) => r.route.kind === 'local')!.k;
    const lookup = await queryStream(a.c, `SELECT * FROM TOTALS WHERE K = ${remote};`);
    expect(lookup.status).toBe(503);
    expect(lookup.json).toMatchObject({ '@type': 'generic_error', error_code: 50300, message: expect.stringContaining(b.url) });
    const scan = await queryStream(a.c, 'SELECT * FROM TOTALS;');
    expect(scan.status).toBe(503);
    const still = await queryStream(a.c, `SELECT * FROM TOTALS WHERE K = ${local};`);
    expect(still).toMatchObject({ status: 200, rows: [expected.get(local)] });
  });
});
