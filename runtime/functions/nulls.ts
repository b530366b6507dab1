// NULL handling: COALESCE, IFNULL, NULLIF. They are generic over one type T; arguments of
// different numeric types unify by widening (COALESCE(INT, BIGINT) is BIGINT).

import type { FunctionDef } from '../../planner/functions.js';
import { Category, lenient, scalar } from './define.js';
import { T } from './params.js';
import { bound } from './resolve.js';
import { valuesEqual } from './values.js';

const returnsT = (call: Parameters<typeof bound>[0]) => bound(call, 'T');

export const nullFunctions: readonly FunctionDef[] = [
  scalar('COALESCE', Category.NULL, 'The first non-NULL argument, or NULL when all are NULL.', [
    lenient(
      [T, T],
      returnsT,
      (...xs: unknown[]) => {
        for (const x of xs) if (x !== null) return x;
        return null;
      },
      { variadic: true },
    ),
  ]),
  scalar('IFNULL', Category.NULL, 'The first argument, or the second when the first is NULL.', [
    lenient([T, T], returnsT, (x: unknown, alt: unknown) => (x === null ? alt : x)),
  ]),
  scalar('NULLIF', Category.NULL, 'NULL when the two arguments are equal, otherwise the first.', [
    lenient([T, T], returnsT, (x: unknown, y: unknown) => (x !== null && valuesEqual(x, y) ? null : x)),
  ]),
];
