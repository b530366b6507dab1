// Statements run at the prompt, kept across sessions in ~/.sluice_history (SLUICE_HISTORY
// overrides it, so tests never touch the real home). One JSON string per line: a statement
// may span lines, and JSON keeps its newlines and quotes intact.

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** How many entries are kept; the file is trimmed to this when it grows to twice as many. */
const MAX_ENTRIES = 1000;

export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  return env['SLUICE_HISTORY'] || join(homedir(), '.sluice_history');
}

export function loadHistory(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: string[] = [];
  const lines = text.split('\n').filter((l) => l !== '');
  for (const line of lines) {
    try {
      const v: unknown = JSON.parse(line);
      // The file keeps every run; walking back through repeats of one statement is no use.
      if (typeof v === 'string' && v !== entries[entries.length - 1]) entries.push(v);
    } catch {
      // A line written by something else: skip it rather than lose the rest.
    }
  }
  const kept = entries.slice(-MAX_ENTRIES);
  if (lines.length >= 2 * MAX_ENTRIES) {
    try {
      writeFileSync(file, kept.map((x) => JSON.stringify(x) + '\n').join(''));
    } catch {
      // History is a convenience: an unwritable file must not stop the REPL.
    }
  }
  return kept;
}

export function appendHistory(file: string, entry: string): void {
  try {
    appendFileSync(file, JSON.stringify(entry) + '\n');
  } catch {
    // As above: keep going without persistence.
  }
}

/** Walking the history with Up/Down: `index` is entries.length while editing a new statement. */
export interface History {
  readonly entries: readonly string[];
  readonly index: number;
  /** What was being typed before Up was first pressed, given back by Down past the newest. */
  readonly draft: string;
}

export function historyOf(entries: readonly string[]): History {
  return { entries, index: entries.length, draft: '' };
}

export function previous(h: History, current: string): { history: History; text: string } | undefined {
  if (h.index === 0) return undefined;
  const draft = h.index === h.entries.length ? current : h.draft;
  const index = h.index - 1;
  return { history: { ...h, index, draft }, text: h.entries[index]! };
}

export function next(h: History): { history: History; text: string } | undefined {
  if (h.index >= h.entries.length) return undefined;
  const index = h.index + 1;
  return { history: { ...h, index }, text: index === h.entries.length ? h.draft : h.entries[index]! };
}

/** After a run: the entry added (unless blank or the same as the last), back at the end. */
export function added(h: History, entry: string): History {
  const trimmed = entry.trim();
  const entries = trimmed === '' || h.entries[h.entries.length - 1] === trimmed ? h.entries : [...h.entries, trimmed];
  return historyOf(entries.slice(-MAX_ENTRIES));
}
