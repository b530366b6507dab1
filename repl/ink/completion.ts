// Tab completion of the word before the cursor: keywords, stream and table names, column names.

import { allTokens, Identifier } from '../../grammar/lexer.js';
import type { CatalogSource } from '../client/backend.js';
import type { Editor } from './editor.js';

/** The lexer's keywords: every keyword token falls back to Identifier when a longer word matches. */
export const KEYWORDS: readonly string[] = allTokens.filter((t) => t.LONGER_ALT === Identifier).map((t) => t.name);

export function candidates(catalog: readonly CatalogSource[]): string[] {
  const names = new Set<string>(KEYWORDS);
  for (const s of catalog) {
    names.add(s.name);
    for (const c of s.columns) names.add(c);
  }
  return [...names].sort();
}

export interface Completion {
  readonly editor: Editor;
  /** The matches when there is more than one: shown under the prompt. */
  readonly choices: readonly string[];
}

/**
 * One match replaces the word (plus a space); several extend it to their common prefix and
 * are listed. A lower-case word gets lower-case completions: unquoted names are
 * case-insensitive, and the user's style is kept.
 */
export function complete(e: Editor, words: readonly string[]): Completion {
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(e.text.slice(0, e.cursor))?.[0] ?? '';
  if (word === '') return { editor: e, choices: [] };
  const upper = word.toUpperCase();
  const matches = words.filter((w) => w.toUpperCase().startsWith(upper) && w.length > word.length).sort();
  if (matches.length === 0) return { editor: e, choices: [] };
  const styled = (w: string): string => (word === word.toLowerCase() && w === w.toUpperCase() ? w.toLowerCase() : w);
  const replace = (by: string): Editor => {
    const start = e.cursor - word.length;
    return { text: e.text.slice(0, start) + by + e.text.slice(e.cursor), cursor: start + by.length };
  };
  if (matches.length === 1) return { editor: replace(styled(matches[0]!) + ' '), choices: [] };
  const prefix = commonPrefix(matches.map((m) => m.toUpperCase()));
  const extended = prefix.length > word.length ? replace(styled(prefix)) : e;
  return { editor: extended, choices: matches };
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
