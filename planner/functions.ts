// The function registry's contract. The planner resolves calls against signatures; the
// runtime supplies implementations. The registry itself (runtime/functions/registry.ts)
// implements `FunctionCatalog`, and the engine hands it to the planner, so the planner never
// imports the runtime (grammar → planner → runtime).

import type { SqlType } from './types.js';
import type { TimeUnit } from '../grammar/ast.js';

/**
 * A parameter's declared type: a concrete SQL type, or a pattern with generics.
 * - `{kind:'GENERIC', name:'T'}` binds T to the argument's type (all T's must agree after
 *   implicit widening).
 * - `{kind:'ARRAY_OF', element}` / `{kind:'MAP_OF', key, value}` match ARRAY / MAP with patterns
 *   inside (the parameter of ARRAY_LENGTH is `ARRAY_OF(GENERIC T)`).
 * - `{kind:'ANY_STRUCT'}` matches any STRUCT; `{kind:'ANY_DECIMAL'}` any DECIMAL(p,s).
 * - `{kind:'LAMBDA', params, returns}`: a lambda argument; its parameters are typed from the
 *   patterns (after the other arguments have bound the generics).
 * - `{kind:'INTERVAL_UNIT'}`: a time-unit keyword such as MINUTES.
 */
export type ParamType =
  | { readonly kind: 'SQL'; readonly type: SqlType }
  | { readonly kind: 'GENERIC'; readonly name: string }
  | { readonly kind: 'ARRAY_OF'; readonly element: ParamType }
  | { readonly kind: 'MAP_OF'; readonly key: ParamType; readonly value: ParamType }
  | { readonly kind: 'ANY_STRUCT' }
  | { readonly kind: 'ANY_DECIMAL' }
  | { readonly kind: 'LAMBDA'; readonly params: readonly ParamType[]; readonly returns: ParamType }
  | { readonly kind: 'INTERVAL_UNIT' };

/** What the resolver learned about a call, handed to `returns` and to the implementation factory. */
export interface CallTypes {
  /** The argument types after implicit casts (what the implementation receives). */
  readonly argTypes: readonly ArgType[];
  /** Generic bindings, e.g. T → INT. */
  readonly bindings: ReadonlyMap<string, SqlType>;
  /** Values of arguments that are literals, by position (undefined when not a literal). */
  readonly literals: readonly unknown[];
}

/** An argument's type: a SQL type, a lambda (its body's return type), or a time unit. */
export type ArgType =
  | SqlType
  | { readonly kind: 'LAMBDA_ARG'; readonly params: readonly SqlType[]; readonly returns: SqlType }
  | { readonly kind: 'INTERVAL_UNIT_ARG'; readonly unit: TimeUnit };

export interface ScalarOverload {
  readonly params: readonly ParamType[];
  /** When set, the last parameter repeats zero or more times (`CONCAT(STRING...)`). */
  readonly variadic?: boolean;
  /** The return type: fixed, or computed from the resolved call (e.g. the element type T). */
  readonly returns: SqlType | ((call: CallTypes) => SqlType);
  /**
   * Builds the implementation once per call site (once per query, never per record). It gets
   * the runtime values in parameter order (a variadic tail is passed as further arguments, a
   * lambda as a JS function, a time unit as its name). It must return null, never undefined.
   * Throwing marks the record as failed (it goes to the processing log and is skipped).
   */
  readonly make: (call: CallTypes & { readonly returnType: SqlType }) => (...args: any[]) => unknown;
  /** If true, the call returns null whenever any argument is null, without calling the impl. */
  readonly nullIfAnyNull?: boolean;
  readonly description?: string;
}

export interface ScalarFunction {
  readonly kind: 'scalar';
  readonly name: string; // upper case
  readonly description: string;
  readonly category: string; // 'STRING', 'MATHEMATICAL', 'DATE / TIME', 'JSON', 'ARRAY', 'MAP', 'OTHER', ...
  readonly overloads: readonly ScalarOverload[];
}

