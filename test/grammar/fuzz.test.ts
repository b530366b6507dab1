// Whatever the input, parsing either succeeds or throws a SqlSyntaxError: never a chevrotain
// exception, a TypeError from the AST builder, or an error without a position.
import { describe, it, expect } from 'vitest';
import { parseStatement, parseStatements, SqlSyntaxError } from '../../grammar/index.js';
import { conformanceAvailable, conformanceStatements, prng } from './helpers.js';

/** Parses, and returns 'ok' or 'error'; anything other than a SqlSyntaxError fails the test. */
function outcome(sql: string): 'ok' | 'error' {
  try {
    parseStatements(sql);
    return 'ok';
  } catch (e) {
    if (!(e instanceof SqlSyntaxError)) throw new Error(`non-SqlSyntaxError for ${JSON.stringify(sql)}: ${String(e)}`);
    expect(e.message).toMatch(/^line \d+:\d+: /);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    return 'error';
  }
}

const soup = [
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'PARTITION', 'HAVING', 'EMIT', 'CHANGES', 'FINAL', 'LIMIT',
  'WINDOW', 'TUMBLING', 'HOPPING', 'SESSION', 'SIZE', 'ADVANCE', 'RETENTION', 'GRACE', 'PERIOD',
  'JOIN', 'LEFT', 'OUTER', 'INNER', 'FULL', 'WITHIN', 'ON', 'AS', 'AND', 'OR', 'NOT', 'IS', 'NULL',
  'IN', 'LIKE', 'ESCAPE', 'BETWEEN', 'DISTINCT', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST',
  'ARRAY', 'MAP', 'STRUCT', 'DECIMAL', 'DATE', 'CREATE', 'OR', 'REPLACE', 'SOURCE', 'STREAM', 'TABLE',
  'TYPE', 'IF', 'EXISTS', 'WITH', 'KEY', 'PRIMARY', 'HEADER', 'HEADERS', 'INSERT', 'INTO', 'VALUES',
  'DROP', 'DELETE', 'TOPIC', 'ALTER', 'ADD', 'COLUMN', 'SHOW', 'LIST', 'ALL', 'TOPICS', 'EXTENDED',
  'DESCRIBE', 'FUNCTION', 'EXPLAIN', 'TERMINATE', 'PRINT', 'BEGINNING', 'INTERVAL', 'SET', 'UNSET',
  'DEFINE', 'UNDEFINE', 'RUN', 'SCRIPT', 'SECONDS', 'MINUTE', 'COUNT', 'TIMESTAMPADD', 'a', 'b.c',
  '`Q`', '"q"', "'s'", "'it''s'", '1', '1.5', '.5', '1e3', '99999999999999999999', '1R',
  '(', ')', '[', ']', '<', '>', '<>', '!=', '=', '<=', '>=', ',', '.', ';', '*', '+', '-', '/', '%',
  '||', '->', '=>', ':=', "'", '`', '"', '/*', '*/', '--', '\n', '#', '$', '${x}',
];

describe('fuzz', () => {
  it('survives thousands of random token soups', () => {
    const random = prng(20240611);
    const counts = { ok: 0, error: 0 };
    for (let n = 0; n < 4000; n++) {
      const length = 1 + Math.floor(random() * 24);
      const words = Array.from({ length }, () => soup[Math.floor(random() * soup.length)]!);
      counts[outcome(words.join(random() < 0.2 ? '' : ' '))]++;
    }
    expect(counts.error).toBeGreaterThan(0);
  });

  it.skipIf(!conformanceAvailable)('survives every prefix and random mutations of real statements', () => {
    const all = conformanceStatements().filter((s) => !s.expectsError);
    const random = prng(7);
    const picked = Array.from({ length: 30 }, () => all[Math.floor(random() * all.length)]!.sql);
    let ok = 0;
    for (const sql of picked) {
      expect(outcome(sql)).toBe('ok');
      for (let i = 0; i < sql.length; i++) if (outcome(sql.slice(0, i)) === 'ok') ok++;
      const tokens = sql.split(/(\s+|[(),;])/).filter((t) => t.trim() !== '');
      for (let m = 0; m < 40; m++) {
        const mutated = [...tokens];
        const at = Math.floor(random() * mutated.length);
        const choice = random();
        if (choice < 0.33) mutated.splice(at, 1);
        else if (choice < 0.66) mutated.splice(at, 0, soup[Math.floor(random() * soup.length)]!);
        else mutated[at] = soup[Math.floor(random() * soup.length)]!;
        outcome(mutated.join(' '));
      }
    }
    // Some prefixes are complete statements themselves (`SELECT * FROM s` before ` WHERE`).
    expect(ok).toBeGreaterThan(0);
  });

  it('parses single statements with any start position', () => {
    const random = prng(99);
    for (let n = 0; n < 200; n++) {
      const start = { offset: Math.floor(random() * 1000), line: 1 + Math.floor(random() * 50), column: 1 + Math.floor(random() * 80) };
      const stmt = parseStatement('SELECT a\n  FROM s', start);
      expect(stmt.span.start).toEqual(start);
      expect(stmt.span.end).toEqual({ offset: start.offset + 17, line: start.line + 1, column: 9 });
    }
  });
});
