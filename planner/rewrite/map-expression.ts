// Rewrites over expressions. `mapExpression` is bottom-up: `fn` sees each node after its
// children were rewritten and returns a replacement or the node itself.

import { assertNever, type Expression } from '../../grammar/ast.js';

export function mapExpression(e: Expression, fn: (e: Expression) => Expression): Expression {
  return fn(mapChildren(e, (c) => mapExpression(c, fn)));
}

/**
 * A top-down rewrite: `fn` sees a node before its children; when it returns a replacement the
 * children are not visited (so a whole GROUP BY expression is replaced before its parts).
 */
export function replaceTopDown(e: Expression, fn: (e: Expression) => Expression | undefined): Expression {
  const hit = fn(e);
  if (hit !== undefined) return hit;
  return mapChildren(e, (c) => replaceTopDown(c, fn));
}

/** Applies `fn` to the direct children of `e` only. */
export function mapChildren(e: Expression, fn: (c: Expression) => Expression): Expression {
  switch (e.kind) {
    case 'IntegerLiteral':
    case 'DecimalLiteral':
    case 'DoubleLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'TypedLiteral':
    case 'ColumnRef':
    case 'IntervalUnit':
      return e;
    case 'Dereference':
      return { ...e, base: fn(e.base) };
    case 'Subscript':
      return { ...e, base: fn(e.base), index: fn(e.index) };
    case 'Arithmetic':
    case 'Concat':
    case 'Comparison':
    case 'Logical':
    case 'IsDistinctFrom':
      return { ...e, left: fn(e.left), right: fn(e.right) } as Expression;
    case 'Negate':
    case 'Not':
    case 'IsNull':
      return { ...e, operand: fn(e.operand) } as Expression;
    case 'Between':
      return { ...e, value: fn(e.value), low: fn(e.low), high: fn(e.high) };
    case 'InList':
      return { ...e, value: fn(e.value), list: e.list.map(fn) };
    case 'Like':
      return { ...e, value: fn(e.value), pattern: fn(e.pattern) };
    case 'SimpleCase':
      return { ...e, operand: fn(e.operand), whens: e.whens.map((w) => ({ when: fn(w.when), then: fn(w.then) })), otherwise: e.otherwise && fn(e.otherwise) };
    case 'SearchedCase':
      return { ...e, whens: e.whens.map((w) => ({ when: fn(w.when), then: fn(w.then) })), otherwise: e.otherwise && fn(e.otherwise) };
    case 'Cast':
      return { ...e, operand: fn(e.operand) };
    case 'FunctionCall':
      return { ...e, args: e.args.map(fn) };
    case 'ArrayConstructor':
      return { ...e, items: e.items.map(fn) };
    case 'MapConstructor':
      return { ...e, entries: e.entries.map((x) => ({ key: fn(x.key), value: fn(x.value) })) };
    case 'StructConstructor':
      return { ...e, fields: e.fields.map((f) => ({ name: f.name, value: fn(f.value) })) };
    case 'Lambda':
      return { ...e, body: fn(e.body) };
    default:
      return assertNever(e, 'expression');
  }
}
