// Parsed JSON → runtime values, following ksqlDB's KsqlJsonDeserializer coercions. Readers are
// compiled once per schema into closures, in two flavours:
//
// - fast: for trees from JSON.parse. Its numbers are doubles, exact only because json.ts
//   sends any document with a 16+ digit run to the exact parser. Where the double cannot give
//   ksqlDB's answer (a number read as STRING needs its written text; a huge integer), the
//   reader throws NEED_EXACT and json.ts re-reads the document exactly.
// - exact: for trees from parseJsonExact (number | bigint | JsonNumber).
//
// Coercions (ksqlDB's): numbers and numeric strings to INT/BIGINT/DOUBLE/DECIMAL (fractions
// truncate, wide values wrap like Java's intValue/longValue); any scalar to STRING (objects
// as JSON text, arrays as `[a, b]`); BOOLEAN only from true/false; BYTES from base64;
// DATE/TIME/TIMESTAMP from numbers or numeric strings. STRUCT fields match the declared
// name exactly, else the JSON key upper-cased.

import { formatType, type SqlType, type StructField } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { assertNever } from '../../grammar/ast.js';
import { decimalFitter, decimalNumberFitter } from './decimal-fit.js';
import { JsonNumber } from './json-exact.js';
import {
  decodeBase64,
  javaBigDecimalToString,
  parseDecimalParts,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  partsToBigInt,
  partsToDecimal,
  type DecimalParts,
} from './java-text.js';
import { SerdeError } from './serde.js';

/** Reads one parsed JSON value (possibly null/undefined) as a runtime value. */
export type JsonReader = (v: unknown) => unknown;

/** Thrown (not an Error: no stack to capture) when only the exact tree can answer. */
export const NEED_EXACT: unique symbol = Symbol('NEED_EXACT');

