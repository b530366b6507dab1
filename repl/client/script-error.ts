// The error a script or REPL entry stops at: where it is (file:line:col in the text the user
// wrote, not in the statement the backend saw) and the line itself, to draw a caret under.

export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  constructor(
    message: string,
    /** The script file; undefined for text typed at the prompt or given with -e. */
    readonly file: string | undefined,
    readonly line: number | undefined,
    readonly column: number | undefined,
    /** The text of line `line`, for the caret. */
    readonly lineText: string | undefined,
  ) {
    super(message);
  }

  /** `F.sql:3:15`, `3:15`, or '' without a position. */
  where(): string {
    if (this.line === undefined) return this.file ?? '';
    const at = `${this.line}:${this.column ?? 1}`;
    return this.file !== undefined ? `${this.file}:${at}` : at;
  }

  override toString(): string {
    const where = this.where();
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/**
 * The error as terminal lines: `where: message`, then the offending line with a caret under
 * the column. Tabs before the column are kept so the caret lines up however they render.
 */
export function describeError(e: unknown): string[] {
  if (!(e instanceof ScriptError)) return [e instanceof Error ? e.message : String(e)];
  const lines = [e.toString()];
  if (e.lineText !== undefined && e.column !== undefined) {
    const pad = [...e.lineText.slice(0, Math.max(0, e.column - 1))].map((c) => (c === '\t' ? '\t' : ' ')).join('');
    lines.push(e.lineText, pad + '^');
  }
  return lines;
}
