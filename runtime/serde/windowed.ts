// Windowed keys, in Kafka Streams' wire format, which ksqlDB uses for windowed sources:
//   TUMBLING / HOPPING (TimeWindowedSerializer): key bytes ‖ start (8-byte big-endian ms)
//   SESSION (SessionKeySchema):                  key bytes ‖ end ‖ start (8 bytes each)
// A time window's end is not on the wire: it is start + the window size.
//
// The row is [...keyColumns, windowStart, windowEnd], with the bounds as bigint
// (WINDOWSTART / WINDOWEND are BIGINT columns); numbers are accepted when writing.

import { MAX_INT64, MIN_INT64, readInt64BE, writeInt64BE } from './int64.js';
import { SerdeError, type RowSerde } from './serde.js';

export type WindowType = 'TUMBLING' | 'HOPPING' | 'SESSION';

/** A windowed key serde that can also write a key from its parts, with no row built for it. */
export interface WindowedKeySerde extends RowSerde {
  /** The same bytes as serialize([...keys, start, end]). */
  serializeParts(keys: readonly unknown[], start: unknown, end: unknown): Buffer;
}

export function isWindowedKeySerde(s: RowSerde): s is WindowedKeySerde {
  return 'serializeParts' in s;
}

export function windowedKeySerde(inner: RowSerde, windowType: WindowType, windowSizeMs?: number): WindowedKeySerde {
  const session = windowType === 'SESSION';
  if (!session && (windowSizeMs === undefined || !Number.isSafeInteger(windowSizeMs) || windowSizeMs <= 0)) {
    throw new SerdeError(`a ${windowType} windowed key needs a positive window size, got ${String(windowSizeMs)}`);
  }
  const size = BigInt(windowSizeMs ?? 0);
  const suffix = session ? 16 : 8;
  const serializeParts = (keys: readonly unknown[], startValue: unknown, endValue: unknown): Buffer => {
    const start = bound(startValue, 'start');
    const end = bound(endValue, 'end');
    // A null key still has a window; its key part is empty.
    const key = inner.serialize(keys) ?? EMPTY;
    const out = Buffer.allocUnsafe(key.length + suffix);
    key.copy(out, 0);
    if (session) {
      writeInt64BE(out, end, key.length);
      writeInt64BE(out, start, key.length + 8);
    } else {
      writeInt64BE(out, start, key.length);
    }
    return out;
  };
  return {
    serializeParts,
    serialize(row) {
      if (row === null) return null;
      if (row.length < 2) throw new SerdeError(`a windowed key row needs its window bounds, got ${row.length} values`);
      return serializeParts(row.slice(0, -2), row[row.length - 2], row[row.length - 1]);
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
        end = readInt64BE(bytes, keyLen);
        start = readInt64BE(bytes, keyLen + 8);
      } else {
        start = readInt64BE(bytes, keyLen);
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
  if (typeof v === 'bigint' && v >= MIN_INT64 && v <= MAX_INT64) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new SerdeError(`window ${which} must be an integer, got ${String(v)}`);
}
