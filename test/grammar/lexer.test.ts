import { describe, it, expect } from 'vitest';
import { sqlLexer } from '../../grammar/lexer.js';

function lex(text: string): string[] {
  const result = sqlLexer.tokenize(text);
  expect(result.errors).toEqual([]);
  return result.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe('lexer', () => {
  it('matches keywords case-insensitively and keeps longer words as identifiers', () => {
    expect(lex('select Inner in intO selected windowstart')).toEqual([
      'SELECT:select',
      'INNER:Inner',
      'IN:in',
      'INTO:intO',
      'Identifier:selected',
      'Identifier:windowstart',
    ]);
  });

  it('tells plural and singular time units apart', () => {
    expect(lex('SECONDS second Milliseconds')).toEqual(['SECONDS:SECONDS', 'SECOND:second', 'MILLISECONDS:Milliseconds']);
  });

  it('lexes quoted identifiers and strings with doubled-quote escapes', () => {
    expect(lex("`a``b` \"c\"\"d\" 'it''s'")).toEqual([
      'BackQuotedIdentifier:`a``b`',
      'QuotedIdentifier:"c""d"',
      "StringLiteral:'it''s'",
    ]);
  });

  it('lexes integers, decimals and doubles', () => {
    expect(lex('12 1.5 .5 3. 1e3 1.5E-3 .5e+2')).toEqual([
      'IntegerLiteral:12',
      'DecimalLiteral:1.5',
      'DecimalLiteral:.5',
      'DecimalLiteral:3.',
      'DoubleLiteral:1e3',
      'DoubleLiteral:1.5E-3',
      'DoubleLiteral:.5e+2',
    ]);
  });

  it('lexes names that start with digits as identifiers', () => {
    expect(lex('1R 2abc')).toEqual(['DigitIdentifier:1R', 'DigitIdentifier:2abc']);
  });

  it('skips comments and whitespace', () => {
    expect(lex('a -- comment ; here\n/* block\n ; */ b')).toEqual(['Identifier:a', 'Identifier:b']);
  });

  it('prefers multi-character operators', () => {
    expect(lex('-> => := || <> != <= >= < > = - * / %')).toEqual([
      'Arrow:->',
      'LambdaArrow:=>',
      'Assign::=',
      'Concat:||',
      'NotEq:<>',
      'NotEq:!=',
      'LtEq:<=',
      'GtEq:>=',
      'Lt:<',
      'Gt:>',
      'Eq:=',
      'Minus:-',
      'Star:*',
      'Slash:/',
      'Percent:%',
    ]);
  });

  it('tracks lines and columns', () => {
    const [a, b] = sqlLexer.tokenize('a\n  bb').tokens;
    expect([a?.startLine, a?.startColumn, b?.startLine, b?.startColumn, b?.endColumn]).toEqual([1, 1, 2, 3, 4]);
  });
});
