// The Sluice side of the Kafka-mode benchmark: an engine in Kafka mode (at_least_once, local
// state in memory) on a service id of its own, so that every run has a fresh catalog and
// fresh consumer groups over the same input topics.

import { readFileSync } from 'node:fs';
import { Engine } from '../../runtime/engine/engine.js';
import { SOURCES_SQL } from './datagen.js';
import type { KafkaQuery } from './kafka-queries.js';
import { assertHealthy, recordCount } from './measure.js';

export interface KafkaMeasurement {
  /** Input records consumed. */
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSec: number;
  readonly outputRecords: number;
  /** The output topic, in the run's namespace. */
  readonly topic: string;
}

export interface KafkaTarget {
  readonly brokers: readonly string[];
  /** The prefix of every topic and group of the benchmark on the broker. */
  readonly namespace: string;
}

/** Time from the CREATE … AS SELECT until drain() returns: every input record processed and its outputs committed. */
export async function runKafkaSluice(target: KafkaTarget, q: KafkaQuery, run: number): Promise<KafkaMeasurement> {
  const topic = `${q.id.toUpperCase()}_SLUICE_${run}`;
  const engine = new Engine({
    kafka: { brokers: target.brokers, namespace: target.namespace, clientId: `kbench-sluice-${run}` },
    serviceId: `kbench-${q.id}-${run}`,
    memory: true,
    properties: { 'auto.offset.reset': 'earliest' },
  });
  try {
    // Declares the sources over the topics the loader filled (same partitions, so no error).
    await engine.execute(readFileSync(SOURCES_SQL, 'utf8'));
    const sql = q.sql(topic);
    const start = performance.now();
    await engine.execute(sql);
    await engine.drain();
    const elapsedMs = performance.now() - start;
    assertHealthy(engine);
    const log = await engine.log();
    const events = await recordCount(log, [q.input]);
    const outputRecords = await recordCount(log, [topic]);
    return { events, elapsedMs, eventsPerSec: (events * 1000) / elapsedMs, outputRecords, topic };
  } finally {
    await engine.close();
  }
}
