// /metrics consumer lag and /info, embedded. Lag must be measured deterministically, without
// racing the query's loop: the query's sink topic is deleted from under it, so none of its
// commits can succeed (outputs and input positions commit together) and its committed
// positions stay exactly where they were while new input arrives. Once the topic is back,
// draining the engine lets it catch up, and the lag must be 0.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { lagProbe, LAG_DDL as DDL } from './lag-probe.js';
import { client, type Client } from './client.js';


describe('/metrics consumer lag, embedded', () => {
  let engine: Engine;
  let server: RunningServer;
  let c: Client;

  beforeAll(async () => {
    engine = new Engine({ memory: true, properties: { 'auto.offset.reset': 'earliest' } });
    server = await startServer({ engine, port: 0 });
    c = client(server.url, 'http1');
    expect((await c.call('POST', '/ksql', { ksql: DDL })).status).toBe(200);
  });

  afterAll(async () => {
    c.close();
    await server.close();
    await engine.close();
  });

  const lagOf = (queryId: string) => lagProbe(c).lagOf(queryId);
  const insert = (from: number, n: number) => lagProbe(c).insert(from, n);

  it('counts input the query has not committed, and goes to 0 once it catches up', async () => {
    const id = engine.queries()[0]!.id;
    await insert(0, 5);
    await engine.drain();
    expect(await lagOf(id)).toBe(0);

    const log = await engine.log();
    await log.deleteTopic('high');
    await insert(100, 7);
    // However often the query has tried since, none of its commits could land.
    expect(await lagOf(id)).toBe(7);
    // The engine's own view agrees, partition by partition.
    const [positions] = await engine.queryPositions();
    expect(positions!.id).toBe(id);
    expect(positions!.partitions.map((p) => p.topic)).toEqual(['readings', 'readings']);
    expect(positions!.partitions.reduce((n, p) => n + (p.end - p.committed!), 0)).toBe(7);

    await log.createTopic('high', { partitions: 2 });
    await engine.drain();
    expect(await lagOf(id)).toBe(0);
    // Caught up for real: every reading above 10 reached the sink after the topic came back.
    const [rows] = await engine.execute('SELECT * FROM high;');
    expect(rows?.type === 'rows' ? rows.rows.length : -1).toBe(7);
  });

  it('/info reports the default service id the ksqlDB way, and the embedded cluster', async () => {
    const info = await c.call('GET', '/info');
    expect(info.json).toEqual({
      KsqlServerInfo: { version: expect.any(String), kafkaClusterId: 'sluice-embedded', ksqlServiceId: 'default_', serverStatus: 'RUNNING' },
    });
  });
});
