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
  const [{ render }, { App }, { historyFile, loadHistory }] = await withoutCiFlags(() =>
    Promise.all([import('ink'), import('./ink/app.js'), import('./ink/history.js')]),
  );
  const file = historyFile();
  const app = render(
    createElement(App, { session, output: options.output, history: loadHistory(file), historyFile: file, banner: options.banner }),
    // Ctrl-C is ours: it stops a push query or clears the line, and only leaves at an empty prompt.
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return 0;
}

/**
 * Under CI, ink draws only its final frame, at exit (its `is-in-ci` reads CI and
 * CONTINUOUS_INTEGRATION once, when ink is first imported), and chalk turns colour off for
 * any CI it does not know, which also hides the prompt's inverse-video cursor. Here stdin and
 * stdout are a terminal, so a person is watching and the app must draw live whatever those
 * variables say (shells in CI containers and dev boxes often export CI=true). The flags are
 * removed only while ink loads and then put back, so child processes and the rest of Sluice
 * still see them. NO_COLOR, FORCE_COLOR and TERM keep their usual say over colour.
 */
async function withoutCiFlags<T>(load: () => Promise<T>): Promise<T> {
  const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = names.map((name) => [name, process.env[name]] as const);
  for (const name of names) delete process.env[name];
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