/** A coercion failure; `path` grows as it unwinds (`$.A[1].B`), as in ksqlDB's messages. */
export class JsonCoercionError extends SerdeError {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${reason}, path: ${path}`);
  }
}

export function jsonReader(type: SqlType, exact: boolean): JsonReader {
  switch (type.kind) {
    case 'BOOLEAN':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'boolean') return v;
        throw cannotConvert(v, 'BOOLEAN');
      };
    case 'INT':
      return intReader(exact);
    case 'BIGINT':
      return bigintReader(exact);
    case 'DOUBLE':
      return doubleReader();
    case 'DECIMAL':
      return decimalReader(type.precision, type.scale, exact);
    case 'STRING':
      return exact ? exactStringReader : fastStringReader;
    case 'BYTES':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'string') throw cannotConvert(v, 'BYTES');
        const b = decodeBase64(v);
        if (b === undefined) throw new JsonCoercionError(`Value is not a valid Base64 encoded string: ${v}`, '');
        return b;
      };
    case 'DATE':
      return longNumberReader('DATE', exact, (n) => n);
    case 'TIME':
      return longNumberReader('TIME', exact, (n) => {
        if (n < 0 || n >= 86_400_000) {
          throw new JsonCoercionError(
            'Time values must use number of milliseconds greater than 0 and less than 86400000.',
            '',
          );
        }
        return n;
      });
    case 'TIMESTAMP':
      return longNumberReader('TIMESTAMP', exact, (n) => n);
    case 'ARRAY':
      return arrayReader(type.element, exact);
    case 'MAP':
      return mapReader(type.value, exact);
    case 'STRUCT':
      return structReader(type.fields, exact);
    default:
      return assertNever(type, 'type');
  }
}

function intReader(exact: boolean): JsonReader {
  return (v) => {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'number': {
        const t = Math.trunc(v);
        // `| 0` keeps the low 32 bits, as Java's intValue() does for wider values.
        if (Number.isSafeInteger(t)) return t | 0;
        if (!exact) throw NEED_EXACT;
        throw cannotConvert(v, 'INTEGER');
      }
      case 'bigint':
        return Number(BigInt.asIntN(32, v));
      case 'string': {
        const n = parseJavaInt(v);
        if (n === undefined) throw cannotCoerceString('INTEGER');
        return n;
      }
    }
    if (v instanceof JsonNumber) return Number(BigInt.asIntN(32, partsToBigInt(numberParts(v, 'INTEGER'))));
    throw cannotConvert(v, 'INTEGER');
  };
}

function bigintReader(exact: boolean): JsonReader {
  return (v) => {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'number': {
        const t = Math.trunc(v);
        if (Number.isSafeInteger(t)) return BigInt(t);
        if (!exact) throw NEED_EXACT;
        throw cannotConvert(v, 'BIGINT');
      }
      case 'bigint':
        return BigInt.asIntN(64, v);
      case 'string': {
        const n = parseJavaLong(v);
        if (n === undefined) throw cannotCoerceString('BIGINT');
        return n;
      }
    }
    if (v instanceof JsonNumber) return BigInt.asIntN(64, partsToBigInt(numberParts(v, 'BIGINT')));
    throw cannotConvert(v, 'BIGINT');
  };
}

function doubleReader(): JsonReader {
  return (v) => {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'number':
        return v;
      case 'bigint':
        return Number(v);
      case 'string': {
        const n = parseJavaDouble(v);
        if (n === undefined) throw cannotCoerceString('DOUBLE');
        return n;
      }
    }
    if (v instanceof JsonNumber) return Number(v.text);
    throw cannotConvert(v, 'DOUBLE');
  };
}

function decimalReader(precision: number, scale: number, exact: boolean): JsonReader {
  const fit = decimalFitter(precision, scale);
  const fitNumber = decimalNumberFitter(precision, scale);
  const typeName = `DECIMAL(${precision}, ${scale})`;
  return (v) => {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'number':
        // A double with at most 15 significant digits prints back as the decimal it was
        // parsed from; JSON.parse made 1e400 Infinity, which only the exact text can fit.
        if (!Number.isFinite(v)) {
          if (!exact) throw NEED_EXACT;
          throw cannotConvert(v, typeName);
        }
        return fitNumber(v);
      case 'bigint':
        return fit(Decimal.fromBigInt(v));
      case 'string': {
        const parts = parseDecimalParts(v);
        if (parts === undefined) throw cannotCoerceString('DECIMAL');
        return fit(partsToDecimal(parts));
      }
    }
    if (v instanceof JsonNumber) return fit(partsToDecimal(numberParts(v, typeName)));
    throw cannotConvert(v, typeName);
  };
}

/** DATE, TIME and TIMESTAMP: Jackson's asLong() of a number, or Long.parseLong of a string. */
function longNumberReader(typeName: string, exact: boolean, check: (n: number) => number): JsonReader {
  return (v) => {
    if (v === null || v === undefined) return null;
    let n: number;
    switch (typeof v) {
      case 'number':
        n = Math.trunc(v);
        if (!Number.isSafeInteger(n)) {
          if (!exact) throw NEED_EXACT;
          throw cannotConvert(v, typeName);
        }
        break;
      case 'bigint':
        n = safeNumber(BigInt.asIntN(64, v), v, typeName);
        break;
      case 'string': {
        const l = parseJavaLong(v);
        if (l === undefined) throw cannotCoerceString(typeName);
        n = safeNumber(l, v, typeName);
        break;
      }
      default:
        if (!(v instanceof JsonNumber)) throw cannotConvert(v, typeName);
        n = safeNumber(BigInt.asIntN(64, partsToBigInt(numberParts(v, typeName))), v, typeName);
    }
    return check(n === 0 ? 0 : n);
  };
}

function safeNumber(l: bigint, v: unknown, typeName: string): number {
  const n = Number(l);
  if (!Number.isSafeInteger(n)) throw cannotConvert(v, typeName);
  return n;
}

// A number read as STRING becomes the text Jackson would give it: integers as digits,
// fractions as BigDecimal.toString(). JSON.parse has lost that text, hence NEED_EXACT.
const fastStringReader: JsonReader = (v) => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw NEED_EXACT;
};

const exactStringReader: JsonReader = (v) => {
  if (v === null || v === undefined) return null;
  return exactStringOf(v);
};

function exactStringOf(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return String(v === 0 ? 0 : v);
    case 'bigint':
      return v.toString();
  }
  if (v instanceof JsonNumber) return javaBigDecimalToString(numberParts(v, 'STRING'));
  if (Array.isArray(v)) {
    // ksqlDB reads the array as ARRAY<STRING> and prints the list: `[a, null, [b, c]]`.
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      out += (i === 0 ? '' : ', ') + (e === null || e === undefined ? 'null' : exactStringOf(e));
    }
    return out + ']';
  }
  return jacksonText(v);
}

/** An object as ksqlDB re-serialises it for a STRING column: compact, fractions via BigDecimal. */
function jacksonText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return String(v === 0 ? 0 : v);
    case 'bigint':
      return v.toString();
  }
  if (v instanceof JsonNumber) return javaBigDecimalToString(numberParts(v, 'STRING'));
  if (Array.isArray(v)) return '[' + v.map(jacksonText).join(',') + ']';
  const obj = v as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k in obj) {
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + jacksonText(obj[k]);
    first = false;
  }
  return out + '}';
}

function numberParts(v: JsonNumber, typeName: string): DecimalParts {
  const parts = parseDecimalParts(v.text);
  if (parts === undefined) throw cannotConvert(v, typeName);
  return parts;
}

export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function arrayReader(element: SqlType, exact: boolean): JsonReader {
  const read = jsonReader(element, exact);
  const typeName = formatType({ kind: 'ARRAY', element });
  return (v) => {
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) throw cannotConvert(v, typeName);
    const n = v.length;
    const out = new Array<unknown>(n);
    let i = 0;
    try {
      for (; i < n; i++) out[i] = read(v[i]);
    } catch (e) {
      throw withPath(e, `[${i}]`);
    }
    return out;
  };
}

function mapReader(valueType: SqlType, exact: boolean): JsonReader {
  // JSON maps always have STRING keys (createSerde rejects others), so keys pass through.
  const read = jsonReader(valueType, exact);
  const typeName = formatType({ kind: 'MAP', key: { kind: 'STRING' }, value: valueType });
  return (v) => {
    if (v === null || v === undefined) return null;
    if (!isJsonObject(v)) throw cannotConvert(v, typeName);
    const out = new Map<string, unknown>();
    let key = '';
    try {
      for (key in v) out.set(key, read(v[key]));
    } catch (e) {
      throw withPath(e, `.${key}.value`);
    }
    return out;
  };
}

function structReader(fields: readonly StructField[], exact: boolean): JsonReader {
  const readFields = fieldsReader(fields, exact);
  const n = fields.length;
  const names = fields.map((f) => f.name);
  const typeName = formatType({ kind: 'STRUCT', fields });
  const scratch = new Array<unknown>(n);
  const plain = names.every((name) => name !== '__proto__');
  return (v) => {
    if (v === null || v === undefined) return null;
    if (!isJsonObject(v)) throw cannotConvert(v, typeName);
    readFields(v, scratch);
    const out: Record<string, unknown> = {};
    if (plain) for (let i = 0; i < n; i++) out[names[i]!] = scratch[i];
    else for (let i = 0; i < n; i++) Object.defineProperty(out, names[i]!, { value: scratch[i], enumerable: true, writable: true, configurable: true });
    return out;
  };
}

/** Reads the declared fields of a JSON object into `out`, in declaration order. */
export type FieldsReader = (obj: Record<string, unknown>, out: unknown[]) => void;

/**
 * ksqlDB's field matching: the declared name exactly, else a JSON key whose upper-case form
 * is the declared name (the last such key wins). Unquoted SQL names are upper case, so
 * `{"id": 1}` fills column ID, while a quoted `id` column only matches "id".
 */
export function fieldsReader(fields: readonly StructField[], exact: boolean): FieldsReader {
  const n = fields.length;
  const names = fields.map((f) => f.name);
  const readers = fields.map((f) => jsonReader(f.type, exact));
  // A name like `toString` would find Object.prototype's member through plain indexing.
  const inherited = names.map((name) => name in Object.prototype);
  const byName = new Map(names.map((name, i) => [name, i]));
  const missing = new Uint8Array(n);
  return (obj, out) => {
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      const raw = inherited[i] && !Object.hasOwn(obj, name) ? undefined : obj[name];
      out[i] = raw;
      if (raw === undefined) {
        missing[i] = 1;
        misses++;
      } else missing[i] = 0;
    }
    if (misses > 0) {
      for (const key in obj) {
        const idx = byName.get(upperCase(key));
        if (idx !== undefined && missing[idx] === 1) out[idx] = obj[key];
      }
    }
    let i = 0;
    try {
      for (; i < n; i++) out[i] = readers[i]!(out[i]);
    } catch (e) {
      throw withPath(e, `.${names[i]}`);
    }
  };
}

// JSON keys repeat from record to record, so their upper-case forms are worth remembering.
const upperCache = new Map<string, string>();
function upperCase(key: string): string {
  let u = upperCache.get(key);
  if (u === undefined) {
    if (upperCache.size >= 10_000) upperCache.clear();
    u = key.toUpperCase();
    upperCache.set(key, u);
  }
  return u;
}

function withPath(e: unknown, step: string): unknown {
  if (e instanceof JsonCoercionError) return new JsonCoercionError(e.reason, step + e.path);
  if (e instanceof SerdeError) return new JsonCoercionError(e.message, step);
  return e;
}

/** Prefixes the root `$` onto a coercion error's path. */
export function rootPath(e: unknown): unknown {
  return withPath(e, '$');
}

function cannotConvert(v: unknown, typeName: string): JsonCoercionError {
  return new JsonCoercionError(`Can't convert type. sourceType: ${nodeKind(v)}, requiredType: ${typeName}`, '');
}

function cannotCoerceString(typeName: string): JsonCoercionError {
  return new JsonCoercionError(`Can't coerce string to type. targetType: ${typeName}`, '');
}

/** Jackson's node class names, which ksqlDB's messages show. */
export function nodeKind(v: unknown): string {
  switch (typeof v) {
    case 'boolean':
      return 'BooleanNode';
    case 'string':
      return 'TextNode';
    case 'number':
      return Number.isInteger(v) ? 'IntNode' : 'DecimalNode';
    case 'bigint':
      return 'BigIntegerNode';
  }
  if (v instanceof JsonNumber) return 'DecimalNode';
  return Array.isArray(v) ? 'ArrayNode' : 'ObjectNode';
}
