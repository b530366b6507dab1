// The KAFKA format: one column in Kafka's own primitive serdes. INT is a 4-byte big-endian
// two's complement, BIGINT 8 bytes, DOUBLE an 8-byte IEEE 754 big-endian, STRING UTF-8 and
// BYTES the raw bytes. Like Kafka's deserializers, a wrong length is an error, and a null
// value is written as no bytes at all (so a null single value is indistinguishable from a
// null row, as in ksqlDB).

import type { SqlType, StructField } from '../../planner/types.js';
import { MAX_INT64, MIN_INT64, readInt64BE, writeInt64BE } from './int64.js';
import { SerdeError, type RowSerde } from './serde.js';

interface Primitive {
  encode(v: unknown): Buffer;
  decode(b: Buffer): unknown;
}

const INT: Primitive = {
  encode(v) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw wrongValue(v, 'INTEGER');
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v, 0);
    return b;
  },
  decode(b) {
    if (b.length !== 4) throw wrongSize('IntegerDeserializer', 4);
    return b.readInt32BE(0);
  },
};

const BIGINT: Primitive = {
  encode(v) {
    const n = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
    if (n === undefined || n < MIN_INT64 || n > MAX_INT64) throw wrongValue(v, 'BIGINT');
    const b = Buffer.allocUnsafe(8);
    writeInt64BE(b, n, 0);
    return b;
  },
  decode(b) {
    if (b.length !== 8) throw wrongSize('LongDeserializer', 8);
    return readInt64BE(b, 0);
  },
};

const DOUBLE: Primitive = {
  encode(v) {
    if (typeof v !== 'number') throw wrongValue(v, 'DOUBLE');
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(v, 0);
    return b;
  },
  decode(b) {
    if (b.length !== 8) throw wrongSize('DoubleDeserializer', 8);
    return b.readDoubleBE(0);
  },
};

const STRING: Primitive = {
  encode(v) {
    if (typeof v !== 'string') throw wrongValue(v, 'STRING');
    return Buffer.from(v, 'utf8');
  },
  decode(b) {
    return b.toString('utf8');
  },
};

const BYTES: Primitive = {
  encode(v) {
    if (!(v instanceof Uint8Array)) throw wrongValue(v, 'BYTES');
    return Buffer.from(v);
  },
  decode(b) {
    // A copy: the caller's buffer may be a view into a batch that gets reused.
    return Buffer.from(b);
  },
};

/** The primitive for a column type, or undefined when KAFKA cannot carry it. */
export function kafkaPrimitive(kind: SqlType['kind']): Primitive | undefined {
  switch (kind) {
    case 'INT':
      return INT;
    case 'BIGINT':
      return BIGINT;
    case 'DOUBLE':
      return DOUBLE;
    case 'STRING':
      return STRING;
    case 'BYTES':
      return BYTES;
    default:
      return undefined;
  }
}

/** Serde for exactly one column whose type kafkaPrimitive supports (createSerde checks). */
export function kafkaSerde(column: StructField): RowSerde {
  const p = kafkaPrimitive(column.type.kind)!;
  return {
    serialize(row) {
      if (row === null) return null;
      if (row.length !== 1) throw new SerdeError(`Column count mismatch on serialization. expected: 1, got: ${row.length}`);
      const v = row[0];
      return v === null || v === undefined ? null : p.encode(v);
    },
    deserialize(bytes) {
      return bytes === null ? null : [p.decode(bytes)];
    },
  };
}

function wrongSize(deserializer: string, size: number): SerdeError {
  return new SerdeError(`Size of data received by ${deserializer} is not ${size}`);
}

function wrongValue(v: unknown, type: string): SerdeError {
  return new SerdeError(`cannot write ${typeof v === 'object' ? String(v) : `${typeof v} ${String(v)}`} as KAFKA ${type}`);
}
