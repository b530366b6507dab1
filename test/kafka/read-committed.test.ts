// Kafka mode under exactly_once_v2 reads with read_committed: an aborted transaction stays
// hidden whatever its records hold, including a key of four zero bytes (an INT key 0), which
// kafkajs's own filter mistakes for an abort marker.
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import { kafkaSkipReason, kafkaTestbed, reportSkipped } from './broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

describe.skipIf(skip !== undefined)('read_committed on a real broker', () => {
  const testbed = kafkaTestbed('sluice-read-committed-');
  it('read_committed hides an aborted transaction holding a record keyed 00000000', { timeout: 60_000 }, async () => {
    const ns = `repro-${Date.now().toString(36)}.`;
    const kafka = new Kafka({ brokers: [...testbed.cluster().brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `${ns}t`, numPartitions: 1 }] });
    const p = kafka.producer({ transactionalId: `${ns}tx`, idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    const key = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
    let txn = await p.transaction();
    await txn.send({ topic: `${ns}t`, messages: [{ key: key(1), value: 'committed', partition: 0 }] });
    await txn.commit();
    txn = await p.transaction();
    await txn.send({ topic: `${ns}t`, messages: [1, 0, 1, 2].map((k, i) => ({ key: key(k), value: `aborted-${i}`, partition: 0 })) });
    await txn.abort();
    txn = await p.transaction();
    await txn.send({ topic: `${ns}t`, messages: [{ key: key(3), value: 'committed-2', partition: 0 }] });
    await txn.commit();
    const log = await KafkaLog.connect({ brokers: testbed.cluster().brokers, namespace: ns, processingGuarantee: 'exactly_once_v2' });
    const { records } = await log.read('t', 0, 0, 100);
    const values = records.map((r) => r.value!.toString());
    await log.close(); await p.disconnect(); await admin.disconnect();
    expect(values).toEqual(['committed', 'committed-2']);
  });
});
