// The Kafka-mode benchmark's two sides must give the same answer, so that its ratios compare
// equal work: on a small data set, one run a side on the run's shared broker, every query of
// kafka-queries.ts must come out with equal record counts and equal results (runKafkaQueries
// compares them record for record and reports a difference as a failed query). Skipped
// without Java, like the other Kafka tests.
import { describe, expect, it } from 'vitest';
import { kafkaSkipReason, kafkaTestbed, reportSkipped } from '../kafka/broker.js';
import { runKafkaQueries } from './kafka-bench.js';
import { KAFKA_QUERIES } from './kafka-queries.js';
import { DEFAULT_CONFIG } from './nexmark/model.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

describe.skipIf(skip !== undefined)('npm run bench --query kafka', () => {
  const testbed = kafkaTestbed('sluice-kbench-');

  it('runs q0 and the per-auction count in Kafka mode with the same answers as the kafkajs loop', async () => {
    const lines: string[] = [];
    const report = await runKafkaQueries(testbed.cluster(), { ...DEFAULT_CONFIG, events: 1000 }, 1, (l) => lines.push(l));
    expect(Object.keys(report.queries)).toEqual(KAFKA_QUERIES.map((q) => q.id));
    for (const [id, entry] of Object.entries(report.queries)) {
      if ('failed' in entry) throw new Error(`${entry.failed}\n${lines.join('\n')}`);
      // 1,000 events hold some hundreds of bids; each side read all of them.
      expect(entry.events).toBeGreaterThan(500);
      expect(entry.outputRecords).toBe(entry.events);
      expect(entry.baselineOutputRecords).toBe(entry.outputRecords);
      expect(entry.eventsPerSec).toBeGreaterThan(0);
      expect(entry.baselineEventsPerSec).toBeGreaterThan(0);
    }
  });
});
