// The Kafka cluster's id, as ksqlDB's /info reports it (`kafkaClusterId`). KafkaLog keeps its
// connections to itself, so this asks through a short-lived kafkajs admin client on the same
// brokers and credentials; the engine caches the answer, since a cluster's id never changes.
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaEngineOptions } from './api.js';

export async function fetchClusterId(options: KafkaEngineOptions): Promise<string> {
  const kafka = new Kafka({
    brokers: [...options.brokers],
    clientId: `${options.clientId ?? 'sluice'}-admin`,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
    ...(options.connectionTimeoutMs === undefined ? {} : { connectionTimeout: options.connectionTimeoutMs }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
    // Failures reach the caller as exceptions; kafkajs's own log lines would only be noise.
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).clusterId;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
