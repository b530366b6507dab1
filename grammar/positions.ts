// Positions in the original script. Statements are parsed one at a time from pieces of a
// script, so every position the lexer reports (relative to the piece) is moved by the
// piece's start before it reaches an AST node or an error.
import type { Position } from './ast.js';

export const ORIGIN: Position = { offset: 0, line: 1, column: 1 };

/** Moves a position relative to a piece of text to the script the piece starts at `base` in. */
export function relocate(base: Position, offset: number, line: number, column: number): Position {
  return {
    offset: base.offset + offset,
    line: base.line + line - 1,
    column: line === 1 ? base.column + column - 1 : column,
  };
}

/** The position of `offset` in `text`; lines end at \n, \r\n or \r, as in the lexer. */
export function positionAt(text: string, offset: number, base: Position = ORIGIN): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return relocate(base, offset, line, offset - lineStart + 1);
}
