// Map functions. Maps are JS Maps in insertion order; the results keep that order.

import type { CallTypes, FunctionDef } from '../../planner/functions.js';
import { arrayType, mapType } from '../../planner/types.js';
import { Category, lenient, scalar, strict } from './define.js';
import { ARRAY_OF, K, MAP_OF, V } from './params.js';
import { bound } from './resolve.js';

const mapOfKV = (call: CallTypes) => mapType(bound(call, 'K'), bound(call, 'V'));

export const mapFunctions: readonly FunctionDef[] = [
  scalar('MAP_KEYS', Category.MAP, 'The keys of a map, as an array.', [
    strict([MAP_OF(K, V)], (call) => arrayType(bound(call, 'K')), (m: Map<unknown, unknown>) => [...m.keys()]),
  ]),
  scalar('MAP_VALUES', Category.MAP, 'The values of a map, as an array.', [
    strict([MAP_OF(K, V)], (call) => arrayType(bound(call, 'V')), (m: Map<unknown, unknown>) => [...m.values()]),
  ]),
  scalar(
    'MAP_UNION',
    Category.MAP,
    'The entries of both maps; for a key in both, the second map wins. A NULL map counts as empty unless both are NULL.',
    [
      lenient([MAP_OF(K, V), MAP_OF(K, V)], mapOfKV, (a: Map<unknown, unknown> | null, b: Map<unknown, unknown> | null) =>
        a === null && b === null ? null : new Map([...(a ?? []), ...(b ?? [])]),
      ),
    ],
  ),
  scalar(
    'AS_MAP',
    Category.MAP,
    'Builds a map from an array of keys and an array of values, paired by position (missing values are NULL).',
    [
      strict([ARRAY_OF(K), ARRAY_OF(V)], mapOfKV, (keys: unknown[], values: unknown[]) => {
        const m = new Map<unknown, unknown>();
        keys.forEach((k, i) => m.set(k, i < values.length ? values[i] : null));
        return m;
      }),
    ],
  ),
];
