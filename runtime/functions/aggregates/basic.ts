// COUNT, SUM, SUM_LIST, AVG, MIN, MAX and ATTR. NULL inputs are ignored except by ATTR, for
// which NULL is a value like any other.

import type { AggregateFunction, AggregateImpl, AggregateOverload, CallTypes } from '../../../planner/functions.js';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  structType,
  type ArrayType,
  type SqlType,
} from '../../../planner/types.js';
import { ANY_DECIMAL, ARRAY_OF, P, T } from '../params.js';
import { bound } from '../resolve.js';
import { compareValues, valueKey } from '../values.js';
import { aggregate, argType } from './define.js';
import { numericOps } from './numeric.js';
import { decodeValue, encodeValue, type Json } from '../../state/typed-json.js';

const NUMERIC_TYPES: readonly SqlType[] = [INT, BIGINT, DOUBLE];
const AVG_STATE = structType([
  { name: 'SUM', type: DOUBLE },
  { name: 'COUNT', type: BIGINT },
]);

/** Overloads for INT, BIGINT, DOUBLE and any DECIMAL, each building its impl from the argument type. */
function numericOverloads(
  returns: (t: SqlType) => SqlType,
  make: (t: SqlType) => AggregateImpl,
  wrap: (p: ReturnType<typeof P>) => ReturnType<typeof P> = (p) => p,
): AggregateOverload[] {
  const fromCall = (call: CallTypes) => {
    const t = argType(call, 0);
    return t.kind === 'ARRAY' ? (t as ArrayType).element : t;
  };
  return [...NUMERIC_TYPES.map(P), ANY_DECIMAL].map((p) => ({
    params: [wrap(p)],
    returns: (call: CallTypes) => returns(fromCall(call)),
    make: (call: CallTypes) => make(fromCall(call)),
  }));
}

function countImpl(countsNulls: boolean): AggregateImpl {
  return {
    init: () => 0,
    add: (acc, x) => (countsNulls || x !== null ? (acc as number) + 1 : acc),
    undo: (acc, x) => (countsNulls || x !== null ? (acc as number) - 1 : acc),
    merge: (a, b) => (a as number) + (b as number),
    result: (acc) => BigInt(acc as number),
    toState: (acc) => acc,
    fromState: (s) => s,
  };
}

function sumImpl(t: SqlType, ofList: boolean): AggregateImpl {
  const ops = numericOps(t);
  const plus = (acc: unknown, x: unknown, sign: 1 | -1) => {
    if (x === null) return acc;
    const f = sign === 1 ? ops.add : ops.sub;
    return ofList ? (x as unknown[]).reduce((a, e) => (e === null ? a : f(a, e)), acc) : f(acc, x);
  };
  return {
    init: () => ops.zero,
    add: (acc, x) => plus(acc, x, 1),
    undo: (acc, x) => plus(acc, x, -1),
    merge: (a, b) => ops.add(a, b),
    result: (acc) => acc,
    toState: (acc) => encodeValue(acc, t),
    fromState: (s) => decodeValue(s as Json, t),
  };
}

interface AvgAcc {
  sum: unknown;
  count: number;
}

function avgImpl(t: SqlType): AggregateImpl {
  const ops = numericOps(t);
  return {
    init: (): AvgAcc => ({ sum: ops.zero, count: 0 }),
    add: (acc, x) => {
      const a = acc as AvgAcc;
      if (x !== null) {
        a.sum = ops.add(a.sum, x);
        a.count++;
      }
      return a;
    },
    undo: (acc, x) => {
      const a = acc as AvgAcc;
      if (x !== null) {
        a.sum = ops.sub(a.sum, x);
        a.count--;
      }
      return a;
    },
    merge: (x, y) => ({ sum: ops.add((x as AvgAcc).sum, (y as AvgAcc).sum), count: (x as AvgAcc).count + (y as AvgAcc).count }),
    // ksqlDB reports 0.0 for a group with no non-NULL values.
    result: (acc) => ((acc as AvgAcc).count === 0 ? 0 : ops.toNumber((acc as AvgAcc).sum) / (acc as AvgAcc).count),
    toState: (acc) => ({ sum: encodeValue((acc as AvgAcc).sum, t), count: (acc as AvgAcc).count }),
    fromState: (s) => {
      const j = s as { sum: Json; count: number };
      return { sum: decodeValue(j.sum, t), count: j.count };
    },
  };
}

