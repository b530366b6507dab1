// Kafka mode, two instances of one service: a GROUP BY on a non-key column and a stream-table
// join on a non-key column go through internal repartition topics, so their tasks are shared
// between the instances instead of running as one. Every group ends up on exactly one
// instance with its whole count, and the join's sink holds every joined record exactly once.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { kafkaSkipReason, kafkaTestbed, reportSkipped } from '../kafka/broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const PARTITIONS = 4;
const PAGES = 12;

describe.skipIf(skip !== undefined)('Kafka mode: re-keying queries shared by two instances through repartition topics', () => {
  const testbed = kafkaTestbed('sluice-kafka-repartition-');

  it('splits the stages’ tasks between the instances, with every result once', async () => {
    const namespace = `repartition-${Date.now().toString(36)}.`;
    const open = (url: string): Engine =>
      new Engine({
        kafka: { brokers: testbed.cluster().brokers, namespace },
        serviceId: 'rekey',
        memory: true,
        advertisedUrl: url,
        properties: { 'auto.offset.reset': 'earliest', 'processing.guarantee': 'exactly_once_v2' },
      });
    const a = open('http://a.invalid');
    let b: Engine | undefined;
    try {
      await a.execute(`
        CREATE STREAM clicks (user INT KEY, page STRING) WITH (kafka_topic='clicks', partitions=${PARTITIONS}, value_format='JSON');
        CREATE TABLE pages (url STRING PRIMARY KEY, owner STRING) WITH (kafka_topic='pages', partitions=${PARTITIONS}, value_format='JSON');
        CREATE TABLE per_page AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;
        CREATE STREAM owned AS SELECT c.page AS page, c.user AS user, p.owner AS owner FROM clicks c JOIN pages p ON c.page = p.url;`);
      // B starts after: it reads the catalog from the command topic and joins every stage's group.
      const other = (b = open('http://b.invalid'));
      await other.drain();
      const log = await a.log();
      const internal = (await log.listTopics()).filter((t) => t.name.endsWith('-repartition')).map((t) => [t.name, t.partitions]);
      expect(internal.sort()).toEqual([
        ['_sluice_rekey_query_CSAS_OWNED_1-Join-left-repartition', PARTITIONS],
        ['_sluice_rekey_query_CTAS_PER_PAGE_0-Aggregate-GroupBy-repartition', PARTITIONS],
      ]);

      await a.execute(Array.from({ length: PAGES }, (_, p) => `INSERT INTO pages (url, owner) VALUES ('/p${p}', 'o${p % 3}');`).join('\n'));
      await a.drain();
      await other.drain();
      const counts = new Map<string, number>();
      let clicks = 0;
      for (let round = 0; round < 3; round++) {
        const values: string[] = [];
        for (let user = 0; user < 16; user++) {
          const page = `/p${(user * 5 + round) % PAGES}`;
          values.push(`INSERT INTO clicks (user, page) VALUES (${user}, '${page}');`);
          counts.set(page, (counts.get(page) ?? 0) + 1);
          clicks++;
        }
        await a.execute(values.join('\n'));
      }

      const rows = async (engine: Engine): Promise<Map<string, number>> => {
        const [result] = await engine.execute('SELECT page, n FROM per_page;');
        if (result?.type !== 'rows') throw new Error(`not rows: ${result?.type}`);
        return new Map(result.rows.map((r) => [String(r[0]), Number(r[1])]));
      };
      const sinkRecords = async (): Promise<string[]> => {
        const out: string[] = [];
        for (let p = 0; p < PARTITIONS; p++) {
          for (let offset = 0; ; ) {
            const { records, next } = await log.read('OWNED', p, offset, 1000);
            out.push(...records.map((r) => `${r.key?.toString()} ${r.value?.toString()}`));
            if (records.length === 0 || next === offset) break;
            offset = next;
          }
        }
        return out;
      };
      let ra = new Map<string, number>();
      let rb = new Map<string, number>();
      let owned: string[] = [];
      for (let i = 0; i < 300; i++) {
        await a.drain();
        await other.drain();
        [ra, rb, owned] = [await rows(a), await rows(other), await sinkRecords()];
        const all = new Map([...ra, ...rb]);
        const disjoint = [...ra.keys()].every((k) => !rb.has(k));
        if (disjoint && [...counts].every(([page, n]) => all.get(page) === n) && owned.length >= clicks) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Each page's count on exactly one instance, and both instances hold some.
      expect([...ra.keys()].filter((k) => rb.has(k))).toEqual([]);
      expect(new Map([...ra, ...rb])).toEqual(counts);
      expect(ra.size).toBeGreaterThan(0);
      expect(rb.size).toBeGreaterThan(0);
      // The aggregation's tasks are the internal topic's partitions, shared out.
      const own = await a.queryOwnership('PER_PAGE');
      expect(own?.owners.size).toBe(PARTITIONS);
      expect(new Set(own!.owners.values())).toEqual(new Set(['http://a.invalid', 'http://b.invalid']));
      expect(own!.keySource.topic).toBe('_sluice_rekey_query_CTAS_PER_PAGE_0-Aggregate-GroupBy-repartition');
      // Every click joined once (exactly_once_v2), with its page's owner.
      expect(owned.length).toBe(clicks);
      for (const rec of owned) {
        const [page, value] = [rec.slice(0, rec.indexOf(' ')), JSON.parse(rec.slice(rec.indexOf(' ') + 1)) as { OWNER: string }];
        expect(value.OWNER).toBe(`o${Number(page.slice(2)) % 3}`);
      }
      // One query each, whatever its stages.
      expect(a.queries().map((q) => q.id)).toEqual(['CTAS_PER_PAGE_0', 'CSAS_OWNED_1']);
    } finally {
      await b?.close().catch(() => undefined);
      await a.close();
    }
  }, 180_000);
});
