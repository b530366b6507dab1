// Entry points: lex, parse, build the AST, and turn every failure into a SqlSyntaxError
// positioned in the original script.
import {
  EOF,
  tokenLabel,
  tokenMatcher,
  type CstNode,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type { Expression, Position, Statement, TypeNode } from './ast.js';
import { AstBuilder } from './ast-builder.js';
import type { ExpressionCstNode, SingleStatementCstNode, TypeCstNode } from './cst-types.js';
import { SqlSyntaxError } from './errors.js';
import { sqlLexer, UnterminatedComment } from './lexer.js';
import { sqlParser } from './parser.js';
import { ORIGIN, positionAt, relocate } from './positions.js';
import { splitStatements } from './split.js';

/** Parses exactly one statement (a trailing `;` is allowed). `start` is where `text` begins in its script. */
export function parseStatement(text: string, start: Position = ORIGIN): Statement {
  return parseWith(text, start, 'singleStatement', (builder, cst) =>
    builder.statement((cst as SingleStatementCstNode).children.statement[0]!),
  );
}

/** Parses a script of statements separated by `;` (the last `;` is optional). */
export function parseStatements(text: string): Statement[] {
  return splitStatements(text).map((piece) => parseStatement(piece.text, piece.start));
}

export function parseExpression(text: string, start: Position = ORIGIN): Expression {
  return parseWith(text, start, 'expression', (builder, cst) => builder.expression(cst as ExpressionCstNode));
}

export function parseType(text: string, start: Position = ORIGIN): TypeNode {
  return parseWith(text, start, 'type', (builder, cst) => builder.type(cst as TypeCstNode));
}

type StartRule = 'singleStatement' | 'expression' | 'type';

function parseWith<R>(text: string, start: Position, rule: StartRule, build: (b: AstBuilder, cst: CstNode) => R): R {
  const lexed = sqlLexer.tokenize(text);
  const lexError = lexed.errors[0];
  if (lexError !== undefined) {
    const at = relocate(start, lexError.offset, lexError.line ?? 1, lexError.column ?? 1);
    throw new SqlSyntaxError(describeBadInput(text, lexError.offset), at);
  }
  const unclosed = lexed.tokens.find((t) => t.tokenType === UnterminatedComment);
  if (unclosed !== undefined) throw new SqlSyntaxError('unterminated comment', tokenPosition(start, unclosed));
  try {
    sqlParser.input = lexed.tokens;
    const cst = sqlParser[rule]();
    const parseError = sqlParser.errors[0];
    if (parseError !== undefined) throw syntaxError(text, start, rule, lexed.tokens, parseError);
    return build(new AstBuilder(start), cst);
  } catch (e) {
    if (e instanceof SqlSyntaxError) throw e;
    // Recursion depth is the one limit of a recursive-descent parser; anything else is a
    // bug here. Either way the user gets a positioned SQL error, not a RangeError or TypeError.
    if (e instanceof RangeError) throw new SqlSyntaxError('statement is nested too deeply', start);
    throw new SqlSyntaxError(`internal error: ${e instanceof Error ? e.message : String(e)}`, start);
  }
}

function describeBadInput(text: string, offset: number): string {
  const c = text[offset];
  if (c === "'") return 'unterminated string literal';
  if (c === '`' || c === '"') return 'unterminated quoted identifier';
  return `unexpected character '${c}'`;
}

/**
 * chevrotain reports an LL(k) decision failure at the first token of the decision, though
 * the token that actually breaks the grammar may be one or two further on. Content assist
 * (which follows the grammar from the tokens before a point) finds the first token that
 * nothing can accept, and what would have been accepted there.
 */
function syntaxError(
  text: string,
  start: Position,
  rule: StartRule,
  tokens: IToken[],
  error: IRecognitionException,
): SqlSyntaxError {
  let index = tokenIndex(tokens, error.token);
  let next = expectedAfter(rule, tokens.slice(0, index));
  const limit = index + 3;
  while (index < tokens.length && index < limit && next.some((t) => tokenMatcher(tokens[index]!, t))) {
    index++;
    next = expectedAfter(rule, tokens.slice(0, index));
  }
  const expected = [...new Set(next.map(tokenLabel))];
  if (error.name === 'NotAllInputParsedException') expected.push('<EOF>');
  const offending = tokens[index];
  const at = offending !== undefined ? tokenPosition(start, offending) : endPosition(text, start, tokens);
  const input = offending !== undefined ? `'${abbreviate(offending.image)}'` : "'<EOF>'";
  const expecting =
    expected.length === 0 ? '' : expected.length === 1 ? ` expecting ${expected[0]}` : ` expecting {${expected.join(', ')}}`;
  return new SqlSyntaxError(`mismatched input ${input}${expecting}`, at, expected);
}

function tokenIndex(tokens: IToken[], token: IToken): number {
  if (tokenMatcher(token, EOF)) return tokens.length;
  const index = tokens.indexOf(token);
  return index === -1 ? tokens.length : index;
}

/** Content assist costs about 0.1ms per preceding token; past this, an error names no expected tokens. */
const maxAssistedTokens = 2000;

function expectedAfter(rule: StartRule, preceding: IToken[]): TokenType[] {
  if (preceding.length > maxAssistedTokens) return [];
  return sqlParser.computeContentAssist(rule, preceding).map((s) => s.nextTokenType);
}

function tokenPosition(start: Position, token: IToken): Position {
  return relocate(start, token.startOffset, token.startLine ?? 1, token.startColumn ?? 1);
}

/** End of input is reported just after the last token, where a caret is most useful. */
function endPosition(text: string, start: Position, tokens: IToken[]): Position {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return positionAt(text, text.length, start);
  return relocate(start, last.endOffset! + 1, last.endLine!, last.endColumn! + 1);
}

function abbreviate(image: string): string {
  return image.length > 40 ? `${image.slice(0, 37)}...` : image;
}
