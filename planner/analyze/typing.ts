// The planner's one doorway to expression typing, so analysis code does not depend on the
// typer's internals.

import type { Expression } from '../../grammar/ast.js';
import type { Catalog } from '../catalog.js';
import type { Scope } from '../expressions/scope.js';
import { typeExpression } from '../expressions/typer.js';
import type { SqlType } from '../types.js';
import { SemanticError } from '../errors.js';
import { formatType } from '../types.js';
import { formatExpression } from '../format-expression.js';

export function typeOf(expr: Expression, scope: Scope, catalog: Catalog): SqlType | null {
  const typed = typeExpression(expr, scope, {
    functions: catalog.functions,
    resolveType: (n) => catalog.customType(n),
  });
  return typed.type;
}

/** Types a WHERE/HAVING predicate and insists on BOOLEAN, with ksqlDB's wording. */
export function checkPredicate(expr: Expression, scope: Scope, catalog: Catalog, clause: string): void {
  let t: SqlType | null;
  try {
    t = typeOf(expr, scope, catalog);
  } catch (e) {
    if (e instanceof SemanticError && /cannot be resolved/.test(e.message) && !e.message.startsWith(clause)) {
      throw new SemanticError(`${clause} ${e.message.replace(/^Column/, 'column')}`, e.span);
    }
    throw e;
  }
  if (t !== null && t.kind !== 'BOOLEAN') {
    throw new SemanticError(
      `Type error in ${clause} expression: Should evaluate to boolean but is ${formatExpression(expr)} (${formatType(t)}) instead.`,
      expr.span,
    );
  }
}
