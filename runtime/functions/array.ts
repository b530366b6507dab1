// Array functions. Elements compare by value (structs, maps and nested arrays by content);
// the set operations keep first-occurrence order, as ksqlDB's LinkedHashSet-based ones do.

import type { CallTypes, FunctionDef, ScalarOverload } from '../../planner/functions.js';
import {
  BIGINT,
  BOOLEAN,
  INT,
  STRING,
  arrayType,
  structType,
  type ArrayType,
} from '../../planner/types.js';
import { Category, lenient, scalar, strict } from './define.js';
import { javaToString } from '../expr/format.js';
import { ARRAY_OF, MAP_OF, P_BIGINT, P_BOOLEAN, P_INT, P_STRING, T } from './params.js';
import { bound } from './resolve.js';
import { compareNullsLast, valueKey, valuesEqual } from './values.js';

const arrayOfT = (call: CallTypes) => arrayType(bound(call, 'T'));
const elementT = (call: CallTypes) => bound(call, 'T');

function distinct(xs: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const x of xs) {
    const k = valueKey(x);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(x);
    }
  }
  return out;
}

function keys(xs: readonly unknown[]): Set<string> {
  return new Set(xs.map(valueKey));
}

function extreme(xs: readonly unknown[], sign: 1 | -1): unknown {
  let best: unknown = null;
  for (const x of xs) {
    if (x === null) continue;
    if (best === null || compareNullsLast(x, best) * sign > 0) best = x;
  }
  return best;
}

/** List.subList(from - 1, to) with SQL's 1-based inclusive bounds; NULL when out of range. */
function slice(xs: readonly unknown[], from: number | null, to: number | null): unknown[] | null {
  const start = from === null ? 0 : from - 1;
  const end = to === null ? xs.length : to;
  if (start < 0 || end > xs.length || start > end) return null;
  return xs.slice(start, end);
}

function series<N extends number | bigint>(start: N, end: N, step: N, zero: N): N[] {
  if (step === zero) throw new RangeError('GENERATE_SERIES step cannot be zero');
  const up = step > zero;
  if ((up && end < start) || (!up && end > start)) {
    throw new RangeError('GENERATE_SERIES step has the wrong sign for the range');
  }
  const out: N[] = [];
  for (let v = start; up ? v <= end : v >= end; v = (typeof v === 'bigint' ? v + (step as bigint) : (v as number) + (step as number)) as N) {
    out.push(v);
  }
  return out;
}

/** ARRAY_JOIN prints elements with Java's toString (so DOUBLE 0 is `0.0`). */
const arrayJoin: ScalarOverload[] = [
  [ARRAY_OF(T)],
  [ARRAY_OF(T), P_STRING],
].map((params) => ({
  params,
  returns: STRING,
  make: (call: CallTypes) => {
    const element = (call.argTypes[0] as ArrayType).element;
    const text = (x: unknown) => javaToString(x, element);
    return (xs: unknown[] | null, delim: string | null = ',') => (xs === null ? null : xs.map(text).join(delim ?? ''));
  },
}));

