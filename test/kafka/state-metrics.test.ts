// `sluice server` in Kafka mode, over a real socket: /metrics counts the rows of the state
// stores and materialised tables kept in the instance's local SQLite state file, as it does
// for the embedded log's file (test/server/endpoints.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { Engine } from '../../runtime/engine/engine.js';
import { client, type Client } from '../server/client.js';
import { kafkaSkipReason, reportSkipped, sharedCluster } from './broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const SERVICE = 'statemetrics';
const DDL =
  "CREATE STREAM clicks (user_id INT KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=2);" +
  'CREATE TABLE pages AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id;' +
  "CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (kafka_topic='users', value_format='JSON', partitions=2);";

describe.skipIf(skip !== undefined)('sluice server on Kafka: /metrics state sizes', () => {
  let engine: Engine;
  let server: RunningServer;
  let c: Client;

  beforeAll(async () => {
    const cluster = await sharedCluster();
    engine = new Engine({
      kafka: { brokers: cluster.brokers, namespace: `state-metrics-${Date.now().toString(36)}.` },
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
