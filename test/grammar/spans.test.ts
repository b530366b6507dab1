import { describe, it, expect } from 'vitest';
import { parseExpression, parseStatement, parseStatements, type Expression, type Span } from '../../grammar/index.js';

/** The text a span covers; `end` is just after the last character. */
const cover = (text: string, span: Span) => text.slice(span.start.offset, span.end.offset);

describe('spans', () => {
  it('covers exactly the text of each node', () => {
    const sql = 'SELECT a + b AS s, f(x, 1) FROM src t WHERE NOT x IS NULL;';
    const stmt = parseStatement(sql);
    expect(stmt.kind).toBe('QueryStatement');
    if (stmt.kind !== 'QueryStatement') return;
    expect(cover(sql, stmt.span)).toBe('SELECT a + b AS s, f(x, 1) FROM src t WHERE NOT x IS NULL');
    const [first, second] = stmt.query.select;
    expect(cover(sql, first!.span)).toBe('a + b AS s');
    if (first?.kind !== 'SelectExpr' || second?.kind !== 'SelectExpr') throw new Error('select items');
    expect(cover(sql, first.expr.span)).toBe('a + b');
    expect(cover(sql, second.expr.span)).toBe('f(x, 1)');
    expect(cover(sql, stmt.query.from.span)).toBe('src t');
    expect(cover(sql, stmt.query.where!.span)).toBe('NOT x IS NULL');
    expect(stmt.query.where!.span.start).toEqual({ offset: 44, line: 1, column: 45 });
  });

  it('covers operator chains, postfix operators and unary minus', () => {
    const sql = 'x - -y * s->f[2]';
    const e = parseExpression(sql);
    const spans: string[] = [];
    const walk = (n: Expression): void => {
      spans.push(cover(sql, n.span));
      if (n.kind === 'Arithmetic') [n.left, n.right].forEach(walk);
      if (n.kind === 'Negate') walk(n.operand);
      if (n.kind === 'Subscript') [n.base, n.index].forEach(walk);
      if (n.kind === 'Dereference') walk(n.base);
    };
    walk(e);
    expect(spans).toEqual(['x - -y * s->f[2]', 'x', '-y * s->f[2]', '-y', 'y', 's->f[2]', 's->f', 's', '2']);
  });

  it('places statements of a script at their original line and column', () => {
    const script = 'SHOW STREAMS;\n\n  -- comment\n  SELECT *\n    FROM s\n    WHERE v = 1;';
    const [, select] = parseStatements(script);
    expect(select?.span.start).toEqual({ offset: 30, line: 4, column: 3 });
    expect(select?.span.end).toEqual({ offset: 65, line: 6, column: 16 });
    if (select?.kind !== 'QueryStatement') throw new Error('expected a query');
    expect(select.query.where?.span.start).toEqual({ offset: 60, line: 6, column: 11 });
    expect(cover(script, select.query.where!.span)).toBe('v = 1');
  });

  it('moves positions by the start given to parseStatement', () => {
    const stmt = parseStatement('SELECT *\nFROM s', { offset: 100, line: 10, column: 5 });
    if (stmt.kind !== 'QueryStatement') throw new Error('expected a query');
    expect(stmt.span.start).toEqual({ offset: 100, line: 10, column: 5 });
    expect(stmt.query.select[0]!.span.start).toEqual({ offset: 107, line: 10, column: 12 });
    // On a later line the column no longer depends on where the piece started.
    expect(stmt.query.from.span.start).toEqual({ offset: 114, line: 11, column: 6 });
  });

  it('gives table elements, properties, windows and durations spans', () => {
    const sql = "CREATE STREAM s (id INT KEY) WITH (kafka_topic='t')";
    const stmt = parseStatement(sql);
    if (stmt.kind !== 'CreateSource') throw new Error('expected CreateSource');
    expect(cover(sql, stmt.elements[0]!.span)).toBe('id INT KEY');
    expect(cover(sql, stmt.elements[0]!.type.span)).toBe('INT');
    expect(cover(sql, stmt.properties[0]!.span)).toBe("kafka_topic='t'");
    const q = 'SELECT * FROM s WINDOW TUMBLING (SIZE 5 SECONDS) GROUP BY k';
    const query = parseStatement(q);
    if (query.kind !== 'QueryStatement') throw new Error('expected a query');
    expect(cover(q, query.query.window!.span)).toBe('TUMBLING (SIZE 5 SECONDS)');
    if (query.query.window?.kind !== 'TumblingWindow') throw new Error('expected a tumbling window');
    expect(cover(q, query.query.window.size.span)).toBe('5 SECONDS');
  });
});
