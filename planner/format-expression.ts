// Expressions back to SQL text, as ksqlDB prints them in EXPLAIN and error messages. Also
// gives structural equality that ignores spans: two expressions are the same when they
// format the same.

import { assertNever, type Expression, type TypeNode } from '../grammar/ast.js';

function ident(name: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

export function formatTypeNode(t: TypeNode): string {
  switch (t.kind) {
    case 'PrimitiveType':
      return t.name === 'INT' ? 'INTEGER' : t.name;
    case 'DecimalType':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'ArrayType':
      return `ARRAY<${formatTypeNode(t.element)}>`;
    case 'MapType':
      return `MAP<${formatTypeNode(t.key)}, ${formatTypeNode(t.value)}>`;
    case 'StructType':
      return `STRUCT<${t.fields.map((f) => `${ident(f.name)} ${formatTypeNode(f.type)}`).join(', ')}>`;
    case 'CustomType':
      return t.name;
    default:
      return assertNever(t);
  }
}

function quote(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

export function formatExpression(e: Expression): string {
  switch (e.kind) {
    case 'IntegerLiteral':
    case 'DecimalLiteral':
    case 'DoubleLiteral':
      return e.text;
    case 'StringLiteral':
      return quote(e.value);
    case 'BooleanLiteral':
      return e.value ? 'true' : 'false';
    case 'NullLiteral':
      return 'null';
    case 'TypedLiteral':
      return `${formatTypeNode(e.type)} ${quote(e.value)}`;
    case 'ColumnRef':
      return e.source !== undefined ? `${ident(e.source)}.${ident(e.name)}` : ident(e.name);
    case 'Dereference':
      return `${formatExpression(e.base)}->${ident(e.field)}`;
    case 'Subscript':
      return `${formatExpression(e.base)}[${formatExpression(e.index)}]`;
    case 'Arithmetic':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Negate':
      return `-${formatExpression(e.operand)}`;
    case 'Concat':
      return `(${formatExpression(e.left)} || ${formatExpression(e.right)})`;
    case 'Comparison':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Logical':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'Not':
      return `(NOT ${formatExpression(e.operand)})`;
    case 'IsNull':
      return `(${formatExpression(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'IsDistinctFrom':
      return `(${formatExpression(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${formatExpression(e.right)})`;
    case 'Between':
      return `(${formatExpression(e.value)} ${e.negated ? 'NOT ' : ''}BETWEEN ${formatExpression(e.low)} AND ${formatExpression(e.high)})`;
    case 'InList':
      return `(${formatExpression(e.value)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(formatExpression).join(', ')}))`;
    case 'Like':
      return `(${formatExpression(e.value)} ${e.negated ? 'NOT ' : ''}LIKE ${formatExpression(e.pattern)}${e.escape !== undefined ? ` ESCAPE ${quote(e.escape)}` : ''})`;
    case 'SimpleCase':
      return `(CASE ${formatExpression(e.operand)} ${e.whens.map((w) => `WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`).join(' ')}${e.otherwise ? ` ELSE ${formatExpression(e.otherwise)}` : ''} END)`;
    case 'SearchedCase':
      return `(CASE ${e.whens.map((w) => `WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`).join(' ')}${e.otherwise ? ` ELSE ${formatExpression(e.otherwise)}` : ''} END)`;
    case 'Cast':
      return `CAST(${formatExpression(e.operand)} AS ${formatTypeNode(e.type)})`;
    case 'FunctionCall':
      return `${e.name}(${e.star ? '*' : (e.distinct ? 'DISTINCT ' : '') + e.args.map(formatExpression).join(', ')})`;
    case 'IntervalUnit':
      return e.unit;
    case 'ArrayConstructor':
      return `ARRAY[${e.items.map(formatExpression).join(', ')}]`;
    case 'MapConstructor':
      return `MAP(${e.entries.map((x) => `${formatExpression(x.key)}:=${formatExpression(x.value)}`).join(', ')})`;
    case 'StructConstructor':
      return `STRUCT(${e.fields.map((f) => `${ident(f.name)}:=${formatExpression(f.value)}`).join(', ')})`;
    case 'Lambda':
      return `(${e.params.join(', ')}) => ${formatExpression(e.body)}`;
    default:
      return assertNever(e, 'expression');
  }
}

export function sameExpression(a: Expression, b: Expression): boolean {
  return formatExpression(a) === formatExpression(b);
}
