// Calls functions the way the expression compiler will: resolve by argument shapes, apply the
// implicit casts the resolver asks for, build the implementation once, then invoke it.

import type { TimeUnit } from '../../grammar/ast.js';
import type { ArgShape, ResolvedCall, ScalarOverload } from '../../planner/functions.js';
import type { SqlType } from '../../planner/types.js';
import { defaultRegistry } from '../../runtime/functions/registry.js';
import { castValue } from '../../runtime/expr/cast.js';

export type Arg =
  | { readonly kind: 'value'; readonly type: SqlType | null; readonly value: unknown; readonly literal: boolean }
  | {
      readonly kind: 'lambda';
      readonly arity: number;
      readonly typeBody: (params: readonly SqlType[]) => SqlType;
      readonly fn: (...xs: any[]) => unknown;
    }
  | { readonly kind: 'unit'; readonly unit: TimeUnit };

/** A column value: its type is known, it is not a literal. */
export const col = (type: SqlType, value: unknown): Arg => ({ kind: 'value', type, value, literal: false });
/** A literal (its value is visible to the resolver). */
export const lit = (type: SqlType, value: unknown): Arg => ({ kind: 'value', type, value, literal: true });
/** The NULL literal. */
export const NULL: Arg = { kind: 'value', type: null, value: null, literal: true };
export const lambda = (
  arity: number,
  typeBody: (params: readonly SqlType[]) => SqlType,
  fn: (...xs: any[]) => unknown,
): Arg => ({ kind: 'lambda', arity, typeBody, fn });
export const unit = (u: TimeUnit): Arg => ({ kind: 'unit', unit: u });

export function shapes(args: readonly Arg[]): ArgShape[] {
  return args.map((a): ArgShape => {
    switch (a.kind) {
      case 'value':
        return a.literal ? { kind: 'value', type: a.type, literal: a.value } : { kind: 'value', type: a.type };
      case 'lambda':
        return { kind: 'lambda', arity: a.arity, typeLambda: a.typeBody };
      case 'unit':
        return { kind: 'unit', unit: a.unit };
    }
  });
}

export function resolve(name: string, ...args: Arg[]): ResolvedCall<ScalarOverload> {
  return defaultRegistry().resolveScalar(name, shapes(args));
}

/** Resolves and invokes a scalar function; returns the value and the resolved return type. */
export function call(name: string, ...args: Arg[]): { value: unknown; type: SqlType } {
  const r = resolve(name, ...args);
  const impl = r.overload.make({ ...r.call, returnType: r.returnType });
  const values = args.map((a, i) => {
    switch (a.kind) {
      case 'value': {
        const to = r.castArgsTo[i];
        return to && a.type ? castValue(a.value, a.type, to) : a.value;
      }
      case 'lambda':
        return a.fn;
      case 'unit':
        return a.unit;
    }
  });
  if (r.overload.nullIfAnyNull && values.some((v) => v === null)) return { value: null, type: r.returnType };
  const value = impl(...values);
  if (value === undefined) throw new Error(`${name} returned undefined`);
  return { value, type: r.returnType };
}

/** Just the value. */
export function run(name: string, ...args: Arg[]): unknown {
  return call(name, ...args).value;
}
