// Writes a Nexmark data set into an engine's log: declares the sources (queries/sources.sql),
// then produces the generated events through the Log interface, in large atomic chunks.

import { readFileSync } from 'node:fs';
import type { Engine } from '../../runtime/engine/engine.js';
import type { ProducerRecord } from '../../runtime/log/log.js';
import { generateEvents } from './nexmark/generator.js';
import type { NexmarkConfig } from './nexmark/model.js';
import { NEXMARK_TOPICS, toRecord, type NexmarkTopic } from './nexmark/records.js';

export const SOURCES_SQL = new URL('./queries/sources.sql', import.meta.url);

/** Records per produce call: each is one transaction (one fsync on disk). */
const CHUNK = 10_000;

export interface TopicStats {
  readonly records: number;
  /** Mean serialised value size. */
  readonly meanValueBytes: number;
}

export interface GenerateResult {
  readonly events: number;
  readonly topics: Readonly<Record<NexmarkTopic, TopicStats>>;
  readonly elapsedMs: number;
}

export async function generateNexmark(engine: Engine, config: NexmarkConfig): Promise<GenerateResult> {
  const start = performance.now();
  // The catalog is there once the engine has opened (and replayed its command log).
  const log = await engine.log();
  const existing = NEXMARK_TOPICS.filter((t) => engine.source(t.toUpperCase()) !== undefined);
  if (existing.length > 0) {
    throw new Error(`the data directory already has Nexmark sources (${existing.join(', ')}): use a fresh one`);
  }
  await engine.execute(readFileSync(SOURCES_SQL, 'utf8'));
  const pending = new Map<NexmarkTopic, ProducerRecord[]>(NEXMARK_TOPICS.map((t) => [t, []]));
  const counts = new Map<NexmarkTopic, { records: number; bytes: number }>(NEXMARK_TOPICS.map((t) => [t, { records: 0, bytes: 0 }]));
  for (const event of generateEvents(config)) {
    const { topic, record } = toRecord(event);
    const c = counts.get(topic)!;
    c.records++;
    c.bytes += record.value!.length;
    const buf = pending.get(topic)!;
    buf.push(record);
    if (buf.length >= CHUNK) {
      await log.produce(topic, buf);
      pending.set(topic, []);
    }
  }
  for (const [topic, buf] of pending) if (buf.length > 0) await log.produce(topic, buf);
  const topics = Object.fromEntries(
    NEXMARK_TOPICS.map((t) => {
      const c = counts.get(t)!;
      return [t, { records: c.records, meanValueBytes: c.records === 0 ? 0 : Math.round(c.bytes / c.records) }];
    }),
  ) as Record<NexmarkTopic, TopicStats>;
  return { events: config.events, topics, elapsedMs: performance.now() - start };
}
