// Runtime values → JSON text, as ksqlDB's JSON serializer (Kafka Connect's JsonConverter with
// decimal.format=NUMERIC) writes them: compact, BIGINT exact, DOUBLE as Java prints it (`1.0`,
// `1.0E10`, non-finite as the strings "NaN"/"Infinity"), DECIMAL as a plain number with its
// scale (`1.10`), BYTES as base64, DATE as days, TIME/TIMESTAMP as milliseconds, MAP as an
// object, STRUCT fields under their declared names. Writers are compiled once per schema.

import { assertNever } from '../../grammar/ast.js';
import { formatType, type SqlType, type StructField } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { encodeBase64, javaDoubleToString } from './java-text.js';
import { SerdeError } from './serde.js';

/** Writes one runtime value (null included) as JSON text. */
export type JsonWriter = (v: unknown) => string;

export function jsonWriter(type: SqlType): JsonWriter {
  switch (type.kind) {
    case 'BOOLEAN':
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (typeof v !== 'boolean') throw wrongType(v, type);
        return v ? 'true' : 'false';
      };
    case 'INT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (typeof v === 'number' && Number.isInteger(v)) return String(v);
        if (typeof v === 'bigint') return v.toString();
        throw wrongType(v, type);
      };
    case 'BIGINT':
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'number' && Number.isInteger(v)) return String(v);
        throw wrongType(v, type);
      };
    case 'DOUBLE':
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (typeof v !== 'number') throw wrongType(v, type);
        return Number.isFinite(v) ? plainDoubleText(v) : '"' + javaDoubleToString(v) + '"';
      };
    case 'DECIMAL': {
      const scale = type.scale;
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (!(v instanceof Decimal)) throw wrongType(v, type);
        return (v.scale === scale ? v : v.setScale(scale)).toString();
      };
    }
    case 'STRING':
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (typeof v !== 'string') throw wrongType(v, type);
        return JSON.stringify(v);
      };
    case 'BYTES':
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (!(v instanceof Uint8Array)) throw wrongType(v, type);
        return '"' + encodeBase64(v) + '"';
      };
    case 'ARRAY': {
      const write = jsonWriter(type.element);
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (!Array.isArray(v)) throw wrongType(v, type);
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + write(v[i]);
        return out + ']';
      };
    }
    case 'MAP': {
      const write = jsonWriter(type.value);
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (!(v instanceof Map)) throw wrongType(v, type);
        let out = '{';
        let first = true;
        for (const [k, x] of v as Map<unknown, unknown>) {
          out += (first ? '' : ',') + JSON.stringify(String(k)) + ':' + write(x);
          first = false;
        }
        return out + '}';
      };
    }
    case 'STRUCT': {
      const write = objectWriters(type.fields).byName;
      return (v) => {
        if (v === null || v === undefined) return 'null';
        if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(v, type);
        return write(v as Record<string, unknown>);
      };
    }
    default:
      return assertNever(type, 'type');
  }
}

interface ObjectWriters {
  /** A STRUCT value: fields looked up by declared name. */
  readonly byName: (obj: Readonly<Record<string, unknown>>) => string;
  /** A row: fields taken by position. */
  readonly byIndex: (row: readonly unknown[]) => string;
}

function objectWriters(fields: readonly StructField[]): ObjectWriters {
  const names = fields.map((f) => f.name);
  // `{"A":` then `,"B":`: the field names are escaped once, here.
  const prefixes = fields.map((f, i) => (i === 0 ? '{' : ',') + JSON.stringify(f.name) + ':');
  const writers = fields.map((f) => jsonWriter(f.type));
  const n = fields.length;
  // A field named like `toString` would find Object.prototype's member through plain indexing.
  const inherited = names.map((name) => name in Object.prototype);
  return {
    byName: (obj) => {
      if (n === 0) return '{}';
      let out = '';
      for (let i = 0; i < n; i++) {
        const name = names[i]!;
        const v = inherited[i] && !Object.hasOwn(obj, name) ? undefined : obj[name];
        out += prefixes[i]! + writers[i]!(v === undefined ? null : v);
      }
      return out + '}';
    },
    byIndex: (row) => {
      if (n === 0) return '{}';
      let out = '';
      for (let i = 0; i < n; i++) out += prefixes[i]! + writers[i]!(row[i]);
      return out + '}';
    },
  };
}

/** A whole row as one JSON object whose field names are the column names. */
export function rowObjectWriter(columns: readonly StructField[]): (row: readonly unknown[]) => string {
  return objectWriters(columns).byIndex;
}

/**
 * javaDoubleToString, with a fast path for the magnitudes Java prints without an exponent
 * (1e-3 <= |d| < 1e7): there JavaScript's own text has the same shortest digits, also
 * without an exponent, and lacks only Java's ".0" on whole numbers.
 */
export function plainDoubleText(d: number): string {
  const a = d < 0 ? -d : d;
  if (a >= 1e-3 && a < 1e7) {
    const t = String(d);
    return t.includes('.') ? t : t + '.0';
  }
  return javaDoubleToString(d);
}

function wrongType(v: unknown, type: SqlType): SerdeError {
  const got = v instanceof Uint8Array ? 'bytes' : v instanceof Map ? 'map' : Array.isArray(v) ? 'array' : typeof v;
  return new SerdeError(`cannot write a ${got} value as ${formatType(type)}`);
}
