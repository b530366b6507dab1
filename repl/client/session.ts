// Runs what a user typed or a script holds, statement by statement, against a backend:
// SELECT … EMIT CHANGES and PRINT stream, other SELECTs are pull queries, the rest executes.
// RUN SCRIPT is resolved here, for either backend, so an error inside the included file is
// reported at that file's line:col, and the first error stops everything after it.

import { readFile } from 'node:fs/promises';
import type { Statement } from '../../grammar/ast.js';
import { parseStatement, splitStatements, substituteVariables, type StatementText } from '../../grammar/index.js';
import { relocate } from '../../grammar/positions.js';
import { SluiceError } from '../../runtime/engine/api.js';
import type { Backend, PushStream, ResultView } from './backend.js';
import { ScriptError } from './script-error.js';

/** Where a session's results go: the ink app, or plain text on stdout. */
export interface Output {
  results(views: readonly ResultView[]): void;
  /** Shows the rows of a push query as they arrive; resolves when the stream ends or is closed. */
  stream(stream: PushStream): Promise<void>;
}

export interface ScriptOrigin {
  /** The script's file, for error positions; undefined for the prompt and -e. */
  readonly file?: string;
  /** The line of the file the script text starts on (a stdin buffer is part of a longer input). */
  readonly firstLine?: number;
}

/**
 * Whether typed text is ready to run: its last statement ends with a `;` outside quotes and
 * comments (text of only comments and blanks has nothing to wait for either).
 */
export function isComplete(text: string): boolean {
  const pieces = splitStatements(text);
  return pieces.length === 0 || pieces[pieces.length - 1]!.terminated;
}

/** RUN SCRIPT may include scripts that include scripts, but not forever. */
const MAX_SCRIPT_DEPTH = 16;

export class Session {
  constructor(readonly backend: Backend) {}

  /** Runs every statement of `script` in order and returns how many ran; throws ScriptError at the first failure. */
  run(script: string, output: Output, origin: ScriptOrigin = {}): Promise<number> {
    return this.runAt(script, output, origin, 0);
  }

  private async runAt(script: string, output: Output, origin: ScriptOrigin, depth: number): Promise<number> {
    let count = 0;
    // A last statement with no `;` still runs: the end of a script or of -e ends it too.
    for (const piece of splitStatements(script)) {
      try {
        await this.runStatement(piece, output, depth);
      } catch (e) {
        throw locate(e, piece, script, origin);
      }
      count++;
    }
    return count;
  }

  private async runStatement(piece: StatementText, output: Output, depth: number): Promise<void> {
    const stmt = await this.parse(piece.text);
    switch (stmt?.kind) {
      case 'RunScript':
        return this.runScript(stmt.path, output, depth);
      case 'Print':
        return output.stream(await this.backend.push(piece.text, 'print'));
      case 'QueryStatement':
        if (stmt.query.emit !== undefined) return output.stream(await this.backend.push(piece.text, 'query'));
        return output.results([await this.backend.pull(piece.text)]);
      default:
        // Statements that don't parse go to the backend too: its error is the one to show.
        return output.results(await this.backend.execute(piece.text));
    }
  }

  private async runScript(path: string, output: Output, depth: number): Promise<void> {
    if (depth >= MAX_SCRIPT_DEPTH) throw new Error(`RUN SCRIPT nested more than ${MAX_SCRIPT_DEPTH} deep (does '${path}' include itself?)`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`Cannot read script '${path}': ${(e as Error).message}`);
    }
    const count = await this.runAt(text, output, { file: path }, depth + 1);
    output.results([{ kind: 'status', statementText: `RUN SCRIPT '${path}'`, message: `Ran ${count} statement(s) from ${path}` }]);
  }

  /** The statement as the backend will read it (variables substituted), or undefined if it doesn't parse. */
  private async parse(text: string): Promise<Statement | undefined> {
    try {
      const sql = text.includes('${') ? substituteVariables(text, await this.backend.variables()) : text;
      return parseStatement(sql);
    } catch {
      return undefined;
    }
  }
}

/**
 * The error at its place in the script: a SluiceError's line:col is relative to the statement
 * the backend saw, which starts at `piece.start`; an error without a position points at the
 * statement's start. An error from an included script already has its place.
 */
function locate(e: unknown, piece: StatementText, script: string, origin: ScriptOrigin): ScriptError {
  if (e instanceof ScriptError) return e;
  const at = e instanceof SluiceError && e.line !== undefined ? relocate(piece.start, 0, e.line, e.column ?? 1) : piece.start;
  const message = e instanceof Error ? e.message : String(e);
  const lineText = script.split(/\r\n|\r|\n/)[at.line - 1];
  return new ScriptError(message, origin.file, at.line + (origin.firstLine ?? 1) - 1, at.column, lineText);
}
