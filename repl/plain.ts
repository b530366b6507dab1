// The REPL without a terminal, for pipes and CI: statements come from stdin, results go to
// stdout as plain text (no ink, no prompt, no colour), and the first error goes to stderr and
// ends the process with a non-zero code. `sluice run FILE` and `sluice -e '…'` run here too.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { PushStream, ResultView } from './client/backend.js';
import { isComplete, type Output, type ScriptOrigin, type Session } from './client/session.js';
import { parseClientCommand } from './commands.js';
import { streamFooter, streamHeader, streamRow, type OutputMode } from './format-result.js';
import { Printer } from './printer.js';

export interface PlainIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Results and push-query rows straight to the printer, each row as it arrives. */
class PlainOutput implements Output {
  private current: PushStream | undefined;
  private stopped = false;

  constructor(private readonly printer: Printer) {}

  results(views: readonly ResultView[]): void {
    this.printer.views(views);
  }

  async stream(stream: PushStream): Promise<void> {
    this.current = stream;
    this.stopped = false;
    const mode = this.printer.mode;
    const header = streamHeader(stream.columns, stream.lines, mode);
    if (header !== undefined) this.printer.print(header);
    let count = 0;
    try {
      for await (const row of stream) {
        count++;
        this.printer.print(streamRow(row, stream.columns, stream.lines, mode));
      }
    } finally {
      this.current = undefined;
    }
    const footer = streamFooter(stream.columns, stream.lines, mode, count, this.stopped);
    if (footer !== undefined) this.printer.print(footer, 'info');
  }

  /** Ctrl-C: stops the running push query; false when none runs. */
  interrupt(): boolean {
    if (!this.current) return false;
    this.stopped = true;
    void this.current.close();
    return true;
  }
}

function plainPrinter(io: PlainIO, mode: OutputMode): Printer {
  return new Printer((text, channel) => (channel === 'error' ? io.stderr : io.stdout).write(text + '\n'), mode);
}

/**
 * While `work` runs, SIGINT stops the running push query (the script goes on with its next
 * statement); with no query running it ends the process, as it would have anyway.
 */
async function withInterrupts<T>(output: PlainOutput, work: () => Promise<T>): Promise<T> {
  const onSigint = (): void => {
    if (!output.interrupt()) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Runs a whole script (`sluice run`, `-e`); 0 on success, 1 at the first error. */
export async function runPlainScript(session: Session, text: string, origin: ScriptOrigin, io: PlainIO, mode: OutputMode): Promise<number> {
  const printer = plainPrinter(io, mode);
  const output = new PlainOutput(printer);
  return withInterrupts(output, async () => {
    try {
      await session.run(text, output, origin);
      return 0;
    } catch (e) {
      printer.error(e);
      return 1;
    }
  });
}

/**
 * Reads statements from a non-terminal stdin as they complete, so a producer can keep
 * writing while earlier statements run. Client commands (OUTPUT, SPOOL, HELP, EXIT) work
 * as at the prompt. Error positions are lines of the whole input (`stdin:12:5`).
 */
export async function runPlainShell(session: Session, stdin: Readable, io: PlainIO, mode: OutputMode): Promise<number> {
  const printer = plainPrinter(io, mode);
  const output = new PlainOutput(printer);
  const lines = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
  const work = async (): Promise<number> => {
    let buffer = '';
    let firstLine = 1;
    let lineNo = 0;
    const run = async (): Promise<boolean> => {
      try {
        await session.run(buffer, output, { file: 'stdin', firstLine });
        buffer = '';
        return true;
      } catch (e) {
        printer.error(e);
        return false;
      }
    };
    for await (const line of lines) {
      lineNo++;
      if (buffer === '') {
        if (line.trim() === '') continue;
        const cmd = parseClientCommand(line);
        if (cmd) {
          if (printer.command(cmd)) return 0;
          if (cmd.kind === 'invalid') return 1;
          continue;
        }
        firstLine = lineNo;
      }
      buffer += line + '\n';
      if (isComplete(buffer) && !(await run())) return 1;
    }
    // The end of input ends a last statement that has no `;`.
    if (buffer.trim() !== '' && !(await run())) return 1;
    return 0;
  };
  try {
    return await withInterrupts(output, work);
  } finally {
    lines.close();
  }
}
