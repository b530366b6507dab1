// Two instances of one service (Kafka mode, same service id, local state of their own) share
// one catalog through the command topic while they run: what one runs, the other applies, in
// order and with the same query ids; neither applies its own commands a second time; and a
// command that fails on the follower is reported and skipped without stopping it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import type { LogRecord } from '../../runtime/log/log.js';
import { kafkaSkipReason, kafkaTestbed, reportSkipped } from './broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const SERVICE = 'follow';
let sequence = 0;

describe.skipIf(skip !== undefined)('Engine on Kafka: instances follow the command topic', () => {
  const testbed = kafkaTestbed('sluice-kafka-follower-');
  const engines: Engine[] = [];

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const e of engines.splice(0)) await e.close();
  });

  /** Opens instances of one service, on a namespace of this test's own. */
  const service = (): (() => Engine) => {
    const namespace = `follow-${Date.now().toString(36)}-${sequence++}.`;
    return () => {
      const e = new Engine({
        kafka: { brokers: testbed.cluster().brokers, namespace },
        serviceId: SERVICE,
        memory: true,
        properties: { 'auto.offset.reset': 'earliest' },
      });
      engines.push(e);
      return e;
    };
  };
  const names = (e: Engine): string[] => e.sources().map((s) => s.name).filter((n) => !n.startsWith('SLUICE_')).sort();
  const ids = (e: Engine): string[] => e.queries().map((q) => q.id).sort();
  /** Every record of a topic, all partitions. */
  const readAll = async (e: Engine, topic: string): Promise<LogRecord[]> => {
    const log = await e.log();
    const out: LogRecord[] = [];
    const partitions = (await log.describeTopic(topic))?.partitions ?? 0;
    for (let p = 0; p < partitions; p++) {
      for (let offset = 0; ; ) {
        const { records, next } = await log.read(topic, p, offset, 1000);
        if (records.length === 0) break;
        out.push(...records);
        offset = next;
      }
    }
    return out;
  };
  const synced = async (...es: Engine[]): Promise<void> => {
    for (const e of es) await e.commandsApplied();
  };

  it('DDL and persistent queries run on one instance appear on the other, once, with the same ids', async () => {
    const open = service();
    const [a, b] = [open(), open()];
    await synced(a, b);
    await a.execute(`
      CREATE STREAM clicks (id INT KEY, page STRING, n INT) WITH (kafka_topic='clicks', partitions=2, value_format='JSON');
      CREATE TABLE pages (page STRING PRIMARY KEY, title STRING) WITH (kafka_topic='pages', partitions=2, value_format='JSON');
      CREATE STREAM big AS SELECT * FROM clicks WHERE n > 1;`);
    await synced(b);
    expect(names(b)).toEqual(['BIG', 'CLICKS', 'PAGES']);
    expect(ids(b)).toEqual(['CSAS_BIG_0']);
    expect(b.queries()[0]!.sql).toBe(a.queries()[0]!.sql);
    expect(b.source('BIG')?.columns.map((c) => c.name)).toEqual(a.source('BIG')?.columns.map((c) => c.name));

    // The followed query runs on B: the two instances share its two tasks, and between them
    // the sink gets every match once.
    await a.execute(Array.from({ length: 10 }, (_, i) => `INSERT INTO clicks (id, page, n) VALUES (${i}, 'p${i}', ${i % 4});`).join(''));
    await a.drain();
    await b.drain();
    const ns = (values: number[]) => values.sort((x, y) => x - y);
    const expected = ns(Array.from({ length: 10 }, (_, i) => i % 4).filter((n) => n > 1));
    expect(ns((await readAll(a, 'BIG')).map((r) => Number(JSON.parse(r.value!.toString()).N)))).toEqual(expected);
    const processed = (e: Engine) => e.queryStats().find((q) => q.id === 'CSAS_BIG_0')!.processed;
    expect(processed(a)).toBeGreaterThan(0);
    expect(processed(b)).toBeGreaterThan(0);

    // B numbers its own next query after the one it followed, and A follows it with that id.
    await b.execute('CREATE STREAM small AS SELECT * FROM clicks WHERE n <= 1;');
    expect(ids(b)).toEqual(['CSAS_BIG_0', 'CSAS_SMALL_1']);
    await synced(a, b);
    expect(ids(a)).toEqual(['CSAS_BIG_0', 'CSAS_SMALL_1']);
    expect(names(a)).toEqual(['BIG', 'CLICKS', 'PAGES', 'SMALL']);
    expect(a.queries().every((q) => q.state === 'RUNNING')).toBe(true);

    // Each passed over its own commands and applied the other's: nothing twice, nothing failed.
    expect(a.commandStats()).toEqual({ own: 3, applied: 1, skipped: 0 });
    expect(b.commandStats()).toEqual({ own: 1, applied: 3, skipped: 0 });

    // TERMINATE and DROP run on A stop the query and drop the source on B.
    await a.execute('TERMINATE CSAS_BIG_0; DROP STREAM big;');
    await synced(b);
    expect(ids(b)).toEqual(['CSAS_SMALL_1']);
    expect(names(b)).toEqual(['CLICKS', 'PAGES', 'SMALL']);
    expect(b.commandStats()).toEqual({ own: 1, applied: 5, skipped: 0 });
    // The last instance to leave the query's group deleted it: its positions are gone.
    expect(await (await a.log()).committed(`_sluice_${SERVICE}_query_CSAS_BIG_0`)).toEqual([]);
  });

  it('a command that fails here is reported and skipped, by the follower and by a later start alike', async () => {
    const open = service();
    const a = open();
    await a.execute(`CREATE STREAM clicks (id INT KEY, page STRING, n INT) WITH (kafka_topic='clicks', partitions=1, value_format='JSON');`);
    // A statement that fails where it is applied (the stream exists: two instances created it
    // at once), and a record that is no command at all, as a foreign writer could leave it.
    const log = await a.log();
    const topic = await a.commandTopic();
    const record = (value: string) => ({ partition: 0, timestamp: Date.now(), key: null, value: Buffer.from(value) });
    const duplicate = "CREATE STREAM clicks (id INT KEY, v STRING) WITH (kafka_topic='clicks', value_format='JSON')";
    // Listening before they are written: A’s follower reads them at once.
    const reports: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      reports.push(String(chunk));
      return true;
    });
    await log.produce(topic, [record('not json'), record(JSON.stringify({ sql: duplicate, properties: {} }))]);

    await synced(a);
    expect(a.commandStats()).toEqual({ own: 1, applied: 0, skipped: 2 });
    expect(reports.filter((r) => r.includes(topic))).toHaveLength(2);
    expect(reports.filter((r) => r.includes('failed here and was skipped') && r.includes(duplicate))).toHaveLength(1);
    // The one that failed changed nothing.
    expect(a.source('CLICKS')?.columns.map((c) => c.name)).toEqual(['ID', 'PAGE', 'N']);

    // An instance started now replays the topic, skipping the same two, and then follows it.
    const b = open();
    await synced(b);
    expect(reports.filter((r) => r.includes(topic))).toHaveLength(4);
    expect(names(b)).toEqual(['CLICKS']);
    expect(b.source('CLICKS')?.columns.map((c) => c.name)).toEqual(['ID', 'PAGE', 'N']);
    await a.execute('CREATE STREAM big AS SELECT * FROM clicks WHERE n > 1;');
    await synced(b);
    expect(ids(b)).toEqual(['CSAS_BIG_0']);
    expect(b.commandStats()).toEqual({ own: 0, applied: 1, skipped: 0 });
  });
});
