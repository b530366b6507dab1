// The runtime's doorway to expression compilation: type against the step's row schema
// (same Scope as the planner used) and compile once per query.

import type { Expression } from '../../grammar/ast.js';
import type { Catalog } from '../../planner/catalog.js';
import type { StepSchema } from '../../planner/steps.js';
import { schemaScope } from '../../planner/analyze/schema-scope.js';
import { typeExpression } from '../../planner/expressions/typer.js';
import type { SqlType } from '../../planner/types.js';
import { compileExpression, type NestedErrorSink } from '../expr/compile.js';

/** A compiled expression; `onError` hears about sub-expressions that failed and became null. */
export type RowFn = (row: readonly unknown[], onError?: NestedErrorSink) => unknown;

export interface CompiledExpression {
  readonly fn: RowFn;
  readonly type: SqlType | null;
  readonly text: Expression;
}

export function compileOver(
  expr: Expression,
  schema: StepSchema,
  qualifiers: readonly string[],
  catalog: Catalog,
): CompiledExpression {
  const typed = typeExpression(expr, schemaScope(schema, qualifiers), {
    functions: catalog.functions,
    resolveType: (n) => catalog.customType(n),
  });
  return { fn: compileExpression(typed, { functions: catalog.functions }), type: typed.type, text: expr };
}
