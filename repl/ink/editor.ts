// The text being typed at the prompt and its cursor: pure operations, one statement that may
// span several lines (Enter on an unfinished statement inserts a newline).

export interface Editor {
  readonly text: string;
  /** Offset in `text`, 0..text.length. */
  readonly cursor: number;
}

export const EMPTY: Editor = { text: '', cursor: 0 };

export function editorOf(text: string): Editor {
  return { text, cursor: text.length };
}

export function insert(e: Editor, s: string): Editor {
  return { text: e.text.slice(0, e.cursor) + s + e.text.slice(e.cursor), cursor: e.cursor + s.length };
}

export function backspace(e: Editor): Editor {
  if (e.cursor === 0) return e;
  return { text: e.text.slice(0, e.cursor - 1) + e.text.slice(e.cursor), cursor: e.cursor - 1 };
}

export function deleteForward(e: Editor): Editor {
  if (e.cursor >= e.text.length) return e;
  return { text: e.text.slice(0, e.cursor) + e.text.slice(e.cursor + 1), cursor: e.cursor };
}

export function left(e: Editor): Editor {
  return { ...e, cursor: Math.max(0, e.cursor - 1) };
}

export function right(e: Editor): Editor {
  return { ...e, cursor: Math.min(e.text.length, e.cursor + 1) };
}

function lineStart(e: Editor): number {
  return e.text.lastIndexOf('\n', e.cursor - 1) + 1;
}

function lineEnd(e: Editor): number {
  const nl = e.text.indexOf('\n', e.cursor);
  return nl === -1 ? e.text.length : nl;
}

export function home(e: Editor): Editor {
  return { ...e, cursor: lineStart(e) };
}

export function end(e: Editor): Editor {
  return { ...e, cursor: lineEnd(e) };
}

/** The cursor one line up, same column as far as the line allows; undefined on the first line. */
export function up(e: Editor): Editor | undefined {
  const start = lineStart(e);
  if (start === 0) return undefined;
  const column = e.cursor - start;
  const prevStart = e.text.lastIndexOf('\n', start - 2) + 1;
  return { ...e, cursor: Math.min(prevStart + column, start - 1) };
}

/** The cursor one line down; undefined on the last line. */
export function down(e: Editor): Editor | undefined {
  const endAt = lineEnd(e);
  if (endAt === e.text.length) return undefined;
  const column = e.cursor - lineStart(e);
  const nextStart = endAt + 1;
  const nextEnd = e.text.indexOf('\n', nextStart);
  return { ...e, cursor: Math.min(nextStart + column, nextEnd === -1 ? e.text.length : nextEnd) };
}

/** Ctrl-W: the word before the cursor (and the blanks after it). */
export function deleteWordBack(e: Editor): Editor {
  let i = e.cursor;
  while (i > 0 && /\s/.test(e.text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(e.text[i - 1]!)) i--;
  return { text: e.text.slice(0, i) + e.text.slice(e.cursor), cursor: i };
}

/** Ctrl-U: from the start of the line to the cursor. */
export function deleteToLineStart(e: Editor): Editor {
  const start = lineStart(e);
  return { text: e.text.slice(0, start) + e.text.slice(e.cursor), cursor: start };
}

/** Ctrl-K: from the cursor to the end of the line. */
export function deleteToLineEnd(e: Editor): Editor {
  return { text: e.text.slice(0, e.cursor) + e.text.slice(lineEnd(e)), cursor: e.cursor };
}

/** The text split into lines, with the line and column the cursor is on (0-based). */
export function layout(e: Editor): { readonly lines: readonly string[]; readonly row: number; readonly column: number } {
  const lines = e.text.split('\n');
  const before = e.text.slice(0, e.cursor).split('\n');
  return { lines, row: before.length - 1, column: before[before.length - 1]!.length };
}
