// Higher-order functions over arrays and maps. Lambda arguments arrive as JS functions; their
// parameter types come from the generics the collection argument binds (see resolve.ts).

import type { CallTypes, FunctionDef } from '../../planner/functions.js';
import { arrayType, mapType } from '../../planner/types.js';
import { Category, lenient, scalar, strict } from './define.js';
import { ARRAY_OF, GENERIC, K, LAMBDA, MAP_OF, P_BOOLEAN, S, T, V } from './params.js';
import { bound } from './resolve.js';

const U = GENERIC('U');
const K2 = GENERIC('K2');
const V2 = GENERIC('V2');

type Fn = (...args: unknown[]) => unknown;

const returnsS = (call: CallTypes) => bound(call, 'S');

/** REDUCE: a NULL collection reduces to the initial state; a NULL initial state gives NULL. */
function reduceArray(xs: unknown[] | null, initial: unknown, f: Fn): unknown {
  if (initial === null) return null;
  if (xs === null) return initial;
  let acc: unknown = initial;
  for (const x of xs) acc = f(acc, x);
  return acc;
}

function reduceMap(m: Map<unknown, unknown> | null, initial: unknown, f: Fn): unknown {
  if (initial === null) return null;
  if (m === null) return initial;
  let acc: unknown = initial;
  for (const [k, v] of m) acc = f(acc, k, v);
  return acc;
}

export const lambdaFunctions: readonly FunctionDef[] = [
  scalar(
    'TRANSFORM',
    Category.LAMBDA,
    'Applies a lambda to each element of an array, or to each key and each value of a map.',
    [
      strict([ARRAY_OF(T), LAMBDA([T], U)], (call) => arrayType(bound(call, 'U')), (xs: unknown[], f: Fn) => xs.map((x) => f(x))),
      strict(
        [MAP_OF(K, V), LAMBDA([K, V], K2), LAMBDA([K, V], V2)],
        (call) => mapType(bound(call, 'K2'), bound(call, 'V2')),
        (m: Map<unknown, unknown>, fk: Fn, fv: Fn) => {
          const out = new Map<unknown, unknown>();
          for (const [k, v] of m) out.set(fk(k, v), fv(k, v));
          return out;
        },
      ),
    ],
  ),
  scalar('FILTER', Category.LAMBDA, 'Keeps the array elements, or map entries, for which a lambda is true.', [
    strict([ARRAY_OF(T), LAMBDA([T], P_BOOLEAN)], (call) => arrayType(bound(call, 'T')), (xs: unknown[], f: Fn) =>
      xs.filter((x) => f(x) === true),
    ),
    strict(
      [MAP_OF(K, V), LAMBDA([K, V], P_BOOLEAN)],
      (call) => mapType(bound(call, 'K'), bound(call, 'V')),
      (m: Map<unknown, unknown>, f: Fn) => new Map([...m].filter(([k, v]) => f(k, v) === true)),
    ),
  ]),
  scalar(
    'REDUCE',
    Category.LAMBDA,
    'Folds an array (lambda (state, element)) or a map (lambda (state, key, value)) into a state, starting from an initial value.',
    [
      lenient([ARRAY_OF(T), S, LAMBDA([S, T], S)], returnsS, reduceArray),
      lenient([MAP_OF(K, V), S, LAMBDA([S, K, V], S)], returnsS, reduceMap),
    ],
  ),
];

