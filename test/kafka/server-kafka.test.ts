// `sluice server` on an engine in Kafka mode, over a real socket: /metrics measures each
// query's lag on the consumer group it really commits to (`_sluice_<serviceId>_query_<id>`),
// /info reports the service id and the broker's own cluster id, /healthcheck finds the
// service's command topic.
//
// Lag is made deterministic without racing the query: its sink topic is deleted from under
// it, so no commit of its (outputs and input positions go together) can land while new input
// arrives; once the topic is back, draining lets it catch up.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { Engine } from '../../runtime/engine/engine.js';
import { lagProbe, LAG_DDL as DDL } from '../server/lag-probe.js';
import { client, type Client } from '../server/client.js';
import { kafkaSkipReason, reportSkipped, sharedCluster, type KafkaCluster } from './broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const SERVICE = 'metrics';

describe.skipIf(skip !== undefined)('sluice server on Kafka: /metrics and /info', () => {
  let cluster: KafkaCluster;
  let engine: Engine;
  let server: RunningServer;
  let c: Client;

  beforeAll(async () => {
    cluster = await sharedCluster();
    // A namespace of its own keeps this file's topics and groups apart on the shared broker.
    const namespace = `server-${Date.now().toString(36)}.`;
    engine = new Engine({
      kafka: { brokers: cluster.brokers, namespace },
      serviceId: SERVICE,
      memory: true,
      properties: { 'auto.offset.reset': 'earliest' },
    });
    server = await startServer({ engine, port: 0 });
    c = client(server.url, 'http1');
    expect((await c.call('POST', '/ksql', { ksql: DDL })).status).toBe(200);
  });

  afterAll(async () => {
    c?.close();
    await server?.close();
    await engine?.close();
  });

  const lagOf = (queryId: string) => lagProbe(c).lagOf(queryId);
  const insert = (from: number, n: number) => lagProbe(c).insert(from, n);

  it('/metrics lag counts what the query’s own group has not committed, then goes to 0', async () => {
    const id = engine.queries()[0]!.id;
    const [positions] = await engine.queryPositions();
    expect(positions!.groupId).toBe(`_sluice_${SERVICE}_query_${id}`);
    await insert(0, 5);
    await engine.drain();
    expect(await lagOf(id)).toBe(0);

    const log = await engine.log();
    await log.deleteTopic('high');
    await insert(100, 7);
    expect(await lagOf(id)).toBe(7);

    await log.createTopic('high', { partitions: 2, replicas: 1 });
    await engine.drain();
    expect(await lagOf(id)).toBe(0);
    const [rows] = await engine.execute('SELECT * FROM high;');
    expect(rows?.type === 'rows' ? rows.rows.length : -1).toBe(7);
  });

  it('/info reports the service id and the cluster’s id; /healthcheck finds the command topic', async () => {
    // The id the broker's storage was formatted with, read from its own files.
    const meta = fs.readFileSync(path.join(cluster.dir, 'node-1', 'data', 'meta.properties'), 'utf8');
    const clusterId = /^cluster\.id=(.+)$/m.exec(meta)![1]!.trim();
    const info = await c.call('GET', '/info');
    expect(info.status).toBe(200);
    expect(info.json).toEqual({ KsqlServerInfo: { version: expect.any(String), kafkaClusterId: clusterId, ksqlServiceId: `${SERVICE}_`, serverStatus: 'RUNNING' } });
    const health = await c.call('GET', '/healthcheck');
    expect(health.json).toMatchObject({ isHealthy: true, details: { kafka: { isHealthy: true } } });
    expect(health.status).toBe(200);
  });
});