function extremeImpl(t: SqlType, sign: 1 | -1): AggregateImpl {
  const better = (a: unknown, b: unknown) => (a === null ? b : b === null ? a : compareValues(b, a) * sign > 0 ? b : a);
  return {
    init: () => null,
    add: better,
    merge: better,
    result: (acc) => acc,
    toState: (acc) => encodeValue(acc, t),
    fromState: (s) => decodeValue(s as Json, t),
  };
}

const COMPARABLE: readonly SqlType[] = [INT, BIGINT, DOUBLE, STRING, BOOLEAN, BYTES, DATE, TIME, TIMESTAMP];

function extremeAggregate(name: string, description: string, sign: 1 | -1): AggregateFunction {
  return aggregate(
    name,
    description,
    [...COMPARABLE.map(P), ANY_DECIMAL].map((p) => ({
      params: [p],
      returns: (call: CallTypes) => argType(call, 0),
      make: (call: CallTypes) => extremeImpl(argType(call, 0), sign),
    })),
  );
}

/** ATTR: the value when every row of the group has the same one (NULL included), else NULL. */
function attrImpl(t: SqlType): AggregateImpl {
  type Acc = Map<string, { v: unknown; n: number }>;
  const bump = (acc: Acc, x: unknown, by: number) => {
    const k = valueKey(x);
    const e = acc.get(k);
    const n = (e?.n ?? 0) + by;
    if (n <= 0) acc.delete(k);
    else acc.set(k, { v: x, n });
    return acc;
  };
  return {
    init: (): Acc => new Map(),
    add: (acc, x) => bump(acc as Acc, x, 1),
    undo: (acc, x) => bump(acc as Acc, x, -1),
    merge: (a, b) => {
      for (const { v, n } of (b as Acc).values()) bump(a as Acc, v, n);
      return a;
    },
    result: (acc) => ((acc as Acc).size === 1 ? [...(acc as Acc).values()][0]!.v : null),
    toState: (acc) => [...(acc as Acc).values()].map(({ v, n }) => [encodeValue(v, t), n]),
    fromState: (s) => {
      const acc: Acc = new Map();
      for (const [v, n] of s as [Json, number][]) bump(acc, decodeValue(v, t), n);
      return acc;
    },
  };
}

export const basicAggregates: readonly AggregateFunction[] = [
  aggregate('COUNT', 'Counts the rows of a group, or with an argument its non-NULL values.', [
    { params: [], returns: BIGINT, make: () => countImpl(true) },
    { params: [T], returns: BIGINT, make: () => countImpl(false) },
  ]),
  aggregate(
    'SUM',
    'Sums the non-NULL values of a group; the result has the argument type (INT wraps, DECIMAL fails on overflow).',
    numericOverloads(
      (t) => t,
      (t) => sumImpl(t, false),
    ),
  ),
  aggregate(
    'SUM_LIST',
    'Sums the non-NULL elements of the arrays of a group.',
    numericOverloads(
      (t) => t,
      (t) => sumImpl(t, true),
      ARRAY_OF,
    ),
  ),
  aggregate(
    'AVG',
    'The average of the non-NULL values of a group, as a DOUBLE.',
    // ksqlDB keeps a STRUCT of sum and count (see AggregateOverload.intermediate).
    numericOverloads(() => DOUBLE, avgImpl).map((o) => ({ ...o, intermediate: AVG_STATE })),
  ),
  extremeAggregate('MIN', 'The least non-NULL value of a group.', -1),
  extremeAggregate('MAX', 'The greatest non-NULL value of a group.', 1),
  aggregate('ATTR', 'The value of a column when it is the same in every row of the group, otherwise NULL.', [
    { params: [T], returns: (call) => bound(call, 'T'), make: (call) => attrImpl(argType(call, 0)) },
  ]),
];