/**
 * An aggregate. The runtime keeps one accumulator per group in a state store, so the
 * accumulator must be JSON-serialisable via `toState`/`fromState`.
 */
export interface AggregateOverload {
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  /** Literal-only trailing parameters (e.g. TOPK's k), passed to `make` via `call.literals`. */
  readonly returns: SqlType | ((call: CallTypes) => SqlType);
  readonly make: (call: CallTypes & { readonly returnType: SqlType }) => AggregateImpl;
  readonly description?: string;
  /**
   * The accumulator's type as ksqlDB declares it, when it differs from the return type (AVG
   * keeps a STRUCT of sum and count). ksqlDB stores it in the source's value format, so a format
   * without STRUCT/ARRAY/MAP (DELIMITED) rejects the aggregation at planning time.
   */
  readonly intermediate?: SqlType | ((call: CallTypes) => SqlType);
}
export interface AggregateImpl {
  init(): unknown;
  add(acc: unknown, ...args: unknown[]): unknown;
  /** Retract a value (table aggregation). Absent when the aggregate cannot undo. */
  undo?(acc: unknown, ...args: unknown[]): unknown;
  /** Merge two accumulators (session windows). */
  merge?(a: unknown, b: unknown): unknown;
  result(acc: unknown): unknown;
  toState(acc: unknown): unknown;
  fromState(state: unknown): unknown;
}
export interface AggregateFunction {
  readonly kind: 'aggregate';
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly overloads: readonly AggregateOverload[];
}

/** A table function (EXPLODE): each call returns a list of values, one output row each. */
export interface TableFunctionOverload {
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  readonly returns: SqlType | ((call: CallTypes) => SqlType);
  readonly make: (call: CallTypes & { readonly returnType: SqlType }) => (...args: any[]) => readonly unknown[];
  readonly description?: string;
}
export interface TableFunction {
  readonly kind: 'table';
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly overloads: readonly TableFunctionOverload[];
}

export type FunctionDef = ScalarFunction | AggregateFunction | TableFunction;

/** Result of resolving a call against a function's overloads. */
export interface ResolvedCall<O> {
  readonly fn: FunctionDef;
  readonly overload: O;
  /** For each argument, the SQL type it must be implicitly cast to before the call (or null). */
  readonly castArgsTo: readonly (SqlType | null)[];
  readonly call: CallTypes;
  readonly returnType: SqlType;
}

/**
 * What an argument looks like at resolution time. Lambdas are typed lazily: the resolver calls
 * `typeLambda(paramTypes)` with the parameter types the overload implies and gets the body's type.
 */
export type ArgShape =
  | { readonly kind: 'value'; readonly type: SqlType | null; readonly literal?: unknown } // type null: the NULL literal
  | { readonly kind: 'lambda'; readonly arity: number; readonly typeLambda: (params: readonly SqlType[]) => SqlType }
  | { readonly kind: 'unit'; readonly unit: TimeUnit };

export interface FunctionCatalog {
  lookup(name: string): FunctionDef | undefined;
  list(): readonly FunctionDef[];
  /**
   * Picks the best overload: exact match first, then one reachable by implicit widening
   * (INT → BIGINT → DECIMAL → DOUBLE; any → STRING is NOT implicit), generics unified.
   * Throws a `FunctionResolutionError` with a message naming the function and the argument
   * types when none fits.
   */
  resolveScalar(name: string, args: readonly ArgShape[]): ResolvedCall<ScalarOverload>;
  resolveAggregate(name: string, args: readonly ArgShape[]): ResolvedCall<AggregateOverload>;
  resolveTable(name: string, args: readonly ArgShape[]): ResolvedCall<TableFunctionOverload>;
}

export class FunctionResolutionError extends Error {
  override readonly name = 'FunctionResolutionError';
}
