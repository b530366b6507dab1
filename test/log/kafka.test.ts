// The Log contract against a real Kafka broker (KRaft, on loopback), under both processing
// guarantees, and what only Kafka has: transactions that abort, other clients writing and
// deleting, record batches that must be split, zombie producers that must be fenced.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import type { KafkaLogOptions } from '../../runtime/log/kafka/options.js';
import { UnknownTopicError, type LogRecord } from '../../runtime/log/log.js';
import { kafkaSkipReason, reportSkipped, sharedCluster, type KafkaCluster } from '../kafka/broker.js';
import { logContract } from './log-contract.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

let sequence = 0;
const unique = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${sequence++}`;
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');
const T0 = 1_700_000_000_000;

describe.skipIf(skip !== undefined)('Kafka log', () => {
  let cluster: KafkaCluster;
  beforeAll(async () => {
    cluster = await sharedCluster();
  });
  const connect = (options: Partial<KafkaLogOptions> = {}): Promise<KafkaLog> =>
    KafkaLog.connect({ brokers: cluster.brokers, clientId: unique('test'), ...options });

  logContract('kafka, at_least_once', () => connect());
  logContract('kafka, exactly_once_v2', () => connect({ processingGuarantee: 'exactly_once_v2' }));

  describe('Kafka specifics', () => {
    let alo: KafkaLog;
    let eos: KafkaLog;
    let kafka: Kafka;
    const producers: Producer[] = [];
    beforeAll(async () => {
      alo = await connect();
      eos = await connect({ processingGuarantee: 'exactly_once_v2' });
      kafka = new Kafka({ brokers: [...cluster.brokers], clientId: 'other-client', logLevel: logLevel.NOTHING });
    });
    afterAll(async () => {
      for (const p of producers) await p.disconnect();
      await alo?.close();
      await eos?.close();
    });
    const transactionalProducer = async (): Promise<Producer> => {
      const p = kafka.producer({ transactionalId: unique('txn'), idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      producers.push(p);
      return p;
    };
    const values = (records: readonly LogRecord[]): string[] => records.map((r) => r.value!.toString());
    /** Every record from `offset` on: a fetch may return fewer than asked (one segment at most). */
    const readAll = async (log: KafkaLog, topic: string, partition: number, offset = 0): Promise<LogRecord[]> => {
      const out: LogRecord[] = [];
      for (;;) {
        const batch = await log.fetch(topic, partition, offset, 1000);
        if (batch.length === 0) return out;
        out.push(...batch);
        offset = batch[batch.length - 1]!.offset + 1;
      }
    };

    it('read_committed skips aborted transactions and markers; read_uncommitted sees the records', async () => {
      const topic = unique('aborted');
      await alo.createTopic(topic, { partitions: 1 });
      const producer = await transactionalProducer();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [0, 1, 2].map((i) => ({ partition: 0, value: `aborted-${i}` })) });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [0, 1].map((i) => ({ partition: 0, value: `committed-${i}` })) });
      await committed.commit();

      // Offsets 0-2 aborted, 3 the abort marker, 4-5 committed, 6 the commit marker.
      const visible = await readAll(eos, topic, 0);
      expect(values(visible)).toEqual(['committed-0', 'committed-1']);
      expect(visible.map((r) => r.offset)).toEqual([4, 5]);
      // From inside the aborted range, and from the marker, the next committed record comes.
      expect(values(await eos.fetch(topic, 0, 1, 1))).toEqual(['committed-0']);
      expect(values(await readAll(eos, topic, 0, 3))).toEqual(['committed-0', 'committed-1']);
      expect(await eos.fetch(topic, 0, 6, 100)).toEqual([]);
      expect(await eos.endOffset(topic, 0)).toBe(7);
      // read() says where to go on: past the last record, then past the commit marker, so a
      // reader reaches the end offset although no record sits at offset 6.
      const last = await eos.read(topic, 0, 4, 100);
      expect(values(last.records)).toEqual(['committed-0', 'committed-1']);
      expect(last.next).toBe(6);
      expect(await eos.read(topic, 0, last.next, 100)).toEqual({ records: [], next: 7 });
      expect(await eos.read(topic, 0, 0, 100)).toMatchObject({ next: 6 });

      expect(values(await readAll(alo, topic, 0))).toEqual([
        'aborted-0',
        'aborted-1',
        'aborted-2',
        'committed-0',
        'committed-1',
      ]);
    });

    it('a namespace hides its prefix: topics, records, positions and errors', async () => {
      const ns = `${unique('ns')}.`;
      const inner = await connect({ namespace: ns });
      try {
        await inner.createTopic('test_topic', { partitions: 1 });
        expect(await alo.describeTopic(`${ns}test_topic`)).toMatchObject({ partitions: 1 });
        expect((await inner.listTopics()).map((t) => t.name)).toEqual(['test_topic']);
        expect(await inner.describeTopic('test_topic')).toMatchObject({ name: 'test_topic' });
        const [produced] = await inner.produce('test_topic', [{ partition: 0, timestamp: T0, key: null, value: buf('a') }]);
        expect(produced!.topic).toBe('test_topic');
        expect((await inner.fetch('test_topic', 0, 0, 10)).map((r) => r.topic)).toEqual(['test_topic']);
        await inner.commit({ groupId: 'g', outputs: [], positions: [{ topic: 'test_topic', partition: 0, offset: 1 }] });
        expect(await inner.committed('g')).toEqual([{ topic: 'test_topic', partition: 0, offset: 1 }]);
        expect(await alo.committed(`${ns}g`)).toEqual([{ topic: `${ns}test_topic`, partition: 0, offset: 1 }]);
        await expect(inner.fetch('missing', 0, 0, 1)).rejects.toThrow('topic missing does not exist');
      } finally {
        await inner.close();
      }
    });

    it('read_committed does not show an open transaction until it commits', async () => {
      const topic = unique('open');
      await eos.createTopic(topic, { partitions: 1 });
      const producer = await transactionalProducer();
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ partition: 0, value: 'pending' }] });
      expect(await eos.fetch(topic, 0, 0, 10)).toEqual([]);
      expect(await eos.endOffset(topic, 0)).toBe(0); // the last stable offset
      expect(values(await alo.fetch(topic, 0, 0, 10))).toEqual(['pending']);

      const waiting = eos.waitForData([topic], 30_000);
      await txn.commit();
      await waiting; // woken by the broker's long-poll Fetch: the commit came from another client
      expect(values(await eos.fetch(topic, 0, 0, 10))).toEqual(['pending']);
    });

    it('wakes a waiter when another client writes, without a local notification', async () => {
      const topic = unique('remote');
      await alo.createTopic(topic, { partitions: 3 });
      const other = await connect();
      try {
        const started = Date.now();
        const waiting = alo.waitForData([topic], 20_000);
        setTimeout(() => void other.produce(topic, [{ partition: 2, timestamp: T0, key: null, value: buf('x') }]), 50);
        await waiting;
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(values(await alo.fetch(topic, 2, 0, 10))).toEqual(['x']);
      } finally {
        await other.close();
      }
    });

    it('keeps headers in order: repeated keys apart, integer-like keys, null values', async () => {
      const topic = unique('headers');
      await alo.createTopic(topic, { partitions: 1 });
      // kafkajs's own object form would give [a, a, n, 2, __proto__] order and reject the nulls.
      const headers = [
        { key: 'a', value: buf('1') },
        { key: 'n', value: null },
        { key: 'a', value: buf('2') },
        { key: '2', value: null },
        { key: '__proto__', value: buf('p') },
      ];
      await alo.produce(topic, [{ partition: 0, timestamp: T0, key: null, value: null, headers }]);
      const [read] = await eos.fetch(topic, 0, 0, 1);
      expect(read!.headers).toEqual(headers);
    });

    it('splits a large produce into requests under the broker limit, and reads it back in order', async () => {
      const topic = unique('large');
      await alo.createTopic(topic, { partitions: 2 });
      const value = (i: number): Buffer => Buffer.concat([buf(`${i}:`), Buffer.alloc(400, i % 251)]);
      // About 2.4 MB: more than one produce request (1 MiB message.max.bytes) and one fetch.
      const records = Array.from({ length: 6000 }, (_, i) => ({ partition: i % 2, timestamp: T0 + i, key: null, value: value(i) }));
      const produced = await alo.produce(topic, records);
      expect(produced.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual(
        Array.from({ length: 3000 }, (_, i) => i),
      );
      // Read partition 1 in small steps: read-ahead windows and prefetches must not skip or repeat.
      const read: LogRecord[] = [];
      for (let offset = 0; ; ) {
        const batch = await alo.fetch(topic, 1, offset, 7);
        if (batch.length === 0) break;
        read.push(...batch);
        offset = batch[batch.length - 1]!.offset + 1;
      }
      expect(read.map((r) => r.offset)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
      expect(read.every((r, i) => r.value!.equals(value(2 * i + 1)) && r.timestamp === T0 + 2 * i + 1)).toBe(true);
    });

    it('keeps working after another client deletes a topic it used', async () => {
      const doomed = unique('doomed');
      const kept = unique('kept');
      await alo.createTopic(doomed, { partitions: 1 });
      await alo.createTopic(kept, { partitions: 1 });
      await alo.produce(doomed, [{ partition: 0, timestamp: T0, key: null, value: buf('a') }]);
      await alo.produce(kept, [{ partition: 0, timestamp: T0, key: null, value: buf('b') }]);
      const other = await connect();
      try {
        await other.deleteTopic(doomed);
      } finally {
        await other.close();
      }
      await expect(alo.produce(doomed, [{ partition: 0, timestamp: T0, key: null, value: null }])).rejects.toBeInstanceOf(
        UnknownTopicError,
      );
      const [next] = await alo.produce(kept, [{ partition: 0, timestamp: T0, key: null, value: buf('c') }]);
      expect(next!.offset).toBe(1);
      await alo.createTopic(unique('after'), { partitions: 1 });
    });

    it('fences a zombie: a second process committing for the same group stops the first', async () => {
      const input = unique('in');
      const output = unique('out');
      const group = unique('group');
      const prefix = unique('app') + '-';
      await eos.createTopic(input, { partitions: 1 });
      await eos.createTopic(output, { partitions: 1 });
      const first = await connect({ processingGuarantee: 'exactly_once_v2', transactionalIdPrefix: prefix });
      const second = await connect({ processingGuarantee: 'exactly_once_v2', transactionalIdPrefix: prefix });
      try {
        const commit = (log: KafkaLog, value: string, offset: number) =>
          log.commit({
            groupId: group,
            outputs: [{ topic: output, records: [{ partition: 0, timestamp: T0, key: null, value: buf(value) }] }],
            positions: [{ topic: input, partition: 0, offset }],
          });
        await commit(first, 'first', 1);
        await commit(second, 'second', 2); // same transactional id: the first producer is fenced
        await expect(commit(first, 'zombie', 3)).rejects.toThrow();
        expect(values(await readAll(eos, output, 0))).toEqual(['first', 'second']);
        expect(await eos.committed(group)).toEqual([{ topic: input, partition: 0, offset: 2 }]);
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('runs the state callback before writing, and writes nothing when it fails', async () => {
      const output = unique('state-out');
      const group = unique('group');
      await eos.createTopic(output, { partitions: 1 });
      await expect(
        eos.commit({
          groupId: group,
          outputs: [{ topic: output, records: [{ partition: 0, timestamp: T0, key: null, value: buf('lost') }] }],
          positions: [{ topic: output, partition: 0, offset: 1 }],
          state: () => {
            throw new Error('state store failed');
          },
        }),
      ).rejects.toThrow('state store failed');
      expect(await alo.endOffset(output, 0)).toBe(0);
      expect(await eos.committed(group)).toEqual([]);
    });
  });
});
