// What a fetch shows a reader: the records at or after the fetch offset, without control
// records (transaction markers), and under read_committed without the records of aborted
// transactions, as Kafka's own consumer filters them.
//
// Not kafkajs's filterAbortedMessages: it takes any record whose key is the four bytes
// 00 00 00 00 for an abort marker without checking that it is a control record, so a data
// record keyed by the INT 0 (or any key with those bytes) ends the aborted transaction early
// and its remaining records are shown; and it starts at most one aborted transaction per
// record. Either delivers aborted writes to a read_committed reader.

import type { KFetchPartition, KMessage } from './kafkajs-internals.js';

/** A control record's key: version (int16), then type (int16): 0 is ABORT, 1 is COMMIT. */
const ABORT = 0;

export function visibleRecords(fetchedOffset: number, partition: Pick<KFetchPartition, 'abortedTransactions' | 'messages'>): KMessage[] {
  // Aborted transactions in the order they start (the broker lists them so; sorted to be sure).
  const pending = [...(partition.abortedTransactions ?? [])].sort((a, b) => compareOffsets(a.firstOffset, b.firstOffset));
  /** Producers inside a transaction that was aborted, until their abort marker. */
  const aborted = new Set<string>();
  const out: KMessage[] = [];
  for (const m of partition.messages) {
    // A fetch answers with whole record batches, which may begin before the offset asked for.
    if (Number(m.offset) < fetchedOffset) continue;
    while (pending.length > 0 && compareOffsets(pending[0]!.firstOffset, m.offset) <= 0) aborted.add(String(pending.shift()!.producerId));
    const producer = String(m.batchContext.producerId);
    if (m.isControlRecord) {
      if (isAbortMarker(m)) aborted.delete(producer);
      continue;
    }
    if (m.batchContext.inTransaction && aborted.has(producer)) continue;
    out.push(m);
  }
  return out;
}

function isAbortMarker(m: KMessage): boolean {
  return m.key !== null && m.key.length >= 4 && m.key.readInt16BE(2) === ABORT;
}

/** Offsets are int64 strings: compared as integers, never as text. */
function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
