// The Kafka-mode benchmark's two queries: q0 (queries/q0.sql, a pass-through of every bid) and
// a per-auction COUNT(*) aggregation, each with the SQL Sluice runs and the transform the plain
// kafkajs loop applies. Every run writes to a topic of its own (runs share the input topics on
// one broker), so the SQL names its sink topic.

import { readFileSync } from 'node:fs';
import type { LogRecord, ProducerRecord } from '../../runtime/log/log.js';
import { parseValue } from './baseline/codec.js';
import { q0 } from './baseline/q0.js';
import type { BaselineQuery, BaselineTask } from './baseline/types.js';
import type { Bid } from './nexmark/model.js';
import { BID_TOPIC } from './nexmark/records.js';

export type KafkaQueryId = 'q0' | 'count';

export interface KafkaQuery {
  readonly id: KafkaQueryId;
  readonly description: string;
  readonly input: string;
  /** How the two sides' outputs are compared (outputs.ts). */
  readonly output: BaselineQuery['output'];
  /** Sluice's statements, writing to `topic`. */
  sql(topic: string): string;
  /** The hand-written transform: one per run (the aggregation keeps its counts in it). */
  task(): BaselineTask;
}

const Q0_SQL = new URL('./queries/q0.sql', import.meta.url);

export const KAFKA_QUERIES: readonly KafkaQuery[] = [
  {
    id: 'q0',
    description: 'q0 pass-through (queries/q0.sql)',
    input: BID_TOPIC,
    output: q0.output,
    sql(topic) {
      const text = readFileSync(Q0_SQL, 'utf8');
      const named = text.replace(/CREATE STREAM q0 AS/i, `CREATE STREAM q0 WITH (kafka_topic='${topic}') AS`);
      if (named === text) throw new Error(`queries/q0.sql no longer starts its query with 'CREATE STREAM q0 AS'`);
      return named;
    },
    // The embedded benchmark's own q0 baseline: the same decode and encode. It keeps no
    // table, so it gets no database (there is none: the loop's state is in memory).
    task: () => q0.create({ database: undefined as never }),
  },
  {
    id: 'count',
    description: 'bids per auction (CREATE TABLE … COUNT(*) GROUP BY auction)',
    input: BID_TOPIC,
    output: { kind: 'table', keyFormat: 'KAFKA' },
    sql: (topic) => `CREATE TABLE kcount WITH (kafka_topic='${topic}') AS SELECT auction, COUNT(*) AS num FROM bid GROUP BY auction;`,
    task: countTask,
  },
];

/**
 * COUNT(*) per auction: every bid emits its auction's new count, as the engine's table sink
 * does (the key is the auction's KAFKA BIGINT, passed through; the value {"NUM": n}).
 */
function countTask(): BaselineTask {
  const counts = new Map<string, number>();
  return {
    process(rec: LogRecord, out: ProducerRecord[]) {
      // Decoded as the engine decodes it, though only the key is needed.
      const b = parseValue<Bid>(rec);
      if (b === null || rec.key === null) return;
      const k = rec.key.toString('latin1');
      const n = (counts.get(k) ?? 0) + 1;
      counts.set(k, n);
      out.push({ timestamp: rec.timestamp, key: rec.key, value: Buffer.from(JSON.stringify({ NUM: n })) });
    },
  };
}
