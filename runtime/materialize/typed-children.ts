// The direct sub-expressions of a typed expression, for walks that only need to visit the
// tree (which columns and literals a sub-tree uses) rather than rebuild it.

import { assertNever } from '../../grammar/ast.js';
import type { TypedExpr } from '../../planner/expressions/typed.js';

export function typedChildren(e: TypedExpr): readonly TypedExpr[] {
  switch (e.kind) {
    case 'Literal':
    case 'Column':
    case 'LambdaParam':
    case 'IntervalUnit':
      return [];
    case 'Cast':
    case 'Negate':
    case 'Not':
    case 'IsNull':
      return [e.operand];
    case 'Arithmetic':
    case 'Comparison':
    case 'IsDistinctFrom':
    case 'Logical':
      return [e.left, e.right];
    case 'Between':
      return [e.value, e.low, e.high];
    case 'InList':
      return [e.value, ...e.items];
    case 'Like':
      return [e.value, e.pattern];
    case 'Case':
      return [
        ...(e.operand ? [e.operand] : []),
        ...e.whens.flatMap((w) => [w.when, w.then]),
        ...(e.otherwise ? [e.otherwise] : []),
      ];
    case 'Subscript':
      return [e.base, e.index];
    case 'Dereference':
      return [e.base];
    case 'Array':
      return e.items;
    case 'Map':
      return e.entries.flatMap((x) => [x.key, x.value]);
    case 'Struct':
      return e.fields.map((f) => f.value);
    case 'FunctionCall':
      return e.args;
    case 'Lambda':
      return [e.body];
    default:
      return assertNever(e, 'typed expression');
  }
}

/** Every node of the tree, parents before children. */
export function* typedNodes(e: TypedExpr): Generator<TypedExpr> {
  yield e;
  for (const c of typedChildren(e)) yield* typedNodes(c);
}
