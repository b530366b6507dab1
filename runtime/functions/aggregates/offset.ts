// EARLIEST_BY_OFFSET and LATEST_BY_OFFSET. Rows reach an aggregate in offset order, so the
// earliest value is the first one kept and the latest the last one. Each kept value carries a
// sequence number so that merging two session windows can still tell which came first.

import type { AggregateFunction, AggregateImpl, AggregateOverload, CallTypes, ParamType } from '../../../planner/functions.js';
import { BIGINT, arrayType, structType, type SqlType } from '../../../planner/types.js';
import { P_BOOLEAN, P_INT, T } from '../params.js';
import { bound } from '../resolve.js';
import { aggregate, argType, literalArg } from './define.js';
import { decodeValue, encodeValue, type Json } from '../../state/typed-json.js';

/** Monotonic across the process; started from the clock so that it also grows across restarts. */
let nextSeq = Date.now() * 1000;

type Entry = { seq: number; v: unknown };

interface Options {
  readonly n: number | null; // null: a single value, not an array
  readonly ignoreNulls: boolean;
  readonly latest: boolean;
}

function byOffsetImpl(t: SqlType, o: Options): AggregateImpl {
  const limit = o.n ?? 1;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('the number of values must be a positive literal');
  const keep = (entries: Entry[]) => {
    entries.sort((a, b) => a.seq - b.seq);
    return o.latest ? entries.slice(-limit) : entries.slice(0, limit);
  };
  return {
    init: (): Entry[] => [],
    add: (acc, v) => {
      const a = acc as Entry[];
      if (v === null && o.ignoreNulls) return a;
      if (!o.latest && a.length >= limit) return a;
      a.push({ seq: nextSeq++, v });
      if (a.length > limit) a.shift();
      return a;
    },
    merge: (a, b) => keep([...(a as Entry[]), ...(b as Entry[])]),
    result: (acc) => {
      const a = acc as Entry[];
      return o.n === null ? (a[0]?.v ?? null) : a.map((e) => e.v);
    },
    toState: (acc) => (acc as Entry[]).map((e) => [e.seq, encodeValue(e.v, t)]),
    fromState: (s) => (s as [number, Json][]).map(([seq, v]) => ({ seq, v: decodeValue(v, t) })),
  };
}

function byOffset(name: string, description: string, latest: boolean): AggregateFunction {
  const single = (call: CallTypes) => bound(call, 'T');
  const many = (call: CallTypes) => arrayType(bound(call, 'T'));
  const overload = (
    params: ParamType[],
    returns: (call: CallTypes) => SqlType,
    options: (call: CallTypes) => Omit<Options, 'latest'>,
  ): AggregateOverload => ({
    params,
    // Reading the options validates that they are literals, at planning time.
    returns: (call) => (options(call), returns(call)),
    // ksqlDB's accumulator: STRUCT<SEQ, VAL> (an ARRAY of them for the n forms).
    intermediate: (call) => {
      const entry = structType([
        { name: 'SEQ', type: BIGINT },
        { name: 'VAL', type: bound(call, 'T') },
      ]);
      return returns(call).kind === 'ARRAY' ? arrayType(entry) : entry;
    },
    make: (call) => byOffsetImpl(argType(call, 0), { ...options(call), latest }),
  });
  return aggregate(name, description, [
    overload([T], single, () => ({ n: null, ignoreNulls: true })),
    overload([T, P_BOOLEAN], single, (call) => ({ n: null, ignoreNulls: literalArg<boolean>(call, 1, 'ignoreNulls') })),
    overload([T, P_INT], many, (call) => ({ n: literalArg<number>(call, 1, 'n'), ignoreNulls: true })),
    overload([T, P_INT, P_BOOLEAN], many, (call) => ({
      n: literalArg<number>(call, 1, 'n'),
      ignoreNulls: literalArg<boolean>(call, 2, 'ignoreNulls'),
    })),
  ]);
}

export const offsetAggregates: readonly AggregateFunction[] = [
  byOffset(
    'EARLIEST_BY_OFFSET',
    'The value of the earliest row of a group by offset (NULLs skipped unless told otherwise), or the earliest n as an array.',
    false,
  ),
  byOffset(
    'LATEST_BY_OFFSET',
    'The value of the latest row of a group by offset (NULLs skipped unless told otherwise), or the latest n as an array.',
    true,
  ),
];
