// Two Engines of one service in Kafka mode share a query's tasks: each runs some partition
// numbers, its materialised table holds only those tasks' rows, and together they hold every
// key once with the right count. When one leaves, the other takes its tasks over, restores
// their state from the changelog, and counts on from there.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { kafkaSkipReason, reportSkipped, kafkaTestbed } from './broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const PARTITIONS = 6;
const KEYS = 24;

describe.skipIf(skip !== undefined)('Kafka mode: a query’s tasks shared by two instances', () => {
  const testbed = kafkaTestbed('sluice-kafka-tasks-');

  it('splits the tasks, holds each key on one instance, and takes over on leave', async () => {
    const namespace = `tasks-${Date.now().toString(36)}.`;
    const open = (url: string): Engine =>
      new Engine({
        kafka: { brokers: testbed.cluster().brokers, namespace },
        serviceId: 'tasks',
        memory: true,
        advertisedUrl: url,
        properties: { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' },
      });
    const a = open('http://a.invalid');
    const b = open('http://b.invalid');
    try {
      await a.execute(`CREATE STREAM clicks (user INT KEY, page STRING) WITH (kafka_topic='clicks', partitions=${PARTITIONS}, value_format='JSON');`);
      await a.execute('CREATE TABLE per_user AS SELECT user, COUNT(*) AS n FROM clicks GROUP BY user;');
      // B starts after: it reads the catalog from the command topic and joins the query's group.
      await b.drain();
      const counts = new Map<number, number>();
      const insert = async (rounds: number): Promise<void> => {
        for (let r = 0; r < rounds; r++) {
          const values = Array.from({ length: KEYS }, (_, u) => `INSERT INTO clicks (user, page) VALUES (${u}, '/p${r}');`);
          await a.execute(values.join('\n'));
          for (let u = 0; u < KEYS; u++) counts.set(u, (counts.get(u) ?? 0) + 1);
        }
      };
      const rows = async (engine: Engine): Promise<Map<number, number>> => {
        const [result] = await engine.execute('SELECT user, n FROM per_user;');
        if (result?.type !== 'rows') throw new Error(`not rows: ${result?.type}`);
        return new Map(result.rows.map((r) => [Number(r[0]), Number(r[1])]));
      };
      const settle = async (want: (a: Map<number, number>, b: Map<number, number> | undefined) => boolean, withB: boolean) => {
        for (let i = 0; i < 200; i++) {
          await a.drain();
          if (withB) await b.drain();
          const [ra, rb] = [await rows(a), withB ? await rows(b) : undefined];
          if (want(ra, rb)) return { ra, rb };
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the instances never settled');
      };

      await insert(3);
      // While a rebalance moves tasks, an instance may still hold rows of a task it is giving
      // up: wait for every key on exactly one instance, with its whole count.
      const complete = (ra: Map<number, number>, rb: Map<number, number> | undefined): boolean => {
        const all = new Map([...ra, ...(rb ?? [])]);
        const disjoint = [...ra.keys()].every((k) => !rb?.has(k));
        return disjoint && [...counts].every(([u, n]) => all.get(u) === n);
      };
      const split = await settle(complete, true);
      const ownA = await a.queryOwnership('PER_USER');
      const ownB = await b.queryOwnership('PER_USER');
      // Both saw the same generation's map: every task has one owner, and each runs some.
      expect(ownA?.owners.size).toBe(PARTITIONS);
      expect([...ownA!.owners]).toEqual([...ownB!.owners]);
      expect(ownA!.local.size).toBeGreaterThan(0);
      expect(ownB!.local.size).toBeGreaterThan(0);
      expect(ownA!.local.size + ownB!.local.size).toBe(PARTITIONS);
      for (const t of ownA!.local) expect(ownA!.owners.get(t)).toBe('http://a.invalid');
      // Each key on exactly one instance, with its whole count.
      const keysA = [...split.ra.keys()];
      const keysB = [...split.rb!.keys()];
      expect(keysA.filter((k) => split.rb!.has(k))).toEqual([]);
      expect(keysA.length + keysB.length).toBe(KEYS);

      // B leaves: A takes every task over, restores B's share from the changelog, counts on.
      await b.close();
      await insert(2);
      const after = await settle((ra) => complete(ra, undefined), false);
      expect(after.ra.size).toBe(KEYS);
      for (const [u, n] of counts) expect(after.ra.get(u)).toBe(n);
      expect((await a.queryOwnership('PER_USER'))!.local.size).toBe(PARTITIONS);
    } finally {
      await b.close().catch(() => undefined);
      await a.close();
    }
  }, 120_000);
});
