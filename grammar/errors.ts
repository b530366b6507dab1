import type { Position } from './ast.js';

/**
 * Every lexing, parsing and AST-building failure. The message starts with `line L:C:` in
 * the original script and never carries a stack trace; `expected` lists what would have
 * been accepted at that point (empty when the problem is not a missing token).
 */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly expected: string[];

  constructor(detail: string, at: Position, expected: readonly string[] = []) {
    super(`line ${at.line}:${at.column}: ${detail}`);
    this.line = at.line;
    this.column = at.column;
    this.offset = at.offset;
    this.expected = [...expected];
  }
}
