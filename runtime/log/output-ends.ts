// Commit.outputPositions for both Log implementations: where each written partition ends.
import type { LogRecord, Position } from './log.js';

/** The end, after `appended`, of each partition of `topics` written to (Commit.outputPositions). */
export function outputEnds(appended: readonly LogRecord[], topics: readonly string[] | undefined): Position[] {
  if (topics === undefined || topics.length === 0) return [];
  const wanted = new Set(topics);
  const ends = new Map<string, Position>();
  for (const r of appended) {
    if (!wanted.has(r.topic)) continue;
    const k = `${r.topic}\0${r.partition}`;
    const end = ends.get(k);
    if (end === undefined || end.offset <= r.offset) ends.set(k, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
  }
  return [...ends.values()];
}
