// The REPL's front end: the ink app when a person is at a terminal, plain text otherwise
// (stdin or stdout piped), so `sluice < script.sql` and CI runs work without a terminal.

import { createElement } from 'react';
import type { Session } from './client/session.js';
import type { OutputMode } from './format-result.js';
import { runPlainShell } from './plain.js';

export interface ShellOptions {
  readonly output: OutputMode;
  /** The first line the ink app shows. */
  readonly banner: string;
}

/** Runs the REPL until the user leaves; the exit code (plain mode: 1 after an error). */
export async function runShell(session: Session, options: ShellOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    return runPlainShell(session, process.stdin, { stdout: process.stdout, stderr: process.stderr }, options.output);
  }
  // ink and React load only for a terminal: pipes and scripts start faster without them.
  const [{ render }, { App }, { historyFile, loadHistory }] = await Promise.all([
    import('ink'),
    import('./ink/app.js'),
    import('./ink/history.js'),
  ]);
  const file = historyFile();
  const app = render(
    createElement(App, { session, output: options.output, history: loadHistory(file), historyFile: file, banner: options.banner }),
    // Ctrl-C is ours: it stops a push query or clears the line, and only leaves at an empty prompt.
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return 0;
}
