// Comparison, equality and hashing of runtime values (see planner/types.ts for the
// representation), shared by the array, map and aggregate functions.

import { Decimal } from '../../planner/values/decimal.js';

/**
 * Orders two non-null values of the same SQL type as ksqlDB (Java's compareTo) does:
 * numbers numerically, strings by UTF-16 code unit, false before true, bytes as signed bytes
 * (ByteBuffer.compareTo), arrays element by element.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // Java's Double.compare: NaN sorts above everything, -0.0 below 0.0.
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return a === 0 ? (Object.is(a, -0) ? (Object.is(b, -0) ? 0 : -1) : Object.is(b, -0) ? 1 : 0) : 0;
    return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = ((a[i]! << 24) >> 24) - ((b[i]! << 24) >> 24);
      if (d !== 0) return d;
    }
    return a.length - b.length;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareNullsLast(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new TypeError(`cannot compare ${describe(a)} with ${describe(b)}`);
}

/** compareValues with nulls after every value (ARRAY_SORT's order). */
export function compareNullsLast(a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return compareValues(a, b);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Deep equality as Java's equals() on ksqlDB values (structs, maps and lists compare by content). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Decimal && b instanceof Decimal) return a.equals(b);
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((e, i) => valuesEqual(e, b[i]));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      const match = [...b].find(([bk]) => valuesEqual(k, bk));
      if (!match || !valuesEqual(v, match[1])) return false;
    }
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ak = Object.keys(a as object);
    const bk = Object.keys(b as object);
    return (
      ak.length === bk.length &&
      ak.every((k) => valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k] ?? null))
    );
  }
  return false;
}

/**
 * A string that is equal for two values exactly when `valuesEqual` holds, for hashing values
 * into sets (ARRAY_DISTINCT, COLLECT_SET, COUNT_DISTINCT). Map keys are sorted so that entry
 * order does not matter.
 */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'number':
      return 'd' + (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '0' : String(v));
    case 'bigint':
      return 'l' + v.toString();
    case 'string':
      return 's' + JSON.stringify(v);
    case 'boolean':
      return v ? 't' : 'f';
    default:
      break;
  }
  if (v instanceof Decimal) {
    // Numerically equal decimals (1.0, 1.00) share a key: strip trailing zeros.
    let u = v.unscaled;
    let s = v.scale;
    while (s > 0 && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return `D${u}e${s}`;
  }
  if (Buffer.isBuffer(v)) return 'b' + v.toString('base64');
  if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, e]) => `${valueKey(k)}:${valueKey(e)}`).sort().join(',')}}`;
  return `(${Object.entries(v as Record<string, unknown>)
    .map(([k, e]) => `${JSON.stringify(k)}:${valueKey(e)}`)
    .join(',')})`;
}
