// The baseline of the Kafka-mode benchmark: the consume-transform-produce loop one writes by
// hand with kafkajs. A consumer group reads the input (eachBatch), the query's transform turns
// each record into outputs (the same JSON decode and encode), an idempotent producer writes
// them with acks=all, and only then is the batch's offset committed: at_least_once, as the
// engine runs by default.

import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { LogRecord, ProducerRecord } from '../../runtime/log/log.js';
import type { KafkaQuery } from './kafka-queries.js';
import type { KafkaMeasurement, KafkaTarget } from './kafka-sluice.js';

/** A run that has not finished by then is stuck (a run takes seconds): fail rather than hang the bench. */
const STALL_MS = 120_000;

/** Time from connecting until every input record's batch has its outputs written and its offset committed. */
export async function runKafkaBaseline(target: KafkaTarget, q: KafkaQuery, run: number): Promise<KafkaMeasurement> {
  const ns = target.namespace;
  const kafka = new Kafka({ clientId: `kbench-baseline-${run}`, brokers: [...target.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `${q.id.toUpperCase()}_BASELINE_${run}`;
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  try {
    const inputOffsets = await admin.fetchTopicOffsets(ns + q.input);
    const events = inputOffsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    // As many partitions as the engine gives a sink: its input's.
    await admin.createTopics({ topics: [{ topic: ns + topic, numPartitions: inputOffsets.length, replicationFactor: 1 }], waitForLeaders: true });

    const start = performance.now();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    consumer = kafka.consumer({ groupId: `${ns}kbench-baseline-${q.id}-${run}` });
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic: ns + q.input, fromBeginning: true });
    const task = q.task();
    let consumed = 0;
    let outputRecords = 0;
    const p = producer;
    const c = consumer;
    const done = new Promise<void>((resolve, reject) => {
      // A consumer that crashes and will not restart would otherwise leave the run waiting forever.
      c.on(c.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
      c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          try {
            const out: ProducerRecord[] = [];
            for (const m of batch.messages) {
              const rec: LogRecord = {
                topic: q.input,
                partition: batch.partition,
                offset: Number(m.offset),
                timestamp: Number(m.timestamp),
                key: m.key,
                value: m.value,
                headers: [],
              };
              task.process(rec, out);
            }
            if (out.length > 0) {
              await p.send({
                topic: ns + topic,
                acks: -1,
                messages: out.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestamp) })),
              });
            }
            const last = batch.lastOffset();
            resolveOffset(last);
            await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) }]);
            await heartbeat();
            consumed += batch.messages.length;
            outputRecords += out.length;
            if (consumed >= events) resolve();
          } catch (e) {
            reject(e);
            throw e;
          }
        },
      }).catch(reject);
    });
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the kafkajs loop consumed ${consumed} of ${events} records in ${STALL_MS / 1000} s`)), STALL_MS);
    });
    try {
      await Promise.race([done, stalled]);
    } finally {
      clearTimeout(timer);
    }
    const elapsedMs = performance.now() - start;
    const outputOffsets = await admin.fetchTopicOffsets(ns + topic);
    const written = outputOffsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    if (written !== outputRecords) throw new Error(`the baseline sent ${outputRecords} records but ${topic} holds ${written}`);
    return { events: consumed, elapsedMs, eventsPerSec: (consumed * 1000) / elapsedMs, outputRecords, topic };
  } finally {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin.disconnect();
  }
}
