// The inverse of values.ts's restValue: a REST API JSON value (as parseJsonExact reads it)
// back into the runtime value of its column's type. A server merging rows that other
// instances answered (scale-out pull queries ordered across instances) sorts them as runtime
// values, so ORDER BY compares exactly as it does on one instance: BIGINTs and DECIMALs
// exactly, DATE/TIME/TIMESTAMP as numbers rather than text. (TIME goes over the wire in
// whole seconds, as ksqlDB writes it: its milliseconds are not there to read back.)

import { assertNever } from '../../grammar/ast.js';
import type { SqlType } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { decodeBase64 } from '../../planner/values/java-text.js';
import { parseDate, parseTime, parseTimestamp } from '../../planner/values/temporal.js';
import { JsonNumber, parseJsonExact, type JsonValue } from '../serde/json-exact.js';

export type RestReader = (v: JsonValue | undefined) => unknown;

/** Thrown for JSON that restValue could not have written for the type. */
export class RestValueError extends Error {
  override readonly name = 'RestValueError';
}

export function restValueReader(t: SqlType): RestReader {
  const read = nonNull(t);
  return (v) => (v === null || v === undefined ? null : read(v));
}

/** A row of the REST API's `columns` array back into runtime values. */
export function restRowReader(columns: readonly { readonly type: SqlType }[]): (row: readonly JsonValue[]) => unknown[] {
  const readers = columns.map((c) => restValueReader(c.type));
  return (row) => readers.map((r, i) => r(row[i]));
}

function nonNull(t: SqlType): (v: JsonValue) => unknown {
  switch (t.kind) {
    case 'BOOLEAN':
      return (v) => (typeof v === 'boolean' ? v : fail(v, t));
    case 'STRING':
      return (v) => (typeof v === 'string' ? v : fail(v, t));
    case 'INT':
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? v : fail(v, t));
    case 'BIGINT':
      return (v) => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : fail(v, t));
    case 'DOUBLE':
      // Jackson writes NaN and the infinities as strings, which Number() reads back.
      return (v) => (typeof v === 'number' ? v : v instanceof JsonNumber || typeof v === 'string' || typeof v === 'bigint' ? Number(String(v)) : fail(v, t));
    case 'DECIMAL':
      return (v) => {
        const d = v instanceof JsonNumber ? v.toDecimal() : typeof v === 'number' || typeof v === 'bigint' ? Decimal.parse(String(v)) : fail(v, t);
        return d.scale === t.scale ? d : d.setScale(t.scale);
      };
    case 'BYTES':
      return (v) => (typeof v === 'string' ? (decodeBase64(v) ?? fail(v, t)) : fail(v, t));
    case 'DATE':
      return (v) => (typeof v === 'string' ? parseDate(v) : fail(v, t));
    case 'TIME':
      return (v) => (typeof v === 'string' ? parseTime(v) : fail(v, t));
    case 'TIMESTAMP':
      return (v) => (typeof v === 'string' ? parseTimestamp(v) : fail(v, t));
    case 'ARRAY': {
      const element = restValueReader(t.element);
      return (v) => (Array.isArray(v) ? v.map(element) : fail(v, t));
    }
    case 'MAP': {
      const key = mapKeyReader(t.key);
      const value = restValueReader(t.value);
      return (v) => {
        if (!isObject(v)) return fail(v, t);
        const out = new Map<unknown, unknown>();
        for (const [k, x] of Object.entries(v)) out.set(key(k), value(x));
        return out;
      };
    }
    case 'STRUCT': {
      const fields = t.fields.map((f) => ({ name: f.name, read: restValueReader(f.type) }));
      return (v) => {
        if (!isObject(v)) return fail(v, t);
        const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const f of fields) out[f.name] = f.read(Object.hasOwn(v, f.name) ? v[f.name] : null);
        return out;
      };
    }
    default:
      return assertNever(t, 'type');
  }
}

/** A MAP key is its value's text (restKey): numbers and booleans are parsed back from it. */
function mapKeyReader(t: SqlType): (text: string) => unknown {
  const read = restValueReader(t);
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
      return (text) => read(parseJsonExact(text));
    default:
      return (text) => read(text);
  }
}

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function fail(v: JsonValue, t: SqlType): never {
  throw new RestValueError(`A REST value of type ${t.kind} cannot be ${v instanceof JsonNumber ? v.text : JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? String(x) : x))}`);
}
