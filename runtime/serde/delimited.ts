// The DELIMITED format: one CSV record per row (see csv.ts for the quoting rules), fields in
// column order. Fields are written as ksqlDB writes them (Java's toString of the value:
// DOUBLE `1.0`, DECIMAL in plain notation, BYTES base64, DATE as days, TIME and TIMESTAMP as
// milliseconds) and read with the parsers ksqlDB uses; an empty field is null.

import { assertNever } from '../../grammar/ast.js';
import type { SqlType, StructField } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { parseCsvRecord, csvField } from './csv.js';
import { decimalFitter } from './decimal-fit.js';
import {
  decodeBase64,
  encodeBase64,
  javaDoubleToString,
  parseDecimalParts,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  partsToDecimal,
} from './java-text.js';
import { SerdeError, UnsupportedFormatError, type RowSerde, type SerdeRole } from './serde.js';

/** VALUE_DELIMITER / KEY_DELIMITER: one character, or the names TAB and SPACE. */
export function resolveDelimiter(option: string | undefined): string {
  if (option === undefined) return ',';
  const named = option.toUpperCase();
  if (named === 'TAB') return '\t';
  if (named === 'SPACE') return ' ';
  if (option.length !== 1) {
    throw new UnsupportedFormatError(
      `Invalid delimiter value: '${option}'. Delimiter must be a single character or TAB,SPACE`,
    );
  }
  return option;
}

interface FieldCodec {
  write(v: unknown): string;
  /** `s` is never empty: an empty field is null without asking the codec. */
  read(s: string): unknown;
}

export function delimitedSerde(columns: readonly StructField[], delimiter: string, role: SerdeRole): RowSerde {
  const n = columns.length;
  const codecs = columns.map((c) => fieldCodec(c.type));
  const delimCode = delimiter.charCodeAt(0);
  return {
    serialize(row) {
      if (row === null) return null;
      if (row.length !== n) throw new SerdeError(`Column count mismatch on serialization. expected: ${n}, got: ${row.length}`);
      // A null single key is no key at all, as with the other formats.
      if (role === 'key' && n === 1 && (row[0] === null || row[0] === undefined)) return null;
      let out = '';
      let i = 0;
      try {
        for (; i < n; i++) {
          const v = row[i];
          out += (i === 0 ? '' : delimiter) + csvField(v === null || v === undefined ? null : codecs[i]!.write(v), i === 0, delimCode);
        }
      } catch (e) {
        throw new SerdeError(`cannot write column ${columns[i]!.name} as DELIMITED: ${(e as Error).message}`);
      }
      return Buffer.from(out, 'utf8');
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      let fields: string[] | null;
      try {
        fields = parseCsvRecord(bytes.toString('utf8'), delimCode);
      } catch (e) {
        throw new SerdeError(`Error deserializing delimited: ${(e as Error).message}`);
      }
      // ksqlDB writes a lone null field as an empty record and then cannot read it back;
      // reading it as that null keeps our own output readable.
      if (fields === null) {
        if (n <= 1) return n === 0 ? [] : [null];
        throw new SerdeError('No fields in record');
      }
      if (fields.length !== n) {
        throw new SerdeError(`Column count mismatch on deserialization. expected: ${n}, got: ${fields.length}`);
      }
      const row = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const s = fields[i]!;
        row[i] = s.length === 0 ? null : codecs[i]!.read(s);
      }
      return row;
    },
  };
}

function fieldCodec(type: SqlType): FieldCodec {
  switch (type.kind) {
    case 'BOOLEAN':
      return {
        write: (v) => (typeof v === 'boolean' ? String(v) : wrongType(v, 'BOOLEAN')),
        // Boolean.parseBoolean: anything but "true" (any case) is false, never an error.
        read: (s) => s.toLowerCase() === 'true',
      };
    case 'INT':
      return { write: (v) => integerText(v, 'INTEGER'), read: (s) => parseJavaInt(s) ?? fail(s, 'INTEGER') };
    case 'DATE':
      return { write: (v) => integerText(v, 'DATE'), read: (s) => parseJavaInt(s) ?? fail(s, 'DATE') };
    case 'TIME':
      return { write: (v) => integerText(v, 'TIME'), read: (s) => parseJavaInt(s) ?? fail(s, 'TIME') };
    case 'BIGINT':
      return { write: (v) => integerText(v, 'BIGINT'), read: (s) => parseJavaLong(s) ?? fail(s, 'BIGINT') };
    case 'TIMESTAMP':
      return {
        write: (v) => integerText(v, 'TIMESTAMP'),
        read: (s) => {
          const l = parseJavaLong(s);
          const n = l === undefined ? NaN : Number(l);
          return Number.isSafeInteger(n) ? n : fail(s, 'TIMESTAMP');
        },
      };
    case 'DOUBLE':
      return {
        write: (v) => (typeof v === 'number' ? javaDoubleToString(v) : wrongType(v, 'DOUBLE')),
        read: (s) => parseJavaDouble(s) ?? fail(s, 'DOUBLE'),
      };
    case 'STRING':
      return { write: (v) => (typeof v === 'string' ? v : wrongType(v, 'STRING')), read: (s) => s };
    case 'DECIMAL': {
      const fit = decimalFitter(type.precision, type.scale);
      const scale = type.scale;
      return {
        write: (v) => {
          if (!(v instanceof Decimal)) return wrongType(v, 'DECIMAL');
          return (v.scale === scale ? v : v.setScale(scale)).toString();
        },
        read: (s) => {
          const parts = parseDecimalParts(s);
          return parts === undefined ? fail(s, 'DECIMAL') : fit(partsToDecimal(parts));
        },
      };
    }
    case 'BYTES':
      return {
        write: (v) => (v instanceof Uint8Array ? encodeBase64(v) : wrongType(v, 'BYTES')),
        read: (s) => decodeBase64(s) ?? fail(s, 'BYTES'),
      };
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      // createSerde rejects these before a codec is asked for.
      throw new UnsupportedFormatError(`The 'DELIMITED' format does not support type '${type.kind}'`);
    default:
      return assertNever(type, 'type');
  }
}

function integerText(v: unknown, type: string): string {
  if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint') return String(v);
  return wrongType(v, type);
}

function wrongType(v: unknown, type: string): never {
  throw new SerdeError(`expected a ${type} value, got ${typeof v}`);
}

function fail(s: string, type: string): never {
  throw new SerdeError(`Error deserializing delimited: cannot read '${s}' as ${type}`);
}