export const arrayFunctions: readonly FunctionDef[] = [
  scalar('ARRAY_CONTAINS', Category.ARRAY, 'Whether an array contains a value.', [
    lenient([ARRAY_OF(T), T], BOOLEAN, (xs: unknown[] | null, v: unknown) => xs !== null && xs.some((x) => valuesEqual(x, v))),
  ]),
  scalar('ARRAY_DISTINCT', Category.ARRAY, 'The distinct elements of an array, in first-occurrence order.', [
    strict([ARRAY_OF(T)], arrayOfT, distinct),
  ]),
  scalar('ARRAY_EXCEPT', Category.ARRAY, 'The distinct elements of the first array that are not in the second.', [
    strict([ARRAY_OF(T), ARRAY_OF(T)], arrayOfT, (a: unknown[], b: unknown[]) => {
      const drop = keys(b);
      return distinct(a).filter((x) => !drop.has(valueKey(x)));
    }),
  ]),
  scalar('ARRAY_INTERSECT', Category.ARRAY, 'The distinct elements found in both arrays.', [
    strict([ARRAY_OF(T), ARRAY_OF(T)], arrayOfT, (a: unknown[], b: unknown[]) => {
      const keep = keys(b);
      return distinct(a).filter((x) => keep.has(valueKey(x)));
    }),
  ]),
  scalar('ARRAY_UNION', Category.ARRAY, 'The distinct elements found in either array.', [
    strict([ARRAY_OF(T), ARRAY_OF(T)], arrayOfT, (a: unknown[], b: unknown[]) => distinct([...a, ...b])),
  ]),
  scalar('ARRAY_CONCAT', Category.ARRAY, 'The elements of the first array followed by those of the second; a NULL array counts as empty unless both are NULL.', [
    lenient([ARRAY_OF(T), ARRAY_OF(T)], arrayOfT, (a: unknown[] | null, b: unknown[] | null) =>
      a === null && b === null ? null : [...(a ?? []), ...(b ?? [])],
    ),
  ]),
  scalar('ARRAY_JOIN', Category.ARRAY, 'Joins the elements of an array into a string, with a delimiter (default a comma).', arrayJoin),
  scalar('ARRAY_LENGTH', Category.ARRAY, 'The number of elements of an array.', [strict([ARRAY_OF(T)], INT, (xs: unknown[]) => xs.length)]),
  scalar('ARRAY_MAX', Category.ARRAY, 'The greatest non-NULL element of an array, or NULL.', [
    strict([ARRAY_OF(T)], elementT, (xs: unknown[]) => extreme(xs, 1)),
  ]),
  scalar('ARRAY_MIN', Category.ARRAY, 'The least non-NULL element of an array, or NULL.', [
    strict([ARRAY_OF(T)], elementT, (xs: unknown[]) => extreme(xs, -1)),
  ]),
  scalar('ARRAY_REMOVE', Category.ARRAY, 'The array without every element equal to a value (NULL removes NULLs).', [
    lenient([ARRAY_OF(T), T], arrayOfT, (xs: unknown[] | null, v: unknown) =>
      xs === null ? null : xs.filter((x) => !(x === null ? v === null : valuesEqual(x, v))),
    ),
  ]),
  scalar('ARRAY_SORT', Category.ARRAY, "Sorts an array 'ASC' (the default) or 'DESC'; NULLs go last.", [
    strict([ARRAY_OF(T)], arrayOfT, (xs: unknown[]) => [...xs].sort(compareNullsLast)),
    strict([ARRAY_OF(T), P_STRING], arrayOfT, (xs: unknown[], dir: string) => {
      const d = dir.toUpperCase();
      if (d !== 'ASC' && d !== 'DESC') return null;
      const sign = d === 'ASC' ? 1 : -1;
      return [...xs].sort((a, b) => (a === null || b === null ? compareNullsLast(a, b) : sign * compareNullsLast(a, b)));
    }),
  ]),
  scalar('SLICE', Category.ARRAY, 'The elements from one 1-based position to another, inclusive; NULL when out of range.', [
    lenient([ARRAY_OF(T), P_INT, P_INT], arrayOfT, (xs: unknown[] | null, from: number | null, to: number | null) =>
      xs === null ? null : slice(xs, from, to),
    ),
  ]),
  scalar(
    'GENERATE_SERIES',
    Category.ARRAY,
    'The numbers from start to end inclusive, by a step (default 1, or -1 when end < start).',
    [
      strict([P_INT, P_INT], arrayType(INT), (a: number, b: number) => series(a, b, b < a ? -1 : 1, 0)),
      strict([P_INT, P_INT, P_INT], arrayType(INT), (a: number, b: number, s: number) => series(a, b, s, 0)),
      strict([P_BIGINT, P_BIGINT], arrayType(BIGINT), (a: bigint, b: bigint) => series(a, b, b < a ? -1n : 1n, 0n)),
      strict([P_BIGINT, P_BIGINT, P_BIGINT], arrayType(BIGINT), (a: bigint, b: bigint, s: bigint) => series(a, b, s, 0n)),
    ],
  ),
  scalar(
    'ENTRIES',
    Category.ARRAY,
    'The entries of a map as an array of STRUCT<K, V>, optionally sorted by key.',
    [
      strict(
        [MAP_OF(P_STRING, T), P_BOOLEAN],
        (call) => arrayType(structType([{ name: 'K', type: STRING }, { name: 'V', type: bound(call, 'T') }])),
        (m: Map<string, unknown>, sorted: boolean) => {
          const entries = [...m].map(([K, V]) => ({ K, V }));
          return sorted ? entries.sort((a, b) => (a.K < b.K ? -1 : a.K > b.K ? 1 : 0)) : entries;
        },
      ),
    ],
  ),
];
