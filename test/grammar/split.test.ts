import { describe, it, expect } from 'vitest';
import { splitStatements } from '../../grammar/index.js';

describe('splitStatements', () => {
  it('splits on top-level semicolons only', () => {
    const script = [
      "SELECT ';' FROM s;",
      'SELECT `a;b` FROM s; SELECT "c;d" FROM s;',
      '-- a comment; with a semicolon',
      "/* block; comment */ INSERT INTO s VALUES ('it''s;');",
      '  SHOW STREAMS',
    ].join('\n');
    expect(splitStatements(script).map((p) => [p.text, p.terminated])).toEqual([
      ["SELECT ';' FROM s", true],
      ['SELECT `a;b` FROM s', true],
      ['SELECT "c;d" FROM s', true],
      ["INSERT INTO s VALUES ('it''s;')", true],
      ['SHOW STREAMS', false],
    ]);
  });

  it('keeps the original position of each piece', () => {
    const script = 'SHOW STREAMS;\r\n\t  SHOW TABLES ;\n\n-- c\n  /* x */ SHOW TYPES';
    expect(splitStatements(script).map((p) => p.start)).toEqual([
      { offset: 0, line: 1, column: 1 },
      { offset: 18, line: 2, column: 4 },
      { offset: 48, line: 5, column: 11 },
    ]);
    const pieces = splitStatements(script);
    for (const p of pieces) expect(script.slice(p.start.offset, p.start.offset + p.text.length)).toBe(p.text);
  });

  it('drops empty statements and whitespace-only input', () => {
    expect(splitStatements(';; \n ; -- only a comment\n')).toEqual([]);
    expect(splitStatements('')).toEqual([]);
  });

  it('runs an unterminated string or comment to the end of the script', () => {
    expect(splitStatements("SELECT 'a;b FROM s; SHOW STREAMS;").map((p) => p.text)).toEqual(["SELECT 'a;b FROM s; SHOW STREAMS;"]);
    expect(splitStatements('SELECT 1 /* ; ').map((p) => [p.text, p.terminated])).toEqual([['SELECT 1 /* ;', false]]);
  });
});
