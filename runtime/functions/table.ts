// Table functions: each call yields a list of values, one output row per value.

import type { CallTypes, FunctionDef, TableFunctionOverload } from '../../planner/functions.js';
import { arrayType } from '../../planner/types.js';
import { Category } from './define.js';
import { ARRAY_OF, T } from './params.js';
import { bound } from './resolve.js';

/**
 * Every combination of keeping or nulling each element, in binary counting order with the first
 * element as the most significant bit. A NULL element yields no extra combinations.
 */
function cube(xs: readonly unknown[]): unknown[][] {
  const n = xs.length;
  const out: unknown[][] = [];
  for (let mask = 0; mask < 2 ** n; mask++) {
    const combo: unknown[] = [];
    let redundant = false;
    for (let j = 0; j < n; j++) {
      const keep = (mask >> (n - 1 - j)) & 1;
      if (keep && xs[j] === null) redundant = true;
      combo.push(keep ? xs[j] : null);
    }
    if (!redundant) out.push(combo);
  }
  return out;
}

const overload = (
  returns: (call: CallTypes) => ReturnType<typeof bound>,
  impl: (xs: unknown[] | null) => readonly unknown[],
): TableFunctionOverload => ({ params: [ARRAY_OF(T)], returns, make: () => impl });

export const tableFunctions: readonly FunctionDef[] = [
  {
    kind: 'table',
    name: 'EXPLODE',
    category: Category.TABLE,
    description: 'One row per element of an array; none for an empty or NULL array.',
    overloads: [overload((call) => bound(call, 'T'), (xs) => xs ?? [])],
  },
  {
    kind: 'table',
    name: 'CUBE_EXPLODE',
    category: Category.TABLE,
    description: 'One row per combination of the array elements with some of them replaced by NULL (a grouping-sets cube).',
    overloads: [overload((call) => arrayType(bound(call, 'T')), (xs) => (xs === null ? [] : cube(xs)))],
  },
];
