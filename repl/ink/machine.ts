// The prompt's state machine, apart from ink so that it is testable as plain data:
//   edit       typing a statement; Enter runs it once it is complete
//   busy       a statement runs; keys typed meanwhile are kept and replayed at the prompt
//   streaming  a push query's rows arrive; Ctrl-C stops it, and only it
// A key press gives the next state and the effects the app must carry out.

import type { Key } from 'ink';
import { assertNever } from '../../grammar/ast.js';
import { isComplete } from '../client/session.js';
import { parseClientCommand } from '../commands.js';
import { complete } from './completion.js';
import * as ed from './editor.js';
import { added, historyOf, next, previous, type History } from './history.js';

export type Mode = 'edit' | 'busy' | 'streaming';

export interface ReplState {
  readonly mode: Mode;
  readonly editor: ed.Editor;
  readonly history: History;
  /** Completion choices listed under the prompt until the next key. */
  readonly choices: readonly string[];
  /** Keys typed while a statement ran: replayed at the prompt once it is back (type-ahead). */
  readonly typeahead: readonly KeyPress[];
}

export interface KeyPress {
  readonly input: string;
  readonly key: Partial<Key>;
}

export type Effect =
  /** Run the text (statements or a client command); the machine is now busy. */
  | { readonly kind: 'run'; readonly text: string }
  /** Stop the running push query. */
  | { readonly kind: 'stop' }
  /** Leave the REPL. */
  | { readonly kind: 'exit' }
  /** Ctrl-C dropped the statement being typed: the app shows it was abandoned. */
  | { readonly kind: 'cancel'; readonly text: string };

export interface Step {
  readonly state: ReplState;
  readonly effects: readonly Effect[];
}

export function initialState(history: readonly string[]): ReplState {
  return { mode: 'edit', editor: ed.EMPTY, history: historyOf(history), choices: [], typeahead: [] };
}

/** The app reports that a push query's stream started or ended (the statement still runs). */
export function withMode(s: ReplState, mode: Mode): ReplState {
  return { ...s, mode };
}

/** The statement finished: back at the prompt, where the keys typed meanwhile now apply. */
export function resume(s: ReplState, words: readonly string[]): Step {
  let state: ReplState = { ...s, mode: 'edit', typeahead: [] };
  const effects: Effect[] = [];
  for (const k of s.typeahead) {
    // A replayed Enter may run a statement again: what is left waits for that one.
    if (state.mode !== 'edit') {
      state = { ...state, typeahead: [...state.typeahead, k] };
      continue;
    }
    const step = press(state, k, words);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

/** Ready to run: a client command, or statements whose last one ends with `;`. */
export function readyToRun(text: string): boolean {
  return parseClientCommand(text) !== undefined || isComplete(text);
}

export function press(s: ReplState, k: KeyPress, words: readonly string[]): Step {
  switch (s.mode) {
    case 'busy':
      // Ctrl-C can't interrupt a statement that is not a query; other keys wait their turn.
      return { state: k.key.ctrl && k.input === 'c' ? s : { ...s, typeahead: [...s.typeahead, k] }, effects: [] };
    case 'streaming':
      // Rows are scrolling by: typing into them would be lost, so only Ctrl-C counts.
      return { state: s, effects: k.key.ctrl && k.input === 'c' ? [{ kind: 'stop' }] : [] };
    case 'edit':
      return edit({ ...s, choices: [] }, k, words);
    default:
      return assertNever(s.mode, 'mode');
  }
}

function edit(s: ReplState, { input, key }: KeyPress, words: readonly string[]): Step {
  const e = s.editor;
  const to = (editor: ed.Editor): Step => ({ state: { ...s, editor }, effects: [] });
  if (key.ctrl) {
    switch (input) {
      case 'c':
        if (e.text === '') return { state: s, effects: [{ kind: 'exit' }] };
        return { state: { ...s, editor: ed.EMPTY, history: historyOf(s.history.entries) }, effects: [{ kind: 'cancel', text: e.text }] };
      case 'd':
        return e.text === '' ? { state: s, effects: [{ kind: 'exit' }] } : to(ed.deleteForward(e));
      case 'a':
        return to(ed.home(e));
      case 'e':
        return to(ed.end(e));
      case 'w':
        return to(ed.deleteWordBack(e));
      case 'u':
        return to(ed.deleteToLineStart(e));
      case 'k':
        return to(ed.deleteToLineEnd(e));
      case 'b':
        return to(ed.left(e));
      case 'f':
        return to(ed.right(e));
      case 'p':
        return historyUp(s);
      case 'n':
        return historyDown(s);
      default:
        return to(e);
    }
  }
  if (key.return) return enter(s, e);
  if (key.tab) {
    const c = complete(e, words);
    return { state: { ...s, editor: c.editor, choices: c.choices }, effects: [] };
  }
  if (key.upArrow) {
    const moved = ed.up(e);
    return moved ? to(moved) : historyUp(s);
  }
  if (key.downArrow) {
    const moved = ed.down(e);
    return moved ? to(moved) : historyDown(s);
  }
  if (key.leftArrow) return to(ed.left(e));
  if (key.rightArrow) return to(ed.right(e));
  if (key.home) return to(ed.home(e));
  if (key.end) return to(ed.end(e));
  // Terminals send DEL (0x7f) for Backspace, which ink reports as `delete`.
  if (key.backspace || key.delete) return to(ed.backspace(e));
  if (key.escape || key.meta || input === '') return to(e);
  return typed(s, input, words);
}

/**
 * Text typed or pasted: newlines are kept; a paste ending in a newline is also an Enter, and
 * one ending in a tab is also a Tab (keys typed fast arrive in one chunk: `WHERE I` + Tab).
 */
function typed(s: ReplState, input: string, words: readonly string[]): Step {
  if (input.length > 1 && input.endsWith('\t')) {
    const before = typed(s, input.slice(0, -1), words).state;
    const c = complete(before.editor, words);
    return { state: { ...before, editor: c.editor, choices: c.choices }, effects: [] };
  }
  const text = input.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  if (text.endsWith('\n') && text.length > 1) {
    const editor = ed.insert(s.editor, text.slice(0, -1));
    return enter({ ...s, editor }, editor);
  }
  return { state: { ...s, editor: ed.insert(s.editor, text) }, effects: [] };
}

function enter(s: ReplState, e: ed.Editor): Step {
  if (!readyToRun(e.text)) return { state: { ...s, editor: ed.insert(e, '\n') }, effects: [] };
  return {
    state: { ...s, mode: 'busy', editor: ed.EMPTY, history: added(s.history, e.text) },
    effects: [{ kind: 'run', text: e.text }],
  };
}

function historyUp(s: ReplState): Step {
  const p = previous(s.history, s.editor.text);
  return { state: p ? { ...s, history: p.history, editor: ed.editorOf(p.text) } : s, effects: [] };
}

function historyDown(s: ReplState): Step {
  const n = next(s.history);
  return { state: n ? { ...s, history: n.history, editor: ed.editorOf(n.text) } : s, effects: [] };
}
