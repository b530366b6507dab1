// Instantiating aggregate and table function calls, which the expression compiler leaves to
// the operators that own them: their arguments are compiled as ordinary expressions, and the
// implementation is made once per query from the resolved overload.

import type { FunctionCatalog, AggregateImpl } from '../../planner/functions.js';
import { callTypesOf, type TypedFunctionCall } from '../../planner/expressions/typed.js';
import { compileExpression } from '../expr/compile.js';

/** The call's arguments, evaluated over a row. */
export function compileArgs(call: TypedFunctionCall, functions: FunctionCatalog): (row: readonly unknown[]) => unknown[] {
  const fns = call.args.map((a) => compileExpression(a, { functions }));
  return (row) => fns.map((f) => f(row));
}

export function makeTableFunction(call: TypedFunctionCall, functions: FunctionCatalog): (...args: unknown[]) => readonly unknown[] {
  const def = functions.lookup(call.name);
  if (!def || def.kind !== 'table') throw new Error(`${call.name} is not a table function`);
  return def.overloads[call.overload]!.make(callTypesOf(call));
}

export function makeAggregate(call: TypedFunctionCall, functions: FunctionCatalog): AggregateImpl {
  const def = functions.lookup(call.name);
  if (!def || def.kind !== 'aggregate') throw new Error(`${call.name} is not an aggregate function`);
  return def.overloads[call.overload]!.make(callTypesOf(call));
}
