import { describe, it, expect } from 'vitest';
import { assertNever, parseExpression, type Expression } from '../../grammar/index.js';
import { stripSpans } from './helpers.js';

/** A compact, fully parenthesised rendering, so precedence tests read like the SQL. */
function show(e: Expression): string {
  switch (e.kind) {
    case 'IntegerLiteral':
    case 'DecimalLiteral':
      return e.text;
    case 'DoubleLiteral':
      return `${e.text}d`;
    case 'StringLiteral':
      return `'${e.value}'`;
    case 'BooleanLiteral':
      return String(e.value);
    case 'NullLiteral':
      return 'null';
    case 'TypedLiteral':
      return `${e.type.kind === 'PrimitiveType' ? e.type.name : e.type.kind}'${e.value}'`;
    case 'ColumnRef':
      return e.source === undefined ? e.name : `${e.source}.${e.name}`;
    case 'Dereference':
      return `${show(e.base)}->${e.field}`;
    case 'Subscript':
      return `${show(e.base)}[${show(e.index)}]`;
    case 'Arithmetic':
    case 'Comparison':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Logical':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Concat':
      return `(${show(e.left)} || ${show(e.right)})`;
    case 'Negate':
      return `-${show(e.operand)}`;
    case 'Not':
      return `(NOT ${show(e.operand)})`;
    case 'IsNull':
      return `(${show(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'IsDistinctFrom':
      return `(${show(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${show(e.right)})`;
    case 'Between':
      return `(${show(e.value)} ${e.negated ? 'NOT ' : ''}BETWEEN ${show(e.low)} AND ${show(e.high)})`;
    case 'InList':
      return `(${show(e.value)} ${e.negated ? 'NOT ' : ''}IN ${e.list.map(show).join(', ')})`;
    case 'Like':
      return `(${show(e.value)} ${e.negated ? 'NOT ' : ''}LIKE ${show(e.pattern)}${e.escape === undefined ? '' : ` ESCAPE ${e.escape}`})`;
    case 'SimpleCase':
    case 'SearchedCase': {
      const operand = e.kind === 'SimpleCase' ? ` ${show(e.operand)}` : '';
      const whens = e.whens.map((w) => ` WHEN ${show(w.when)} THEN ${show(w.then)}`).join('');
      return `(CASE${operand}${whens}${e.otherwise === undefined ? '' : ` ELSE ${show(e.otherwise)}`})`;
    }
    case 'Cast':
      return `CAST(${show(e.operand)} AS ${e.type.kind})`;
    case 'FunctionCall':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.star ? '*' : e.args.map(show).join(', ')})`;
    case 'IntervalUnit':
      return `#${e.unit}`;
    case 'ArrayConstructor':
      return `[${e.items.map(show).join(', ')}]`;
    case 'MapConstructor':
      return `{${e.entries.map((x) => `${show(x.key)}: ${show(x.value)}`).join(', ')}}`;
    case 'StructConstructor':
      return `{${e.fields.map((f) => `${f.name}= ${show(f.value)}`).join(', ')}}`;
    case 'Lambda':
      return `(${e.params.join(', ')}) => ${show(e.body)}`;
    default:
      return assertNever(e);
  }
}

const p = (sql: string) => show(parseExpression(sql));

describe('expression precedence', () => {
  it.each([
    ['a OR b AND c', '(A OR (B AND C))'],
    ['a AND b OR c', '((A AND B) OR C)'],
    ['NOT a AND b', '((NOT A) AND B)'],
    ['NOT a = b', '(NOT (A = B))'],
    ['NOT NOT a', '(NOT (NOT A))'],
    ['a = b + c', '(A = (B + C))'],
    ['a + b * c - d', '((A + (B * C)) - D)'],
    ['a - b - c', '((A - B) - C)'],
    ['a / b % c', '((A / B) % C)'],
    ['a || b + c', '(A || (B + C))'],
    ['a + b || c', '((A + B) || C)'],
    ['-a * b', '(-A * B)'],
    ['- -1', '--1'],
    ['+a', 'A'],
    ['-s->f[1]', '-S->F[1]'],
    ['(a + b) * c', '((A + B) * C)'],
    ['a != b', '(A <> B)'],
    ['a <> b AND c <= d OR e >= f', '(((A <> B) AND (C <= D)) OR (E >= F))'],
    ['a BETWEEN 1 AND 2 AND b', '((A BETWEEN 1 AND 2) AND B)'],
    ['a NOT BETWEEN b + 1 AND c', '(A NOT BETWEEN (B + 1) AND C)'],
    ['a IN (1, 2 + 3)', '(A IN 1, (2 + 3))'],
    ['a NOT IN (b)', '(A NOT IN B)'],
    ["a LIKE 'x%' ESCAPE '!'", "(A LIKE 'x%' ESCAPE !)"],
    ["a NOT LIKE b || '%'", "(A NOT LIKE (B || '%'))"],
    ['a IS NULL OR b IS NOT NULL', '((A IS NULL) OR (B IS NOT NULL))'],
    ['a IS DISTINCT FROM b + 1', '(A IS DISTINCT FROM (B + 1))'],
    ['a IS NOT DISTINCT FROM b', '(A IS NOT DISTINCT FROM B)'],
  ])('%s', (sql, expected) => {
    expect(p(sql)).toBe(expected);
  });
});

describe('primary expressions', () => {
  it.each([
    ['1', '1'],
    ['1.50', '1.50'],
    ['.5', '.5'],
    ['1.5E3', '1.5E3d'],
    ["'it''s'", "'it's'"],
    ['TRUE', 'true'],
    ['false', 'false'],
    ['NULL', 'null'],
    ["DATE '2020-01-01'", "DATE'2020-01-01'"],
    ["TIMESTAMP '2020-01-01T00:00:00'", "TIMESTAMP'2020-01-01T00:00:00'"],
    ["DECIMAL '1.50'", '1.50'],
    ["DECIMAL '-1.50'", '-1.50'],
    ['col', 'COL'],
    ['`Col`', 'Col'],
    ['"Col"', 'Col'],
    ['s.col', 'S.COL'],
    ['s.col->f->g', 'S.COL->F->G'],
    ['s->from', 'S->FROM'],
    ['arr[1][-1]', 'ARR[1][-1]'],
    ["m['k']->f", "M['k']->F"],
    ['ARRAY[1, 2][1]', '[1, 2][1]'],
    ['ARRAY[]', '[]'],
    ["MAP('a' := 1, 'b' := 2)", "{'a': 1, 'b': 2}"],
    ['STRUCT(a := 1, `b` := s->x)', '{A= 1, b= S->X}'],
    ['STRUCT()', '{}'],
    ['CAST(a AS DECIMAL(4, 2))', 'CAST(A AS DecimalType)'],
    ['CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END', '(CASE WHEN A THEN 1 WHEN B THEN 2 ELSE 3)'],
    ["CASE a + 1 WHEN 1 THEN 'x' END", "(CASE (A + 1) WHEN 1 THEN 'x')"],
    ['count(*)', 'COUNT(*)'],
    ['COUNT(DISTINCT x)', 'COUNT(DISTINCT X)'],
    ['now()', 'NOW()'],
    ['TIMESTAMPADD(MINUTES, 5, ts)', 'TIMESTAMPADD(#MINUTES, 5, TS)'],
    ['DATEADD(day, 1, d)', 'DATEADD(#DAYS, 1, D)'],
    ['f(seconds + 1)', 'F((SECONDS + 1))'],
    ['TRANSFORM(arr, x => x + 1)', 'TRANSFORM(ARR, (X) => (X + 1))'],
    ['TRANSFORM(m, (k, v) => k || v, (k, v) => v)', 'TRANSFORM(M, (K, V) => (K || V), (K, V) => V)'],
    ['REDUCE(arr, 0, (s, x) => s + x)', 'REDUCE(ARR, 0, (S, X) => (S + X))'],
    ['f((a), (b))', 'F(A, B)'],
    ['REPLACE(a, \'x\', \'y\')', "REPLACE(A, 'x', 'y')"],
    ['key', 'KEY'],
    ['map', 'MAP'],
    ['array[1]', '[1]'],
  ])('%s', (sql, expected) => {
    expect(p(sql)).toBe(expected);
  });

  it('produces whole literal and reference nodes', () => {
    expect(stripSpans(parseExpression("src.col->f[1] = -2.5E1 || 'x'"))).toEqual({
      kind: 'Comparison',
      op: '=',
      left: {
        kind: 'Subscript',
        base: { kind: 'Dereference', base: { kind: 'ColumnRef', source: 'SRC', name: 'COL' }, field: 'F' },
        index: { kind: 'IntegerLiteral', text: '1' },
      },
      right: {
        kind: 'Concat',
        left: { kind: 'Negate', operand: { kind: 'DoubleLiteral', text: '2.5E1' } },
        right: { kind: 'StringLiteral', value: 'x' },
      },
    });
    expect(stripSpans(parseExpression('TIMESTAMPADD(HOUR, 1, ts)'))).toEqual({
      kind: 'FunctionCall',
      name: 'TIMESTAMPADD',
      args: [
        { kind: 'IntervalUnit', unit: 'HOURS' },
        { kind: 'IntegerLiteral', text: '1' },
        { kind: 'ColumnRef', name: 'TS' },
      ],
      distinct: false,
      star: false,
    });
  });
});
