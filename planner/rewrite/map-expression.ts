// A bottom-up rewrite over expressions. `fn` sees each node after its children were
// rewritten and returns a replacement or the same node; unchanged subtrees keep their identity.

import { assertNever, type Expression } from '../../grammar/ast.js';

export function mapExpression(e: Expression, fn: (e: Expression) => Expression): Expression {
  const m = (x: Expression) => mapExpression(x, fn);
  let next: Expression;
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
      next = e;
      break;
    case 'Dereference':
      next = { ...e, base: m(e.base) };
      break;
    case 'Subscript':
      next = { ...e, base: m(e.base), index: m(e.index) };
      break;
    case 'Arithmetic':
    case 'Concat':
    case 'Comparison':
    case 'Logical':
    case 'IsDistinctFrom':
      next = { ...e, left: m(e.left), right: m(e.right) } as Expression;
      break;
    case 'Negate':
    case 'Not':
    case 'IsNull':
      next = { ...e, operand: m(e.operand) } as Expression;
      break;
    case 'Between':
      next = { ...e, value: m(e.value), low: m(e.low), high: m(e.high) };
      break;
    case 'InList':
      next = { ...e, value: m(e.value), list: e.list.map(m) };
      break;
    case 'Like':
      next = { ...e, value: m(e.value), pattern: m(e.pattern) };
      break;
    case 'SimpleCase':
      next = {
        ...e,
        operand: m(e.operand),
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        otherwise: e.otherwise && m(e.otherwise),
      };
      break;
    case 'SearchedCase':
      next = { ...e, whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })), otherwise: e.otherwise && m(e.otherwise) };
      break;
    case 'Cast':
      next = { ...e, operand: m(e.operand) };
      break;
    case 'FunctionCall':
      next = { ...e, args: e.args.map(m) };
      break;
    case 'ArrayConstructor':
      next = { ...e, items: e.items.map(m) };
      break;
    case 'MapConstructor':
      next = { ...e, entries: e.entries.map((x) => ({ key: m(x.key), value: m(x.value) })) };
      break;
    case 'StructConstructor':
      next = { ...e, fields: e.fields.map((f) => ({ name: f.name, value: m(f.value) })) };
      break;
    case 'Lambda':
      next = { ...e, body: m(e.body) };
      break;
    default:
      return assertNever(e, 'expression');
  }
  return fn(next);
}
