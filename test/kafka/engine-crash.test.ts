// Exactly-once on Kafka across kill -9: an aggregation and a projection over 40,000 records run
// in a child process that is SIGKILLed at points spread over its work, restarted each time on
// the same state directory (left behind its changelogs by the kill) or a fresh one. In the end
// the projection holds every output exactly once, and the aggregate counts every input exactly
// once: no committed change lost, none applied twice.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import { kafkaSkipReason, reportSkipped, kafkaTestbed } from './broker.js';
import { runChild as runChildProcess, seededRandom } from '../crash/harness.js';

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);

const RECORDS = 40_000;
const BUCKETS = 7;

/**
 * Runs the child; in 'run' mode it is SIGKILLed `delayMs` after it reports `killAt` processed
 * records (a commit has just completed: the delay moves the kill into the work that follows).
 */
const runChild = (config: ChildConfig, mode: 'run' | 'finish', killAt?: number, delayMs = 0): Promise<string> =>
  runChildProcess({
    script: 'test/kafka/crash-child.ts',
    args: [JSON.stringify(config)],
    mode,
    ...(killAt !== undefined ? { killAt } : {}),
    delayMs,
    // Long enough for a child to join the group after its killed predecessor's session times
    // out, restore, and process up to killAt: a kill then lands mid-processing, not in startup.
    deadlineMs: 45_000,
  });

interface ChildConfig {
  readonly brokers: readonly string[];
  readonly namespace: string;
  readonly dataDir: string;
}

describe.skipIf(skip !== undefined)('Engine on Kafka: crash safety', () => {
  const testbed = kafkaTestbed('sluice-kafka-crash-');
  const tempDir = testbed.tempDir;

  it('exactly_once_v2: every output once, every input counted once, across SIGKILLs', { timeout: 300_000 }, async () => {
    const namespace = `crash-${Date.now().toString(36)}.`;
    const stateDir = tempDir();
    const config = (dataDir: string): ChildConfig => ({ brokers: testbed.cluster().brokers, namespace, dataDir });
    const options = (dataDir: string) => ({
      kafka: { brokers: testbed.cluster().brokers, namespace },
      serviceId: 'crash',
      dataDir,
      properties: { 'processing.guarantee': 'exactly_once_v2', 'auto.offset.reset': 'earliest' },
    });

    const setup = new Engine(options(stateDir));
    await setup.execute(
      "CREATE STREAM nums (id INT KEY, b INT, v INT) WITH (kafka_topic='nums', partitions=2, value_format='JSON');",
    );
    const log = await setup.log();
    for (let start = 0; start < RECORDS; start += 5000) {
      const batch = [];
      for (let i = start; i < start + 5000; i++) {
        const key = Buffer.alloc(4);
        key.writeInt32BE(i);
        batch.push({ timestamp: i, key, value: Buffer.from(JSON.stringify({ B: i % BUCKETS, V: i })) });
      }
      await log.produce('nums', batch);
    }
    // The queries start after the input is loaded, so the children do all the work.
    await setup.execute(`
      CREATE STREAM doubled AS SELECT id, v * 2 AS d FROM nums;
      CREATE TABLE sums AS SELECT b, COUNT(*) AS n, SUM(v) AS s FROM nums GROUP BY b;`);
    await setup.close();

    // Each child is killed once it has committed this many records (of 80,000 in all, two
    // queries): the kill lands anywhere in the work that follows. The third run starts from a
    // fresh state directory.
    const progress: number[] = [];
    const rand = seededRandom(20260214);
    for (const [k, killAt] of [1_000, 8_000, 4_000, 12_000].entries()) {
      const out = await runChild(config(k === 2 ? tempDir() : stateDir), 'run', killAt, Math.floor(rand() * 60));
      progress.push(Number(/progress (\d+)\n(?![\s\S]*progress)/.exec(out)?.[1] ?? -1));
    }
    console.log(`Kafka crash test: records committed by each killed child: ${progress.join(', ')}`);
    // Every kill came after the child had taken over and processed records.
    expect(progress.filter((n) => n <= 0)).toEqual([]);
    expect(await runChild(config(stateDir), 'finish')).toContain('done');

    // Checked through the log as a read_committed consumer sees it, and by pull queries.
    const check = await KafkaLog.connect({ brokers: testbed.cluster().brokers, namespace, processingGuarantee: 'exactly_once_v2' });
    const seen = new Map<number, number>();
    try {
      for (let p = 0; p < 2; p++) {
        for (let offset = 0; ; ) {
          const { records, next } = await check.read('DOUBLED', p, offset, 5000);
          if (records.length === 0) break;
          for (const r of records) {
            const id = r.key!.readInt32BE(0);
            expect(JSON.parse(r.value!.toString()).D).toBe(id * 2);
            seen.set(id, (seen.get(id) ?? 0) + 1);
          }
          offset = next;
        }
      }
    } finally {
      await check.close();
    }
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
    expect(seen.size).toBe(RECORDS);

    const reader = new Engine(options(tempDir()));
    try {
      const [result] = await reader.execute('SELECT b, n, s FROM sums;');
      const rows = result?.type === 'rows' ? [...result.rows].map((r) => [...r]).sort((a, b) => Number(a[0]) - Number(b[0])) : [];
      const expected = Array.from({ length: BUCKETS }, (_, b) => {
        let n = 0n;
        let s = 0;
        for (let i = b; i < RECORDS; i += BUCKETS) {
          n++;
          s += i;
        }
        return [b, n, s];
      });
      expect(rows).toEqual(expected);
    } finally {
      await reader.close();
    }
  });
});
