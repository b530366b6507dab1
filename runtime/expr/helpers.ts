// Runtime helpers the compiled expressions call: Java integer division, ksqlDB's subscript and
// equality semantics, LIKE patterns. Each takes non-null operands unless it says otherwise.

import type { Struct } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { EvaluationError } from './errors.js';

/** ksqlDB's generated Java unboxes arithmetic operands, so a null one fails the expression. */
export function nullOperand(): never {
  throw new EvaluationError('Arithmetic on a null operand');
}

export function intDiv(a: number, b: number): number {
  if (b === 0) throw new EvaluationError('/ by zero');
  return (a / b) | 0;
}
export function intRem(a: number, b: number): number {
  if (b === 0) throw new EvaluationError('/ by zero');
  // `| 0` turns JavaScript's -0 (from -4 % 2) into Java's 0.
  return (a % b) | 0;
}
export function longDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new EvaluationError('/ by zero');
  // Long.MIN_VALUE / -1 overflows back to Long.MIN_VALUE in Java.
  return BigInt.asIntN(64, a / b);
}
export function longRem(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new EvaluationError('/ by zero');
  return a % b;
}

/** ByteBuffer.compareTo: lexicographic over signed bytes. */
export function compareBytes(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = (a[i]! << 24) >> 24;
    const y = (b[i]! << 24) >> 24;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Structural equality of two runtime values of the same SQL type, as Java's equals on ksqlDB's
 * objects: nulls inside collections are equal to each other, DECIMALs compare by value.
 */
export function deepEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number') return typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Decimal) return b instanceof Decimal && a.equals(b);
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const match = b.has(k) ? { value: b.get(k) } : findEntry(b, k);
      if (!match || !deepEquals(v, match.value)) return false;
    }
    return true;
  }
  const sa = a as Struct;
  const sb = b as Struct;
  const keys = Object.keys(sa);
  if (keys.length !== Object.keys(sb).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(sb, k) || !deepEquals(sa[k], sb[k])) return false;
  }
  return true;
}

/** `arr[i]`: 1-based, negative from the end (-1 is the last), null when out of range. */
export function arrayAccess(arr: readonly unknown[] | null, index: number | null): unknown {
  if (arr === null || arr === undefined || index === null || index === undefined) return null;
  const i = index >= 0 ? index - 1 : arr.length + index;
  if (i < 0 || i >= arr.length) return null;
  const v = arr[i];
  return v === undefined ? null : v;
}

/** The entry whose key equals `key` by value (keys that are objects: DECIMAL, BYTES, ARRAY, MAP, STRUCT). */
function findEntry(map: ReadonlyMap<unknown, unknown>, key: unknown): { value: unknown } | undefined {
  if (key === null || typeof key !== 'object') return undefined;
  for (const [k, v] of map) if (deepEquals(k, key)) return { value: v };
  return undefined;
}

/** `map[key]`, null when absent; object keys are matched by value. */
export function mapGet(map: ReadonlyMap<unknown, unknown>, key: unknown): unknown {
  const v = map.has(key) ? map.get(key) : findEntry(map, key)?.value;
  return v === undefined ? null : v;
}

/** `struct->field`: a missing field reads as null (and inherited properties never count). */
export function field(struct: Struct, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(struct, name) ? (struct[name] ?? null) : null;
}

/**
 * ksqlDB's LikeEvaluator: `%` is any run of characters, `_` one character, the escape character
 * makes the next one literal. Like Java's regex, `.` does not cross line breaks.
 */
export function likePattern(pattern: string, escape: string | undefined): RegExp {
  let re = '';
  let escaped = false;
  for (const c of pattern) {
    if (escaped) {
      re += quote(c);
      escaped = false;
    } else if (c === escape) {
      escaped = true;
    } else if (c === '%') {
      re += '.*';
    } else if (c === '_') {
      re += '.';
    } else {
      re += quote(c);
    }
  }
  if (escaped) throw new EvaluationError('LIKE pattern must not end with escape character');
  return new RegExp(`^(?:${re})$`, 'u');
}

function quote(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** A LIKE whose pattern varies per record: remembers the last pattern's regex. */
export function likeMatcher(escape: string | undefined): (value: string, pattern: string) => boolean {
  let last: string | undefined;
  let re: RegExp | undefined;
  return (value, pattern) => {
    if (pattern !== last) {
      re = likePattern(pattern, escape);
      last = pattern;
    }
    return re!.test(value);
  };
}
