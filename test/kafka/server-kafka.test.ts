// `sluice server` on an engine in Kafka mode, over a real socket: /metrics measures each
// query's lag on the consumer group it really commits to (`_sluice_<serviceId>_query_<id>`),
// /info reports the service id and the broker's own cluster id, /healthcheck finds the
// service's command topic, and the state-size gauges count the rows of the stores and
// materialised tables in the instance's local state file.
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
/** For the state-size gauges: an aggregation's stores and two materialised tables. */
const STATE_DDL =
  "CREATE STREAM clicks (user_id INT KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=2);" +
  'CREATE TABLE pages AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id;' +
  "CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='users', value_format='JSON', partitions=2);";

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
    expect((await c.call('POST', '/ksql', { ksql: STATE_DDL })).status).toBe(200);
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

  it('counts the rows of each state store and materialised table in the local state file', async () => {
    const clicks = [1, 2, 3, 1, 4, 2, 1].map((user, i) => `INSERT INTO clicks (user_id, page) VALUES (${user}, 'p${i}');`);
    const users = [10, 11, 12].map((id) => `INSERT INTO users (id, name) VALUES (${id}, 'u${id}');`);
    expect((await c.call('POST', '/ksql', { ksql: [...clicks, ...users].join('') })).status).toBe(200);
    await engine.drain();

    const m = await c.call('GET', '/metrics');
    expect(m.status).toBe(200);
    const value = (re: RegExp): number | undefined => {
      const line = new RegExp(`^${re.source} (\\S+)$`, 'm').exec(m.text);
      return line ? Number(line[1]) : undefined;
    };
    const id = engine.queries().find((q) => q.sinks.includes('PAGES'))!.id;
    // One aggregate per distinct user, in the store and in the table a pull query reads.
    expect(value(/sluice_materialized_table_rows\{table="PAGES"\}/)).toBe(4);
    expect(value(/sluice_materialized_table_rows\{table="USERS"\}/)).toBe(3);
    // The aggregation's stores (one per task the instance runs, here all of them) are the
    // query's own: named after its consumer group, as their changelogs are.
    const groups = new RegExp(`^sluice_state_store_rows\\{store="state__sluice_${SERVICE}_query_${id}_groups(?:_t\\d+)?",query_id="${id}"\\} (\\S+)$`, 'gm');
    const stores = [...m.text.matchAll(groups)].map((line) => Number(line[1]));
    expect(stores.length).toBeGreaterThan(0);
    expect(stores.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
