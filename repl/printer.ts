// What the REPL shows, in either front end (ink or plain stdout): results in the chosen
// output format, errors with their caret, and a copy of all of it in the SPOOL file.

import { appendFileSync, writeFileSync } from 'node:fs';
import { assertNever } from '../grammar/ast.js';
import { describeError } from './client/script-error.js';
import type { ResultView } from './client/backend.js';
import { HELP_TEXT, type ClientCommand } from './commands.js';
import { formatView, type OutputMode } from './format-result.js';

/** `echo` is a statement as typed at the prompt; `error` prints red (ink) or to stderr (plain). */
export type Channel = 'result' | 'info' | 'error' | 'echo';

export class Printer {
  private spoolFile: string | undefined;

  constructor(
    private readonly write: (text: string, channel: Channel) => void,
    public mode: OutputMode,
  ) {}

  print(text: string, channel: Channel = 'result'): void {
    this.write(text, channel);
    if (this.spoolFile !== undefined) {
      try {
        appendFileSync(this.spoolFile, text + '\n');
      } catch (e) {
        const file = this.spoolFile;
        this.spoolFile = undefined;
        this.write(`Spooling to ${file} stopped: ${(e as Error).message}`, 'error');
      }
    }
  }

  views(views: readonly ResultView[]): void {
    for (const v of views) {
      const text = formatView(v, this.mode);
      if (text !== '') this.print(text);
    }
  }

  error(e: unknown): void {
    this.print(describeError(e).join('\n'), 'error');
  }

  /** Runs a client command; true when it asks to leave. */
  command(cmd: ClientCommand): boolean {
    switch (cmd.kind) {
      case 'exit':
        return true;
      case 'help':
        this.print(HELP_TEXT, 'info');
        return false;
      case 'output':
        if (cmd.mode !== undefined) this.mode = cmd.mode;
        this.print(`Output format: ${this.mode.toUpperCase()}`, 'info');
        return false;
      case 'spool':
        if (cmd.file === undefined) {
          const was = this.spoolFile;
          this.spoolFile = undefined;
          this.print(was === undefined ? 'Not spooling' : `Stopped spooling to ${was}`, 'info');
          return false;
        }
        try {
          // A new spool starts an empty file, as ksqlDB's CLI does.
          writeFileSync(cmd.file, '');
        } catch (e) {
          this.error(new Error(`Cannot spool to ${cmd.file}: ${(e as Error).message}`));
          return false;
        }
        this.spoolFile = cmd.file;
        this.print(`Spooling to ${cmd.file}`, 'info');
        return false;
      case 'invalid':
        this.error(new Error(cmd.message));
        return false;
      default:
        return assertNever(cmd, 'client command');
    }
  }
}
