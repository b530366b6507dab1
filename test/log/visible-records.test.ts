// The read_committed filter (runtime/log/kafka/visible-records.ts) on fetch answers shaped as
// the broker sends them: aborted transactions listed by producer and first offset, control
// records (COMMIT/ABORT markers) among the data.
import { describe, expect, it } from 'vitest';
import type { KMessage } from '../../runtime/log/kafka/kafkajs-internals.js';
import { visibleRecords } from '../../runtime/log/kafka/visible-records.js';

const int = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
/** A control record's key: version 0, then type (0 ABORT, 1 COMMIT). */
const marker = (type: 0 | 1): Buffer => Buffer.from([0, 0, 0, type]);

function message(offset: number, producerId: string, key: Buffer | null, value: string | null, control = false, inTransaction = true): KMessage {
  return {
    offset: String(offset),
    timestamp: '0',
    key,
    value: value === null ? null : Buffer.from(value),
    isControlRecord: control,
    batchContext: { firstOffset: String(offset), lastOffsetDelta: 0, producerId, inTransaction },
  } as unknown as KMessage;
}
const values = (ms: readonly KMessage[]): string[] => ms.map((m) => m.value!.toString());

describe('visibleRecords', () => {
  it('hides an aborted transaction even when a data record is keyed 00 00 00 00 (the INT 0)', () => {
    const messages = [
      message(0, '7', int(1), 'committed'),
      message(1, '7', null, null, true), // COMMIT marker (key set below)
      message(2, '7', int(1), 'aborted-0'),
      message(3, '7', int(0), 'aborted-1'),
      message(4, '7', int(2), 'aborted-2'),
      message(5, '7', null, null, true),
      message(6, '7', int(3), 'committed-2'),
    ].map((m, i) => (i === 1 ? { ...m, key: marker(1) } : i === 5 ? { ...m, key: marker(0) } : m));
    const visible = visibleRecords(0, { messages, abortedTransactions: [{ producerId: '7', firstOffset: '2' }] });
    expect(values(visible)).toEqual(['committed', 'committed-2']);
  });

  it('starts every aborted transaction a record reaches, not one per record', () => {
    // Two producers' aborted transactions both begin before the first record returned.
    const messages = [
      message(10, '1', int(5), 'a-aborted'),
      message(11, '2', int(6), 'b-aborted'),
      { ...message(12, '1', null, null, true), key: marker(0) },
      { ...message(13, '2', null, null, true), key: marker(0) },
      message(14, '1', int(5), 'a-later', false, false),
    ];
    const visible = visibleRecords(10, {
      messages,
      abortedTransactions: [
        { producerId: '2', firstOffset: '9' },
        { producerId: '1', firstOffset: '8' },
      ],
    });
    expect(values(visible)).toEqual(['a-later']);
  });

  it('drops records before the fetch offset and every control record, keeping what is not aborted', () => {
    const messages = [message(3, '4', int(1), 'before'), message(4, '4', int(0), 'zero-key'), { ...message(5, '4', null, null, true), key: marker(1) }];
    expect(values(visibleRecords(4, { messages, abortedTransactions: [] }))).toEqual(['zero-key']);
  });
});
