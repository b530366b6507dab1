// The Engine in Kafka mode survives its instances: every instance is stopped, and a new one
// with the same service id comes back with the catalog (from the command topic), the queries'
// positions (from their consumer groups) and their state (from the changelog topics), whether
// its local state directory is fresh, behind, or current. Pull queries answer as before, and
// new input carries on from there: nothing counted twice, nothing lost.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { changelogTopic } from '../../runtime/engine/state/kafka-storage.js';
import { localFileName } from '../../runtime/engine/state/local-database.js';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import type { LogRecord } from '../../runtime/log/log.js';
import { kafkaSkipReason, reportSkipped, kafkaTestbed } from './broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const SERVICE = 'restart';
const CUSTOMERS = [
  ['alice', 'north'],
  ['bob', 'south'],
  ['carol', 'north'],
] as const;

let sequence = 0;

describe.skipIf(skip !== undefined)('Engine on Kafka: restarts', () => {
  const testbed = kafkaTestbed('sluice-kafka-engine-');
  const tempDir = testbed.tempDir;

  for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const) {
    it(`${guarantee}: a fresh, a stale and a current state directory all resume the committed state`, async () => {
      // Each run has topics and groups of its own on the shared broker.
      const namespace = `restart-${Date.now().toString(36)}-${sequence++}.`;
      const open = (dataDir: string): Engine =>
        new Engine({
          kafka: { brokers: testbed.cluster().brokers, namespace },
          serviceId: SERVICE,
          dataDir,
          properties: { 'auto.offset.reset': 'earliest', 'processing.guarantee': guarantee },
        });
      const orders: { customer: string; amount: number }[] = [];
      const insertOrders = async (engine: Engine, n: number): Promise<void> => {
        for (let i = 0; i < n; i++) {
          const order = { customer: CUSTOMERS[orders.length % CUSTOMERS.length]![0], amount: 10 + (orders.length % 7) };
          await engine.execute(`INSERT INTO orders (id, customer, amount) VALUES (${orders.length}, '${order.customer}', ${order.amount});`);
          orders.push(order);
        }
        await engine.drain();
      };
      /** What the tables must hold after `orders`: computed from the inputs, not remembered. */
      const expectedTotals = () =>
        CUSTOMERS.map(([c]) => {
          const mine = orders.filter((o) => o.customer === c);
          return [c, BigInt(mine.length), mine.reduce((a, o) => a + o.amount, 0)];
        }).filter((r) => r[1] !== 0n);
      const expectedRegions = () =>
        [...new Set(CUSTOMERS.map(([, r]) => r))].sort().map((region) => {
          const mine = orders.filter((o) => CUSTOMERS.find(([c]) => c === o.customer)![1] === region);
          return [region, BigInt(mine.length), mine.reduce((a, o) => a + o.amount, 0)];
        });
      const pull = async (engine: Engine, sql: string): Promise<unknown[][]> => {
        const [result] = await engine.execute(sql);
        if (result?.type !== 'rows') throw new Error(`not rows: ${result?.type}`);
        return [...result.rows].map((r) => [...r]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      };
      const state = async (engine: Engine) => ({
        totals: await pull(engine, 'SELECT customer, n, total FROM totals;'),
        regions: await pull(engine, 'SELECT region, n, total FROM by_region;'),
        customers: await pull(engine, 'SELECT customer, region FROM customers;'),
      });
      const expectedState = () => ({
        totals: expectedTotals(),
        regions: expectedRegions(),
        customers: CUSTOMERS.map(([c, r]) => [c, r]),
      });
      /** Every enriched order the stream holds, as its consumers see it. */
      const enriched = async (engine: Engine): Promise<string[]> => {
        const log = await engine.log();
        const out: LogRecord[] = [];
        for (let p = 0; p < 2; p++) {
          for (let offset = 0; ; ) {
            const { records, next } = await log.read('ENRICHED', p, offset, 1000);
            if (records.length === 0) break;
            out.push(...records);
            offset = next;
          }
        }
        return out.map((r) => r.key!.toString());
      };

      const first = tempDir();
      const a = open(first);
      try {
        await a.execute(`
          CREATE STREAM orders (id INT KEY, customer STRING, amount INT) WITH (kafka_topic='orders', partitions=2, value_format='JSON');
          CREATE TABLE customers (customer STRING PRIMARY KEY, region STRING) WITH (kafka_topic='customers', partitions=2, value_format='JSON');
          CREATE TABLE totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer;
          CREATE STREAM enriched AS SELECT o.id AS id, o.customer AS customer, c.region AS region, o.amount AS amount
            FROM orders o JOIN customers c ON o.customer = c.customer PARTITION BY o.id;
          CREATE TABLE by_region AS SELECT c.region AS region, COUNT(*) AS n, SUM(o.amount) AS total
            FROM orders o JOIN customers c ON o.customer = c.customer GROUP BY c.region;`);
        for (const [c, r] of CUSTOMERS) await a.execute(`INSERT INTO customers (customer, region) VALUES ('${c}', '${r}');`);
        await a.drain();
        await insertOrders(a, 12);
        expect(await state(a)).toEqual(expectedState());
        expect((await enriched(a)).length).toBe(orders.length);
      } finally {
        await a.close();
      }
      expect(fs.existsSync(path.join(first, localFileName(SERVICE)))).toBe(true);

      // A fresh directory: the state comes back from the changelogs alone.
      const b = open(tempDir());
      try {
        expect(await state(b)).toEqual(expectedState());
        expect(b.queries().map((q) => q.id).sort()).toEqual(['CSAS_ENRICHED_1', 'CTAS_BY_REGION_2', 'CTAS_TOTALS_0']);
        await insertOrders(b, 9);
        expect(await state(b)).toEqual(expectedState());
      } finally {
        await b.close();
      }

      // The first directory, now behind: it replays only what it lacks.
      const c = open(first);
      try {
        expect(await state(c)).toEqual(expectedState());
        await insertOrders(c, 5);
        expect(await state(c)).toEqual(expectedState());
      } finally {
        await c.close();
      }

      // The same directory again, current: nothing to replay, and still the same answers.
      const d = open(first);
      try {
        expect(await state(d)).toEqual(expectedState());
        await insertOrders(d, 4);
        expect(await state(d)).toEqual(expectedState());
        // Each order was enriched exactly once, across all four instances.
        const keys = await enriched(d);
        if (guarantee === 'exactly_once_v2') expect(keys.length).toBe(orders.length);
        expect(new Set(keys).size).toBe(orders.length);
      } finally {
        await d.close();
      }

      // A changelog record past the committed bound is what a batch leaves when it crashes
      // before its commit completes: a restore must not apply it (here, deleting alice).
      const other = await KafkaLog.connect({ brokers: testbed.cluster().brokers, namespace });
      try {
        const topic = changelogTopic(`_sluice_${SERVICE}_query_CTAS_TOTALS_0`, 'Materialize');
        await other.produce(topic, [{ partition: 0, timestamp: Date.now(), key: Buffer.from('["alice"]'), value: null }]);
      } finally {
        await other.close();
      }
      const e = open(tempDir());
      try {
        expect(await state(e)).toEqual(expectedState());
      } finally {
        await e.close();
      }
    });
  }
});
