// Records between the Log's shape and kafkajs's: offsets and timestamps travel as decimal
// strings, and headers as the ordered list under ORDERED_HEADERS (see kafkajs-records.ts).
import type { LogRecord, ProducerRecord } from '../log.js';
import type { KMessage } from './kafkajs-internals.js';
import { ORDERED_HEADERS } from './kafkajs-records.js';

export function toLogRecord(topic: string, partition: number, m: KMessage): LogRecord {
  return {
    topic,
    partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers: m[ORDERED_HEADERS],
  };
}

/** A record as kafkajs's producer takes it, with its partition already chosen. */
export interface OutgoingMessage {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  // A string: kafkajs replaces a falsy timestamp (the number 0) with Date.now().
  readonly timestamp: string;
  readonly [ORDERED_HEADERS]: ProducerRecord['headers'];
}

export function toOutgoing(record: ProducerRecord, partition: number): OutgoingMessage {
  return {
    partition,
    key: record.key,
    value: record.value,
    timestamp: String(record.timestamp),
    [ORDERED_HEADERS]: record.headers ?? [],
  };
}

/** Roughly the bytes a record takes in a record batch (varint lengths and deltas included). */
export function recordSize(record: ProducerRecord): number {
  let size = 24 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const h of record.headers ?? []) size += 8 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return size;
}
