// Aggregates that build collections: COLLECT_LIST, COLLECT_SET, HISTOGRAM, TOPK, TOPKDISTINCT
// and COUNT_DISTINCT. Like ksqlDB, the unbounded ones stop growing at 1000 entries (its
// ksql.functions.collect_list.limit / collect_set.limit / histogram limit defaults).

import type { AggregateFunction, AggregateImpl, CallTypes } from '../../../planner/functions.js';
import { BIGINT, INT, STRING, arrayType, mapType, structType, type SqlType } from '../../../planner/types.js';
import { GENERIC, P_INT, P_STRING, T } from '../params.js';
import { bound } from '../resolve.js';
import { compareValues, valueKey, valuesEqual } from '../values.js';
import { aggregate, argType, literalArg } from './define.js';
import { decodeValue, encodeValue, type Json } from '../../state/typed-json.js';

export const COLLECTION_LIMIT = 1000;

const arrayOfT = (call: CallTypes) => arrayType(bound(call, 'T'));

function listState(t: SqlType) {
  return {
    toState: (acc: unknown) => (acc as unknown[]).map((v) => encodeValue(v, t)),
    fromState: (s: unknown) => (s as Json[]).map((v) => decodeValue(v, t)),
  };
}

/** COLLECT_LIST keeps NULLs; undo removes the first equal element. */
function collectListImpl(t: SqlType): AggregateImpl {
  return {
    init: () => [],
    add: (acc, x) => {
      const a = acc as unknown[];
      if (a.length < COLLECTION_LIMIT) a.push(x);
      return a;
    },
    undo: (acc, x) => {
      const a = acc as unknown[];
      const i = a.findIndex((e) => (e === null ? x === null : valuesEqual(e, x)));
      if (i >= 0) a.splice(i, 1);
      return a;
    },
    merge: (a, b) => [...(a as unknown[]), ...(b as unknown[])].slice(0, COLLECTION_LIMIT),
    result: (acc) => [...(acc as unknown[])],
    ...listState(t),
  };
}

function collectSetImpl(t: SqlType): AggregateImpl {
  const addTo = (a: unknown[], x: unknown) => {
    if (a.length < COLLECTION_LIMIT && !a.some((e) => valueKey(e) === valueKey(x))) a.push(x);
    return a;
  };
  return {
    init: () => [],
    add: (acc, x) => addTo(acc as unknown[], x),
    undo: (acc, x) => (acc as unknown[]).filter((e) => valueKey(e) !== valueKey(x)),
    merge: (a, b) => (b as unknown[]).reduce((acc: unknown[], x) => addTo(acc, x), [...(a as unknown[])]),
    result: (acc) => [...(acc as unknown[])],
    ...listState(t),
  };
}

function histogramImpl(): AggregateImpl {
  type Acc = Map<string, number>;
  const bump = (acc: Acc, x: unknown, by: number) => {
    if (x === null) return acc;
    const k = x as string;
    const n = (acc.get(k) ?? 0) + by;
    if (n <= 0) acc.delete(k);
    else if (acc.has(k) || acc.size < COLLECTION_LIMIT) acc.set(k, n);
    return acc;
  };
  return {
    init: (): Acc => new Map(),
    add: (acc, x) => bump(acc as Acc, x, 1),
    undo: (acc, x) => bump(acc as Acc, x, -1),
    merge: (a, b) => {
      for (const [k, n] of b as Acc) bump(a as Acc, k, n);
      return a;
    },
    result: (acc) => new Map([...(acc as Acc)].map(([k, n]) => [k, BigInt(n)])),
    toState: (acc) => [...(acc as Acc)],
    fromState: (s) => new Map(s as [string, number][]),
  };
}

/**
 * TOPK / TOPKDISTINCT: the k greatest non-NULL values, descending; a later value equal to one
 * kept ranks after it. With other columns, each entry is a STRUCT of the sort value (`sort_col`)
 * and those columns (`col0`, `col1`...) from the same row.
 */
