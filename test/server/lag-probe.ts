// What the /metrics lag tests (embedded: metrics-lag.test.ts, Kafka: test/kafka/server-kafka.test.ts)
// share: one input stream and a filter over it, a reader of a query's lag line, and an inserter.

import { expect } from 'vitest';
import type { Client } from './client.js';

export const LAG_DDL =
  "CREATE STREAM readings (id INT KEY, v INT) WITH (kafka_topic='readings', value_format='JSON', partitions=2);" +
  "CREATE STREAM high WITH (kafka_topic='high', partitions=2) AS SELECT id, v FROM readings WHERE v > 10;";

export function lagProbe(c: Client) {
  return {
    /** The query's `sluice_query_consumer_lag` value as /metrics serves it. */
    lagOf: async (queryId: string): Promise<number> => {
      const m = await c.call('GET', '/metrics');
      expect(m.status).toBe(200);
      const line = new RegExp(`^sluice_query_consumer_lag\\{query_id="${queryId}"\\} (\\S+)$`, 'm').exec(m.text);
      expect(line, `no lag line for ${queryId}`).not.toBeNull();
      return Number(line![1]);
    },
    /** Inserts readings from..from+n-1 (id = v) over /ksql. */
    insert: async (from: number, n: number): Promise<void> => {
      const values = Array.from({ length: n }, (_, i) => `INSERT INTO readings (id, v) VALUES (${from + i}, ${from + i});`).join('');
      expect((await c.call('POST', '/ksql', { ksql: values })).status).toBe(200);
    },
  };
}
