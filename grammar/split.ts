// Splits a script into statements on top-level `;`, the way the lexer would see it: a `;`
// inside a string, a quoted identifier or a comment does not end a statement.
import type { Position } from './ast.js';

export interface StatementText {
  /** The statement without its `;`, from its first token; leading comments are dropped. */
  readonly text: string;
  /** Where `text` starts in the script. */
  readonly start: Position;
  /** False for a last piece with no `;`: a REPL waits for more input on it. */
  readonly terminated: boolean;
}

export function splitStatements(script: string): StatementText[] {
  const pieces: StatementText[] = [];
  const cursor = new Cursor(script);
  let start: Position | undefined;
  while (!cursor.atEnd()) {
    const c = script[cursor.offset]!;
    if (start === undefined && /\s/.test(c)) {
      cursor.advance(1);
    } else if (script.startsWith('--', cursor.offset)) {
      cursor.skipLineComment();
    } else if (script.startsWith('/*', cursor.offset)) {
      cursor.skipBlockComment();
    } else if (c === ';') {
      if (start !== undefined) pieces.push(piece(script, start, cursor.offset, true));
      start = undefined;
      cursor.advance(1);
    } else {
      start ??= cursor.position();
      if (c === "'" || c === '`' || c === '"') cursor.skipQuoted(c);
      else cursor.advance(1);
    }
  }
  if (start !== undefined) pieces.push(piece(script, start, script.length, false));
  return pieces;
}

function piece(script: string, start: Position, end: number, terminated: boolean): StatementText {
  return { text: script.slice(start.offset, end).trimEnd(), start, terminated };
}

/** Walks a script keeping line and column, with the lexer's notion of quotes and comments. */
export class Cursor {
  offset = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.offset >= this.text.length;
  }

  position(): Position {
    return { offset: this.offset, line: this.line, column: this.offset - this.lineStart + 1 };
  }

  advance(n: number): void {
    const end = Math.min(this.offset + n, this.text.length);
    for (; this.offset < end; this.offset++) {
      const c = this.text.charCodeAt(this.offset);
      // \r\n counts once: the line starts after the \n.
      if (c === 10 || (c === 13 && this.text.charCodeAt(this.offset + 1) !== 10)) {
        this.line++;
        this.lineStart = this.offset + 1;
      }
    }
  }

  /** Past a quoted string or identifier; a doubled quote is an escaped quote. Unterminated runs to the end. */
  skipQuoted(quote: string): void {
    let i = this.offset + 1;
    for (;;) {
      const close = this.text.indexOf(quote, i);
      if (close === -1) return this.advance(this.text.length - this.offset);
      if (this.text[close + 1] !== quote) return this.advance(close + 1 - this.offset);
      i = close + 2;
    }
  }

  skipLineComment(): void {
    let end = this.offset;
    while (end < this.text.length && this.text[end] !== '\n' && this.text[end] !== '\r') end++;
    this.advance(end - this.offset);
  }

  skipBlockComment(): void {
    const close = this.text.indexOf('*/', this.offset + 2);
    this.advance(close === -1 ? this.text.length - this.offset : close + 2 - this.offset);
  }
}