function topKImpl(t: SqlType, k: number, distinct: boolean, withColumns: boolean): AggregateImpl {
  if (!Number.isInteger(k) || k < 1) throw new RangeError('TOPK requires a positive k');
  const sortValue = withColumns ? (e: unknown) => (e as Record<string, unknown>)['sort_col'] : (e: unknown) => e;
  const insert = (a: unknown[], x: unknown) => {
    const v = sortValue(x);
    if (v === null) return a;
    if (distinct && a.some((e) => compareValues(sortValue(e), v) === 0)) return a;
    let i = 0;
    while (i < a.length && compareValues(sortValue(a[i]), v) >= 0) i++;
    a.splice(i, 0, x);
    if (a.length > k) a.length = k;
    return a;
  };
  const entry = (x: unknown, others: unknown[]): unknown => {
    if (!withColumns) return x;
    const e: Record<string, unknown> = { sort_col: x };
    others.forEach((o, i) => (e[`col${i}`] = o));
    return e;
  };
  return {
    init: () => [],
    add: (acc, x, ...others) => insert(acc as unknown[], entry(x, others.slice(0, -1))),
    merge: (a, b) => (b as unknown[]).reduce((acc: unknown[], x) => insert(acc, x), [...(a as unknown[])]),
    result: (acc) => [...(acc as unknown[])],
    ...listState(t),
  };
}

// ksqlDB's TOPK takes any number of other columns between the sort column and k. The function
// contract repeats only a last parameter, so each count of other columns, up to this many, is
// an overload of its own.
const TOPK_MAX_COLUMNS = 16;

function topK(name: string, description: string, distinct: boolean, maxColumns: number): AggregateFunction {
  const overloads = Array.from({ length: maxColumns + 1 }, (_, n) => {
    const columns = Array.from({ length: n }, (_, i) => GENERIC(`C${i}`));
    const kAt = n + 1;
    const entryType = (call: CallTypes): SqlType =>
      n === 0
        ? bound(call, 'T')
        : structType([
            { name: 'sort_col', type: bound(call, 'T') },
            ...columns.map((_, i) => ({ name: `col${i}`, type: argType(call, i + 1) })),
          ]);
    return {
      params: [T, ...columns, P_INT],
      returns: (call: CallTypes) => (literalArg(call, kAt, `${name} k`), arrayType(entryType(call))),
      make: (call: CallTypes) => topKImpl(entryType(call), literalArg<number>(call, kAt, `${name} k`), distinct, n > 0),
    };
  });
  return aggregate(name, description, overloads);
}

function countDistinctImpl(t: SqlType): AggregateImpl {
  // ksqlDB approximates with HyperLogLog; counting exactly agrees with it on small groups and
  // is never worse.
  type Acc = Map<string, unknown>;
  return {
    init: (): Acc => new Map(),
    add: (acc, x) => (x === null ? acc : (acc as Acc).set(valueKey(x), x)),
    merge: (a, b) => new Map([...(a as Acc), ...(b as Acc)]),
    result: (acc) => BigInt((acc as Acc).size),
    toState: (acc) => [...(acc as Acc).values()].map((v) => encodeValue(v, t)),
    fromState: (s) => new Map((s as Json[]).map((j) => decodeValue(j, t)).map((v) => [valueKey(v), v])),
  };
}

export const collectionAggregates: readonly AggregateFunction[] = [
  aggregate('COLLECT_LIST', 'The values of a group as an array, NULLs included (at most 1000).', [
    { params: [T], returns: arrayOfT, make: (call) => collectListImpl(argType(call, 0)) },
  ]),
  aggregate('COLLECT_SET', 'The distinct values of a group as an array (at most 1000).', [
    { params: [T], returns: arrayOfT, make: (call) => collectSetImpl(argType(call, 0)) },
  ]),
  aggregate('HISTOGRAM', 'How many times each string occurs in a group (at most 1000 distinct strings).', [
    { params: [P_STRING], returns: mapType(STRING, BIGINT), make: () => histogramImpl() },
  ]),
  topK(
    'TOPK',
    'The k greatest values of a group, in descending order, optionally with other columns of their rows; k must be a literal.',
    false,
    TOPK_MAX_COLUMNS,
  ),
  topK(
    'TOPKDISTINCT',
    'The k greatest distinct values of a group, in descending order; k must be a literal.',
    true,
    0,
  ),
  aggregate('COUNT_DISTINCT', 'The number of distinct non-NULL values of a group.', [
    // ksqlDB's accumulator is a HyperLogLog register array.
    { params: [T], returns: BIGINT, intermediate: arrayType(INT), make: (call) => countDistinctImpl(argType(call, 0)) },
  ]),
];
