// The Log contract: one suite that every Log implementation (embedded SQLite, Kafka) must
// pass. Topic and group names are unique per run so the suite can share a long-lived broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TopicExistsError,
  UnknownTopicError,
  type Header,
  type Log,
  type LogRecord,
  type ProducerRecord,
} from '../../runtime/log/log.js';
import { RoundRobinCounter, partitionFor } from '../../runtime/log/partitioner.js';

let sequence = 0;
const unique = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${sequence++}`;
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');
const T0 = 1_700_000_000_000;

/** What a fetched record must equal, given what was produced (headers default to none). */
const expected = (topic: string, partition: number, offset: number, r: ProducerRecord) => ({
  topic,
  partition,
  offset,
  timestamp: r.timestamp,
  key: r.key,
  value: r.value,
  headers: r.headers ?? [],
});

const fetchAll = async (log: Log, topic: string, partition: number): Promise<LogRecord[]> => {
  const out: LogRecord[] = [];
  for (let offset = await log.startOffset(topic, partition); ; ) {
    const batch = await log.fetch(topic, partition, offset, 1000);
    if (batch.length === 0) return out;
    out.push(...batch);
    offset = batch[batch.length - 1]!.offset + 1;
  }
};

export function logContract(
  name: string,
  makeLog: () => Promise<Log>,
  cleanup?: () => Promise<void>,
): void {
  describe(`Log contract: ${name}`, () => {
    let log: Log;
    beforeAll(async () => {
      log = await makeLog();
    });
    afterAll(async () => {
      await log.close();
      await cleanup?.();
    });

    describe('topics', () => {
      it('creates, describes, lists and deletes a topic', async () => {
        const topic = unique('topics');
        expect(await log.describeTopic(topic)).toBeUndefined();
        await log.createTopic(topic, { partitions: 3 });
        expect(await log.describeTopic(topic)).toEqual({
          name: topic,
          partitions: 3,
          replicas: 1,
          cleanupPolicy: 'delete',
        });
        expect((await log.listTopics()).map((t) => t.name)).toContain(topic);
        await log.deleteTopic(topic);
        expect(await log.describeTopic(topic)).toBeUndefined();
        expect((await log.listTopics()).map((t) => t.name)).not.toContain(topic);
      });

      it('reports retention and cleanup policy', async () => {
        const topic = unique('config');
        await log.createTopic(topic, { partitions: 1, retentionMs: 60_000, cleanupPolicy: 'compact' });
        expect(await log.describeTopic(topic)).toMatchObject({ retentionMs: 60_000, cleanupPolicy: 'compact' });
      });

      it('rejects a duplicate topic and an unknown one', async () => {
        const topic = unique('dup');
        await log.createTopic(topic, { partitions: 1 });
        await expect(log.createTopic(topic, { partitions: 1 })).rejects.toBeInstanceOf(TopicExistsError);
        const missing = unique('missing');
        await expect(log.deleteTopic(missing)).rejects.toBeInstanceOf(UnknownTopicError);
        await expect(log.produce(missing, [{ timestamp: T0, key: null, value: null }])).rejects.toBeInstanceOf(
          UnknownTopicError,
        );
        await expect(log.fetch(missing, 0, 0, 10)).rejects.toBeInstanceOf(UnknownTopicError);
        await expect(log.endOffset(missing, 0)).rejects.toBeInstanceOf(UnknownTopicError);
      });

      it('a recreated topic starts empty', async () => {
        const topic = unique('recreate');
        await log.createTopic(topic, { partitions: 1 });
        await log.produce(topic, [{ partition: 0, timestamp: T0, key: null, value: buf('old') }]);
        await log.deleteTopic(topic);
        await log.createTopic(topic, { partitions: 2 });
        expect(await log.describeTopic(topic)).toMatchObject({ partitions: 2 });
        expect(await log.endOffset(topic, 0)).toBe(0);
        expect(await log.fetch(topic, 0, 0, 10)).toEqual([]);
      });
    });

    describe('produce and fetch', () => {
      it('round-trips timestamps, keys, values and headers with dense offsets', async () => {
        const topic = unique('roundtrip');
        await log.createTopic(topic, { partitions: 1 });
        const headers: Header[] = [
          { key: 'h', value: buf('1') },
          { key: 'h', value: buf('2') }, // duplicates keep their order
          { key: 'empty', value: Buffer.alloc(0) },
          { key: 'absent', value: null },
          { key: 'ünï', value: Buffer.alloc(300, 9) },
        ];
        const records: ProducerRecord[] = [
          { partition: 0, timestamp: T0, key: buf('k1'), value: buf('v1'), headers },
          { partition: 0, timestamp: T0 - 5, key: null, value: buf('keyless') }, // out of order: kept as given
          { partition: 0, timestamp: T0 + 1, key: buf('tomb'), value: null },
          { partition: 0, timestamp: T0 + 2, key: Buffer.alloc(0), value: Buffer.alloc(0) },
          { partition: 0, timestamp: 0, key: null, value: null },
        ];
        const produced = await log.produce(topic, records);
        const want = records.map((r, i) => expected(topic, 0, i, r));
        expect(produced).toEqual(want);
        expect(await log.fetch(topic, 0, 0, 100)).toEqual(want);
        expect(await log.startOffset(topic, 0)).toBe(0);
        expect(await log.endOffset(topic, 0)).toBe(records.length);
      });

      it('distinguishes an empty key from a null key', async () => {
        const topic = unique('emptykey');
        await log.createTopic(topic, { partitions: 1 });
        await log.produce(topic, [
          { partition: 0, timestamp: T0, key: Buffer.alloc(0), value: null },
          { partition: 0, timestamp: T0, key: null, value: Buffer.alloc(0) },
        ]);
        const [a, b] = await log.fetch(topic, 0, 0, 10);
        expect(a!.key).toEqual(Buffer.alloc(0));
        expect(a!.value).toBeNull();
        expect(b!.key).toBeNull();
        expect(b!.value).toEqual(Buffer.alloc(0));
      });

      it('fetches from an offset, at most maxRecords, and nothing past the end', async () => {
        const topic = unique('ranges');
        await log.createTopic(topic, { partitions: 1 });
        const batch = (from: number, n: number): ProducerRecord[] =>
          Array.from({ length: n }, (_, i) => ({ partition: 0, timestamp: T0 + from + i, key: null, value: buf(`v${from + i}`) }));
        await log.produce(topic, batch(0, 10));
        const second = await log.produce(topic, batch(10, 5));
        expect(second.map((r) => r.offset)).toEqual([10, 11, 12, 13, 14]);
        const mid = await log.fetch(topic, 0, 4, 3);
        expect(mid.map((r) => r.offset)).toEqual([4, 5, 6]);
        expect(mid.map((r) => r.value!.toString())).toEqual(['v4', 'v5', 'v6']);
        const tail = await log.fetch(topic, 0, 12, 100);
        expect(tail.map((r) => r.offset)).toEqual([12, 13, 14]);
        expect(await log.fetch(topic, 0, 15, 100)).toEqual([]);
        expect(await log.endOffset(topic, 0)).toBe(15);
        const all = await fetchAll(log, topic, 0);
        expect(all.map((r) => r.timestamp)).toEqual(batch(0, 15).map((r) => r.timestamp));
      });

      it('read returns the records and where the next read starts', async () => {
        const topic = unique('read');
        await log.createTopic(topic, { partitions: 2 });
        await log.produce(
          topic,
          Array.from({ length: 5 }, (_, i) => ({ partition: 0, timestamp: T0 + i, key: null, value: buf(`r${i}`) })),
        );
        const first = await log.read(topic, 0, 0, 3);
        expect(first.records.map((r) => r.value!.toString())).toEqual(['r0', 'r1', 'r2']);
        expect(first.next).toBe(3);
        const rest = await log.read(topic, 0, first.next, 100);
        expect(rest.records.map((r) => r.offset)).toEqual([3, 4]);
        expect(rest.next).toBe(5);
        // At the end: nothing, and the position stays where it is (it has reached endOffset).
        expect(await log.read(topic, 0, 5, 100)).toEqual({ records: [], next: 5 });
        expect(await log.endOffset(topic, 0)).toBe(5);
        expect(await log.read(topic, 1, 0, 100)).toEqual({ records: [], next: 0 });
      });

      it('numbers offsets densely per partition', async () => {
        const topic = unique('perpartition');
        await log.createTopic(topic, { partitions: 3 });
        const produced = await log.produce(
          topic,
          [0, 2, 0, 0, 2].map((partition) => ({ partition, timestamp: T0, key: null, value: null })),
        );
        expect(produced.map((r) => [r.partition, r.offset])).toEqual([
          [0, 0],
          [2, 0],
          [0, 1],
          [0, 2],
          [2, 1],
        ]);
        expect([await log.endOffset(topic, 0), await log.endOffset(topic, 1), await log.endOffset(topic, 2)]).toEqual([3, 0, 2]);
      });

      it('partitions keyed records with murmur2 like Kafka', async () => {
        const topic = unique('murmur');
        await log.createTopic(topic, { partitions: 7 });
        const keys = Array.from({ length: 50 }, (_, i) => buf(`key-${i}`));
        const produced = await log.produce(
          topic,
          keys.map((key) => ({ timestamp: T0, key, value: null })),
        );
        const counter = new RoundRobinCounter(); // unused for keyed records
        expect(produced.map((r) => r.partition)).toEqual(keys.map((k) => partitionFor(k, 7, counter)));
        // Anchor: Kafka's murmur2("21") = -973932308, toPositive → 1173551340, % 7 = 3.
        const [anchor] = await log.produce(topic, [{ timestamp: T0, key: buf('21'), value: null }]);
        expect(anchor!.partition).toBe(3);
        const again = await log.produce(topic, [{ timestamp: T0, key: keys[3]!, value: null }]);
        expect(again[0]!.partition).toBe(produced[3]!.partition);
        for (const r of produced) {
          const [stored] = await log.fetch(topic, r.partition, r.offset, 1);
          expect(stored!.key).toEqual(r.key);
        }
      });

      it('spreads keyless records over the partitions', async () => {
        const topic = unique('keyless');
        await log.createTopic(topic, { partitions: 3 });
        const produced = await log.produce(
          topic,
          Array.from({ length: 12 }, () => ({ timestamp: T0, key: null, value: buf('x') })),
        );
        for (const r of produced) expect(r.partition).toBeGreaterThanOrEqual(0);
        for (const r of produced) expect(r.partition).toBeLessThan(3);
        const ends = await Promise.all([0, 1, 2].map((p) => log.endOffset(topic, p)));
        expect(ends.reduce((a, b) => a + b, 0)).toBe(12);
      });
    });

    describe('commit', () => {
      it('appends outputs and records positions together', async () => {
        const input = unique('in');
        const output = unique('out');
        const group = unique('group');
        await log.createTopic(input, { partitions: 2 });
        await log.createTopic(output, { partitions: 1 });
        expect(await log.committed(group)).toEqual([]);
        const appended = await log.commit({
          groupId: group,
          outputs: [{ topic: output, records: [{ partition: 0, timestamp: T0, key: buf('k'), value: buf('v') }] }],
          positions: [
            { topic: input, partition: 0, offset: 5 },
            { topic: input, partition: 1, offset: 7 },
          ],
        });
        expect(appended).toEqual([expected(output, 0, 0, { timestamp: T0, key: buf('k'), value: buf('v') })]);
        expect(await log.fetch(output, 0, 0, 10)).toEqual(appended);
        const sorted = async () => [...(await log.committed(group))].sort((a, b) => a.partition - b.partition);
        expect(await sorted()).toEqual([
          { topic: input, partition: 0, offset: 5 },
          { topic: input, partition: 1, offset: 7 },
        ]);
        // A later commit moves one position and leaves the other.
        await log.commit({ groupId: group, outputs: [], positions: [{ topic: input, partition: 1, offset: 9 }] });
        expect(await sorted()).toEqual([
          { topic: input, partition: 0, offset: 5 },
          { topic: input, partition: 1, offset: 9 },
        ]);
        expect(await log.committed(unique('other-group'))).toEqual([]);
        await log.deleteGroup(group);
        expect(await log.committed(group)).toEqual([]);
      });

      it('commits outputs to several topics with the returned offsets', async () => {
        const a = unique('multi-a');
        const b = unique('multi-b');
        await log.createTopic(a, { partitions: 1 });
        await log.createTopic(b, { partitions: 1 });
        await log.produce(a, [{ partition: 0, timestamp: T0, key: null, value: buf('first') }]);
        const appended = await log.commit({
          groupId: unique('group'),
          outputs: [
            { topic: a, records: [{ partition: 0, timestamp: T0 + 1, key: null, value: buf('a1') }] },
            { topic: b, records: [{ partition: 0, timestamp: T0 + 2, key: null, value: buf('b0') }] },
          ],
          positions: [],
        });
        expect(appended.map((r) => [r.topic, r.offset, r.value!.toString()])).toEqual([
          [a, 1, 'a1'],
          [b, 0, 'b0'],
        ]);
      });

      it('commits the end of the partitions written to outputPositions topics as positions', async () => {
        const input = unique('in');
        const changelog = unique('changelog');
        const output = unique('out');
        const group = unique('group');
        await log.createTopic(input, { partitions: 1 });
        await log.createTopic(changelog, { partitions: 2 });
        await log.createTopic(output, { partitions: 1 });
        await log.produce(changelog, [{ partition: 1, timestamp: T0, key: buf('old'), value: buf('x') }]);
        const record = (partition: number, v: string): ProducerRecord => ({ partition, timestamp: T0, key: buf(v), value: buf(v) });
        await log.commit({
          groupId: group,
          outputs: [
            { topic: output, records: [record(0, 'o')] },
            { topic: changelog, records: [record(1, 'a'), record(1, 'b')] },
          ],
          positions: [{ topic: input, partition: 0, offset: 4 }],
          outputPositions: [changelog],
        });
        const sorted = async () =>
          [...(await log.committed(group))].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
        // Partition 1 ends after the two records (offsets 1 and 2); partition 0 was not written.
        // The output topic, not listed, gets no position.
        expect(await sorted()).toEqual(
          [
            { topic: input, partition: 0, offset: 4 },
            { topic: changelog, partition: 1, offset: 3 },
          ].sort((a, b) => (a.topic < b.topic ? -1 : 1)),
        );
        await log.commit({
          groupId: group,
          outputs: [{ topic: changelog, records: [record(0, 'c')] }],
          positions: [{ topic: input, partition: 0, offset: 5 }],
          outputPositions: [changelog],
        });
        expect(await sorted()).toEqual(
          [
            { topic: input, partition: 0, offset: 5 },
            { topic: changelog, partition: 0, offset: 1 },
            { topic: changelog, partition: 1, offset: 3 },
          ].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)),
        );
      });

      it('writes nothing when an output topic is unknown', async () => {
        const input = unique('in');
        const output = unique('out');
        const group = unique('group');
        await log.createTopic(input, { partitions: 1 });
        await log.createTopic(output, { partitions: 1 });
        await expect(
          log.commit({
            groupId: group,
            outputs: [
              { topic: output, records: [{ partition: 0, timestamp: T0, key: null, value: buf('v') }] },
              { topic: unique('missing'), records: [{ partition: 0, timestamp: T0, key: null, value: buf('v') }] },
            ],
            positions: [{ topic: input, partition: 0, offset: 1 }],
          }),
        ).rejects.toBeInstanceOf(UnknownTopicError);
        expect(await log.endOffset(output, 0)).toBe(0);
        expect(await log.committed(group)).toEqual([]);
      });

      it('rolls back outputs and positions when state fails', async (ctx) => {
        // Kafka mode mirrors state elsewhere and may not call `state` at all.
        if (log.kind !== 'embedded') ctx.skip();
        const input = unique('in');
        const output = unique('out');
        const group = unique('group');
        await log.createTopic(input, { partitions: 1 });
        await log.createTopic(output, { partitions: 1 });
        await log.commit({ groupId: group, outputs: [], positions: [{ topic: input, partition: 0, offset: 3 }] });
        let calls = 0;
        await expect(
          log.commit({
            groupId: group,
            outputs: [{ topic: output, records: [{ partition: 0, timestamp: T0, key: null, value: buf('lost') }] }],
            positions: [{ topic: input, partition: 0, offset: 10 }],
            state: () => {
              calls++;
              throw new Error('state store failed');
            },
          }),
        ).rejects.toThrow('state store failed');
        expect(calls).toBe(1);
        expect(await log.endOffset(output, 0)).toBe(0);
        expect(await log.fetch(output, 0, 0, 10)).toEqual([]);
        expect(await log.committed(group)).toEqual([{ topic: input, partition: 0, offset: 3 }]);
        // The offsets of the failed commit are handed out again, with no gap.
        const [next] = await log.produce(output, [{ partition: 0, timestamp: T0, key: null, value: buf('kept') }]);
        expect(next!.offset).toBe(0);
      });
    });

    describe('waitForData', () => {
      it('wakes up early when a record arrives', async () => {
        const topic = unique('wake');
        await log.createTopic(topic, { partitions: 1 });
        const started = Date.now();
        const waiting = log.waitForData([unique('other'), topic], 10_000);
        setTimeout(() => void log.produce(topic, [{ partition: 0, timestamp: T0, key: null, value: buf('x') }]), 30);
        await waiting;
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(await log.endOffset(topic, 0)).toBe(1);
      });

      it('wakes up on a commit', async () => {
        const topic = unique('wake-commit');
        await log.createTopic(topic, { partitions: 1 });
        const started = Date.now();
        const waiting = log.waitForData([topic], 10_000);
        setTimeout(
          () =>
            void log.commit({
              groupId: unique('group'),
              outputs: [{ topic, records: [{ partition: 0, timestamp: T0, key: null, value: null }] }],
              positions: [],
            }),
          30,
        );
        await waiting;
        expect(Date.now() - started).toBeLessThan(5_000);
      });

      it('times out when nothing arrives', async () => {
        const topic = unique('idle');
        await log.createTopic(topic, { partitions: 1 });
        const started = Date.now();
        await log.waitForData([topic], 200);
        expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      });
    });
  });
}
