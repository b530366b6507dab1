// Helpers that keep the catalogue files declarative: one `scalar(...)` per function, one
// `strict(...)` / `lenient(...)` per overload.

import type {
  CallTypes,
  ParamType,
  ScalarFunction,
  ScalarOverload,
} from '../../planner/functions.js';
import type { SqlType } from '../../planner/types.js';

/** ksqlDB's function categories, as DESCRIBE FUNCTION and SHOW FUNCTIONS print them. */
export const Category = {
  STRING: 'STRING',
  MATH: 'MATHEMATICAL',
  DATETIME: 'DATE / TIME',
  JSON: 'JSON',
  ARRAY: 'ARRAY',
  MAP: 'MAP',
  LAMBDA: 'LAMBDA',
  URL: 'URL',
  CONVERSIONS: 'CONVERSIONS',
  NULL: 'NULL',
  OTHER: 'OTHER',
  AGGREGATE: 'AGGREGATE',
  TABLE: 'TABLE',
} as const;

export type Returns = SqlType | ((call: CallTypes) => SqlType);
type Impl = (...args: any[]) => unknown;

interface OverloadOptions {
  readonly variadic?: boolean;
  readonly description?: string;
}

/** An overload that returns null whenever any argument is null (most of ksqlDB's functions). */
export function strict(params: readonly ParamType[], returns: Returns, impl: Impl, opts: OverloadOptions = {}): ScalarOverload {
  return { params, returns, make: () => impl, nullIfAnyNull: true, ...opts };
}

/** An overload whose implementation sees nulls and decides itself. */
export function lenient(params: readonly ParamType[], returns: Returns, impl: Impl, opts: OverloadOptions = {}): ScalarOverload {
  return { params, returns, make: () => impl, ...opts };
}

export function scalar(
  name: string,
  category: string,
  description: string,
  overloads: readonly ScalarOverload[],
): ScalarFunction {
  return { kind: 'scalar', name: name.toUpperCase(), category, description, overloads };
}
