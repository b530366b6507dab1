// Helpers for the aggregate catalogue. Accumulators may be mutated in place by add / undo /
// merge (each returns the accumulator to keep); result() always returns a fresh value, so the
// runtime can hold on to a result while the accumulator moves on.

import {
  FunctionResolutionError,
  type AggregateFunction,
  type AggregateOverload,
  type CallTypes,
} from '../../../planner/functions.js';
import type { SqlType } from '../../../planner/types.js';
import { Category } from '../define.js';

export function aggregate(name: string, description: string, overloads: readonly AggregateOverload[]): AggregateFunction {
  return { kind: 'aggregate', name: name.toUpperCase(), category: Category.AGGREGATE, description, overloads };
}

/** The SQL type of a value argument (aggregates take no lambdas or units). */
export function argType(call: CallTypes, i: number): SqlType {
  return call.argTypes[i] as SqlType;
}

/**
 * A literal-only argument, such as TOPK's k; ksqlDB requires these to be constants. Checked by
 * `returns` too, so that a non-literal is a planning error rather than a runtime one.
 */
export function literalArg<T>(call: CallTypes, i: number, what: string): T {
  const v = call.literals[i];
  if (v === undefined || v === null) throw new FunctionResolutionError(`${what} must be a literal`);
  return v as T;
}
