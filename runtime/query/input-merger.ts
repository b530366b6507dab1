// Merges fetched batches of several partitions (of one or more topics) into one processing
// order: each partition stays in offset order, and among partitions the head record with the
// smallest timestamp goes first, as Kafka Streams' PartitionGroup chooses.

import type { LogRecord } from '../log/log.js';

export function mergeByTimestamp(batches: readonly (readonly LogRecord[])[]): LogRecord[] {
  const live = batches.filter((b) => b.length > 0);
  if (live.length === 1) return [...live[0]!];
  const heads = live.map(() => 0);
  const out: LogRecord[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < live.length; i++) {
      const h = heads[i]!;
      if (h >= live[i]!.length) continue;
      if (best < 0 || live[i]![h]!.timestamp < live[best]![heads[best]!]!.timestamp) best = i;
    }
    if (best < 0) return out;
    out.push(live[best]![heads[best]!++]!);
  }
}
