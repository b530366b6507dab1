// A three-broker KRaft cluster with one broker killed and restarted: the Log keeps producing and
// reading once leadership moves, and loses nothing that was acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import type { LogRecord, ProducerRecord } from '../../runtime/log/log.js';
import { kafkaSkipReason, killNode, reportSkipped, restartNode, startCluster, stopCluster, type KafkaCluster } from '../kafka/broker.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const T0 = 1_700_000_000_000;
const record = (i: number): ProducerRecord => ({ partition: 0, timestamp: T0 + i, key: null, value: Buffer.from(`v${i}`) });

/** Retries while the cluster fails over, as a query's loop retries a failed batch. */
async function eventually<T>(what: () => Promise<T>, deadlineMs = 60_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await what();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function readAll(log: KafkaLog, topic: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let offset = 0; ; ) {
    const batch = await eventually(() => log.fetch(topic, 0, offset, 1000));
    if (batch.length === 0) return out;
    out.push(...batch);
    offset = batch[batch.length - 1]!.offset + 1;
  }
}

describe.skipIf(skip !== undefined)('Kafka log on three brokers', () => {
  let cluster: KafkaCluster;
  let log: KafkaLog;
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3 });
    log = await KafkaLog.connect({ brokers: cluster.brokers, clientId: 'faults' });
  });
  afterAll(async () => {
    await log?.close();
    if (cluster) await stopCluster(cluster);
  });

  it('survives the loss of a partition leader and its return', async () => {
    const topic = 'replicated';
    await log.createTopic(topic, { partitions: 1, replicas: 3 });
    expect(await log.describeTopic(topic)).toMatchObject({ partitions: 1, replicas: 3 });
    await log.produce(topic, Array.from({ length: 50 }, (_, i) => record(i)));

    // broker.sh gives node N the node.id N, so the leader's id names the node to kill.
    const leaderNode = await leaderOf(cluster, topic);
    await killNode(cluster, leaderNode);
    await eventually(() => log.produce(topic, Array.from({ length: 50 }, (_, i) => record(50 + i))));
    await restartNode(cluster, leaderNode);
    await eventually(() => log.produce(topic, Array.from({ length: 50 }, (_, i) => record(100 + i))));

    const read = await readAll(log, topic);
    // Each acknowledged record exactly once, in order: no loss, no duplicate from a retry.
    expect(read.map((r) => r.value!.toString())).toEqual(Array.from({ length: 150 }, (_, i) => `v${i}`));
    expect(read.map((r) => r.timestamp)).toEqual(Array.from({ length: 150 }, (_, i) => T0 + i));
  });
});

/** The node (1-based) leading partition 0, asked of a second client's view of the cluster. */
async function leaderOf(cluster: KafkaCluster, topic: string): Promise<number> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [...cluster.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
  } finally {
    await admin.disconnect();
  }
}
