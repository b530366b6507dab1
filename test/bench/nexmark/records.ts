// Nexmark events as log records, matching the streams declared in queries/sources.sql: one
// topic per event kind, keyed by the KAFKA-format BIGINT (8 bytes big-endian) of the person id,
// the auction id and the bid's auction, so the log partitions them by that key. The value is
// the whole event as JSON (the key field included, as a Nexmark consumer expects it), and the
// record timestamp is the event's dateTime, so ROWTIME is event time.

import type { ProducerRecord } from '../../../runtime/log/log.js';
import type { NexmarkEvent } from './model.js';

export const PERSON_TOPIC = 'person';
export const AUCTION_TOPIC = 'auction';
export const BID_TOPIC = 'bid';
export const NEXMARK_TOPICS = [PERSON_TOPIC, AUCTION_TOPIC, BID_TOPIC] as const;
export type NexmarkTopic = (typeof NEXMARK_TOPICS)[number];

export function bigintKey(id: number): Buffer {
  const key = Buffer.allocUnsafe(8);
  key.writeBigInt64BE(BigInt(id));
  return key;
}

export function toRecord(event: NexmarkEvent): { topic: NexmarkTopic; record: ProducerRecord } {
  switch (event.kind) {
    case 'person':
      return { topic: PERSON_TOPIC, record: json(event.person.id, event.person.dateTime, event.person) };
    case 'auction':
      return { topic: AUCTION_TOPIC, record: json(event.auction.id, event.auction.dateTime, event.auction) };
    case 'bid':
      return { topic: BID_TOPIC, record: json(event.bid.auction, event.bid.dateTime, event.bid) };
  }
}

function json(key: number, timestamp: number, value: object): ProducerRecord {
  return { timestamp, key: bigintKey(key), value: Buffer.from(JSON.stringify(value)) };
}
