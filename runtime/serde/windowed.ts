// Windowed keys, in Kafka Streams' wire format, which ksqlDB uses for windowed sources:
//   TUMBLING / HOPPING (TimeWindowedSerializer): key bytes ‖ start (8-byte big-endian ms)
//   SESSION (SessionKeySchema):                  key bytes ‖ end ‖ start (8 bytes each)
// A time window's end is not on the wire: it is start + the window size.
//
// The row is [...keyColumns, windowStart, windowEnd], with the bounds as bigint
// (WINDOWSTART / WINDOWEND are BIGINT columns); numbers are accepted when writing.

import { SerdeError, type RowSerde } from './serde.js';

export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION';

export function windowedKeySerde(inner: RowSerde, windowType: WindowType, windowSizeMs?: number): RowSerde {
  const session = windowType === 'SESSION';
  if (!session && (windowSizeMs === undefined || !Number.isSafeInteger(windowSizeMs) || windowSizeMs <= 0)) {
    throw new SerdeError(`a ${windowType} windowed key needs a positive window size, got ${String(windowSizeMs)}`);
  }
  const size = BigInt(windowSizeMs ?? 0);
  const suffix = session ? 16 : 8;
  return {
    serialize(row) {
      if (row === null) return null;
      if (row.length < 2) throw new SerdeError(`a windowed key row needs its window bounds, got ${row.length} values`);
      const keys = row.slice(0, -2);
      const start = bound(row[row.length - 2], 'start');
      const end = bound(row[row.length - 1], 'end');
      // A null key still has a window; its key part is empty.
      const key = inner.serialize(keys) ?? EMPTY;
      const out = Buffer.allocUnsafe(key.length + suffix);
      key.copy(out, 0);
      if (session) {
        out.writeBigInt64BE(end, key.length);
        out.writeBigInt64BE(start, key.length + 8);
      } else {
        out.writeBigInt64BE(start, key.length);
      }
      return out;
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      if (bytes.length < suffix) {
        throw new SerdeError(`a ${windowType} windowed key needs at least ${suffix} bytes, got ${bytes.length}`);
      }
      const keyLen = bytes.length - suffix;
      let start: bigint;
      let end: bigint;
      if (session) {
        end = bytes.readBigInt64BE(keyLen);
        start = bytes.readBigInt64BE(keyLen + 8);
      } else {
        start = bytes.readBigInt64BE(keyLen);
        end = start + size;
      }
      const keys = inner.deserialize(bytes.subarray(0, keyLen));
      // A key that reads as no key at all has no row to carry its window either.
      if (keys === null) return null;
      keys.push(start, end);
      return keys;
    },
  };
}

const EMPTY = Buffer.alloc(0);

function bound(v: unknown, which: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new SerdeError(`window ${which} must be an integer, got ${String(v)}`);
}
