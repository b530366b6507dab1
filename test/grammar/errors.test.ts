import { describe, it, expect } from 'vitest';
import { parseExpression, parseStatement, parseStatements, parseType, SqlSyntaxError } from '../../grammar/index.js';

function error(run: () => unknown): SqlSyntaxError {
  try {
    run();
  } catch (e) {
    if (e instanceof SqlSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a SqlSyntaxError');
}

describe('syntax errors', () => {
  it('names the offending token, its line:col and what was expected', () => {
    const e = error(() => parseStatement('SELECT a b c FROM s'));
    expect(e.message).toBe("line 1:12: mismatched input 'c' expecting {',', FROM}");
    expect([e.line, e.column, e.offset]).toEqual([1, 12, 11]);
    expect(e.expected).toEqual(["','", 'FROM']);
  });

  it('reports a missing end at the end of the last token', () => {
    const e = error(() => parseStatement('SELECT * FROM'));
    expect(e.message).toBe("line 1:14: mismatched input '<EOF>' expecting identifier");
    expect(e.expected).toEqual(['identifier']);
  });

  it('lists the tokens that could continue a statement', () => {
    const e = error(() => parseStatement("CREATE STREAM s (id INT KEY WITH (kafka_topic='t')"));
    expect(e.message).toBe("line 1:29: mismatched input 'WITH' expecting {',', ')'}");
    const w = error(() => parseStatement('SELECT * FROM s WINDOW TUMBLING (SIZE 1 FOO)'));
    expect(w.message).toBe("line 1:41: mismatched input 'FOO' expecting time unit");
    const x = error(() => parseStatement('SELECT * FROM s x y'));
    expect(x.expected).toContain('WHERE');
    expect(x.expected).toContain('<EOF>');
    expect(x.column).toBe(19);
  });

  it('points past an LL(k) decision at the token that breaks the grammar', () => {
    // chevrotain fails at `w`, where the window kind was expected, but `w` is a window name.
    const e = error(() => parseStatement('SELECT * FROM s WINDOW w y'));
    expect(e.message).toBe("line 1:26: mismatched input 'y' expecting {TUMBLING, HOPPING, SESSION}");
  });

  it('rejects a second statement in parseStatement', () => {
    const e = error(() => parseStatement('SHOW STREAMS; SHOW TABLES'));
    expect(e.message).toBe("line 1:15: mismatched input 'SHOW' expecting <EOF>");
  });

  it('reports positions in the original script', () => {
    const e = error(() => parseStatements('SHOW STREAMS;\nSHOW TABLES;\n  SELECT * FROM s WHERE;'));
    expect([e.line, e.column]).toEqual([3, 24]);
    expect(e.message.startsWith("line 3:24: mismatched input '<EOF>' expecting {")).toBe(true);
    const moved = error(() => parseStatement('SELECT FROM s', { offset: 10, line: 2, column: 5 }));
    expect(moved.message.startsWith("line 2:12: mismatched input 'FROM' expecting {")).toBe(true);
    expect([moved.line, moved.column, moved.offset]).toEqual([2, 12, 17]);
  });

  it('reports lexical errors', () => {
    expect(error(() => parseStatement("SELECT 'abc FROM s")).message).toBe('line 1:8: unterminated string literal');
    expect(error(() => parseStatement('SELECT `abc FROM s')).message).toBe('line 1:8: unterminated quoted identifier');
    expect(error(() => parseStatement('SELECT 1 /* no end')).message).toBe('line 1:10: unterminated comment');
    expect(error(() => parseStatement('SELECT *\nFROM s WHERE a # b')).message).toBe("line 2:16: unexpected character '#'");
  });

  it('reports what the grammar accepts but ksqlDB does not, with a position', () => {
    expect(error(() => parseStatement('CREATE SOURCE STREAM s AS SELECT * FROM t')).message).toBe(
      'line 1:8: CREATE SOURCE STREAM cannot be used with AS SELECT',
    );
    expect(error(() => parseStatement("SELECT * FROM s WHERE a LIKE 'b' ESCAPE 'xy'")).message).toBe(
      "line 1:41: ESCAPE must be a single character, got 'xy'",
    );
    expect(error(() => parseStatement('SELECT * FROM s LIMIT 99999999999999999999')).message).toBe(
      'line 1:23: integer 99999999999999999999 is too large',
    );
    expect(error(() => parseExpression("FOO 'x'")).message).toMatch(/^line 1:1: no literal of type 'FOO'/);
    expect(error(() => parseExpression("DECIMAL 'abc'")).message).toBe("line 1:9: invalid DECIMAL literal 'abc'");
    expect(error(() => parseType('STRUCT!=')).message).toBe("line 1:7: mismatched input '!=' expecting '<'");
  });

  it('turns runaway nesting into a SqlSyntaxError', () => {
    const deep = `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)} FROM s`;
    expect(error(() => parseStatement(deep, { offset: 3, line: 2, column: 4 })).message).toBe(
      'line 2:4: statement is nested too deeply',
    );
  });

  it('never puts a stack trace in the message', () => {
    const e = error(() => parseStatement('DROP'));
    expect(e.message).not.toMatch(/\n|\bat\b/);
    expect(e.name).toBe('SqlSyntaxError');
  });
});
