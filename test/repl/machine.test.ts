// The prompt's state machine, editor, history and completion as plain data.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClientCommand } from '../../repl/commands.js';
import { complete, KEYWORDS } from '../../repl/ink/completion.js';
import * as ed from '../../repl/ink/editor.js';
import { added, appendHistory, historyFile, historyOf, loadHistory, next, previous } from '../../repl/ink/history.js';
import { initialState, press, readyToRun, resume, withMode, type KeyPress, type ReplState, type Step } from '../../repl/ink/machine.js';

const key = (input: string, k: KeyPress['key'] = {}): KeyPress => ({ input, key: k });
const ENTER = key('', { return: true });
const CTRL_C = key('c', { ctrl: true });
const CTRL_D = key('d', { ctrl: true });
const UP = key('', { upArrow: true });
const DOWN = key('', { downArrow: true });

/** Presses keys in turn, collecting every effect. */
function keys(s: ReplState, presses: readonly (KeyPress | string)[], words: readonly string[] = KEYWORDS): Step {
  let state = s;
  const effects: Step['effects'][number][] = [];
  for (const p of presses) {
    const step = press(state, typeof p === 'string' ? key(p) : p, words);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

describe('statement end', () => {
  it('ends at a ; outside quotes and comments', () => {
    expect(readyToRun('SELECT * FROM s;')).toBe(true);
    expect(readyToRun('SELECT * FROM s')).toBe(false);
    expect(readyToRun("SELECT 'a;b' FROM s")).toBe(false);
    expect(readyToRun('SELECT a -- not yet;\n')).toBe(false);
    expect(readyToRun('SELECT /* ; */ a FROM s')).toBe(false);
    expect(readyToRun('SELECT `x;` FROM s;')).toBe(true);
  });
  it('takes client commands without a ;', () => {
    expect(readyToRun('exit')).toBe(true);
    expect(readyToRun('OUTPUT json')).toBe(true);
    expect(readyToRun('spool /tmp/x.txt')).toBe(true);
    expect(parseClientCommand('output xml')).toEqual({ kind: 'invalid', message: "OUTPUT takes tabular or json, not 'xml'" });
    expect(parseClientCommand("SPOOL 'a b.txt';")).toEqual({ kind: 'spool', file: 'a b.txt' });
    expect(parseClientCommand('spool off')).toEqual({ kind: 'spool', file: undefined });
    expect(parseClientCommand('exit now')).toBeUndefined();
    expect(parseClientCommand('SELECT 1;')).toBeUndefined();
  });
});

describe('prompt state machine', () => {
  it('Enter on an unfinished statement starts a new line; on a finished one runs it', () => {
    const s0 = initialState([]);
    const a = keys(s0, ['SHOW', ENTER]);
    expect(a.effects).toEqual([]);
    expect(a.state.editor.text).toBe('SHOW\n');
    const b = keys(a.state, ['STREAMS;', ENTER]);
    expect(b.effects).toEqual([{ kind: 'run', text: 'SHOW\nSTREAMS;' }]);
    expect(b.state.mode).toBe('busy');
    expect(b.state.editor.text).toBe('');
    expect(b.state.history.entries).toEqual(['SHOW\nSTREAMS;']);
  });

  it('a paste ending in a newline runs; one ending in a tab completes', () => {
    const run = keys(initialState([]), ['SHOW TOPICS;\r']);
    expect(run.effects).toEqual([{ kind: 'run', text: 'SHOW TOPICS;' }]);
    const tab = keys(initialState([]), ['SELECT * FROM PAGEV\t'], ['PAGEVIEWS']);
    expect(tab.state.editor.text).toBe('SELECT * FROM PAGEVIEWS ');
  });

  it('keeps keys typed while busy and replays them at the prompt', () => {
    const busy = keys(initialState([]), ['SHOW TOPICS;', ENTER]).state;
    const typedAhead = keys(busy, ['SHOW ', CTRL_C, 'STREAMS;', ENTER, 'DESC']);
    expect(typedAhead.effects).toEqual([]);
    expect(typedAhead.state.editor.text).toBe('');
    // The replayed Enter runs the second statement; what follows it waits for that one.
    const resumed = resume(typedAhead.state, KEYWORDS);
    expect(resumed.effects).toEqual([{ kind: 'run', text: 'SHOW STREAMS;' }]);
    expect(resumed.state.mode).toBe('busy');
    const last = resume(resumed.state, KEYWORDS);
    expect(last.effects).toEqual([]);
    expect(last.state).toMatchObject({ mode: 'edit', editor: { text: 'DESC' }, typeahead: [] });
  });

  it('while streaming only Ctrl-C counts, and it stops the query', () => {
    const streaming = withMode(initialState([]), 'streaming');
    const step = keys(streaming, ['x', ENTER, CTRL_C]);
    expect(step.effects).toEqual([{ kind: 'stop' }]);
    expect(step.state).toEqual(streaming);
  });

  it('Ctrl-C clears a statement being typed, and leaves at an empty prompt; Ctrl-D leaves at an empty prompt', () => {
    const typed = keys(initialState([]), ['SELECT']);
    const cleared = keys(typed.state, [CTRL_C]);
    expect(cleared.effects).toEqual([{ kind: 'cancel', text: 'SELECT' }]);
    expect(cleared.state.editor.text).toBe('');
    expect(keys(cleared.state, [CTRL_C]).effects).toEqual([{ kind: 'exit' }]);
    expect(keys(initialState([]), [CTRL_D]).effects).toEqual([{ kind: 'exit' }]);
    // Not empty: Ctrl-D deletes under the cursor instead.
    const d = keys(initialState([]), ['ab', key('', { leftArrow: true }), CTRL_D]);
    expect(d.effects).toEqual([]);
    expect(d.state.editor.text).toBe('a');
  });

  it('edits at the cursor', () => {
    const s = keys(initialState([]), ['SELEC', key('', { leftArrow: true }), key('', { leftArrow: true }), 'X', key('', { end: true }), 'T']);
    expect(s.state.editor).toEqual({ text: 'SELXECT', cursor: 7 });
    const back = keys(s.state, [key('', { delete: true }), key('', { backspace: true })]);
    expect(back.state.editor.text).toBe('SELXE');
    const word = keys(initialState([]), ['SELECT a FROM', key('w', { ctrl: true })]);
    expect(word.state.editor.text).toBe('SELECT a ');
  });

  it('Up and Down walk the history from the first and last lines, and move between lines otherwise', () => {
    const s0 = initialState(['SHOW STREAMS;', 'SELECT 1\nFROM t;']);
    const draft = keys(s0, ['DESC']);
    const up1 = keys(draft.state, [UP]);
    expect(up1.state.editor.text).toBe('SELECT 1\nFROM t;');
    // The cursor is on the last line of a two-line entry: Up moves to its first line.
    const up2 = keys(up1.state, [UP]);
    expect(up2.state.editor.text).toBe('SELECT 1\nFROM t;');
    const up3 = keys(up2.state, [UP]);
    expect(up3.state.editor.text).toBe('SHOW STREAMS;');
    expect(keys(up3.state, [UP]).state.editor.text).toBe('SHOW STREAMS;');
    const down = keys(up3.state, [DOWN, DOWN, DOWN]);
    expect(down.state.editor.text).toBe('DESC');
  });
});

describe('editor', () => {
  it('moves up and down keeping the column where the line allows', () => {
    const e = { text: 'abcdef\nxy\nlonger line', cursor: 5 };
    const d1 = ed.down(e)!;
    expect(d1.cursor).toBe(9); // end of "xy"
    const d2 = ed.down(d1)!;
    expect(d2.cursor).toBe(12); // column 2 of the third line
    expect(ed.down(d2)).toBeUndefined();
    expect(ed.up(ed.up(d2)!)!.cursor).toBe(2);
    expect(ed.layout(d2)).toEqual({ lines: ['abcdef', 'xy', 'longer line'], row: 2, column: 2 });
  });
});

describe('completion', () => {
  const words = [...KEYWORDS, 'PAGEVIEWS', 'PAGES', 'USER_ID'];
  it('completes a unique word, keeping lower case', () => {
    expect(complete(ed.editorOf('SELECT US'), words)).toEqual({ editor: ed.editorOf('SELECT USER_ID '), choices: [] });
    expect(complete(ed.editorOf('sel'), words).editor.text).toBe('select ');
  });
  it('extends to the common prefix and lists the choices', () => {
    const c = complete(ed.editorOf('FROM PAG'), words);
    expect(c.editor.text).toBe('FROM PAGE');
    expect(c.choices).toEqual(['PAGES', 'PAGEVIEWS']);
    expect(complete(ed.editorOf('FROM '), words)).toEqual({ editor: ed.editorOf('FROM '), choices: [] });
  });
  it('knows the grammar keywords', () => {
    expect(KEYWORDS).toEqual(expect.arrayContaining(['SELECT', 'EMIT', 'CHANGES', 'PARTITION', 'TUMBLING']));
  });
});

describe('history file', () => {
  it('defaults to ~/.sluice_history and honours SLUICE_HISTORY', () => {
    expect(historyFile({ SLUICE_HISTORY: '/x/h' })).toBe('/x/h');
    expect(historyFile({ HOME: '/home/u' })).toMatch(/\.sluice_history$/);
  });
  it('keeps multi-line statements across sessions and skips lines it cannot read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-hist-')), 'history');
    appendHistory(file, "SELECT 'a'\nFROM t;");
    writeFileSync(file, readFileSync(file, 'utf8') + 'garbage\n');
    appendHistory(file, 'SHOW STREAMS;');
    appendHistory(file, 'SHOW STREAMS;');
    expect(loadHistory(file)).toEqual(["SELECT 'a'\nFROM t;", 'SHOW STREAMS;']);
    expect(loadHistory(join(file, 'missing'))).toEqual([]);
  });
  it('does not repeat the last entry and walks back to the draft', () => {
    const h = added(added(historyOf([]), 'A;'), 'A;');
    expect(h.entries).toEqual(['A;']);
    const p = previous(h, 'draft')!;
    expect(p.text).toBe('A;');
    expect(next(p.history)!.text).toBe('draft');
  });
});
