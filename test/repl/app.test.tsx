// The ink REPL driven through ink-testing-library, over a real in-memory engine.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedBackend } from '../../repl/client/embedded-backend.js';
import { Session } from '../../repl/client/session.js';
import { App } from '../../repl/ink/app.js';
import { loadHistory } from '../../repl/ink/history.js';

// Colours on, before ink loads (vi.hoisted runs ahead of the imports), to see errors are red.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
});

const ENTER = '\r';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const UP = '\x1b[A';
const TAB = '\t';
/** The last line is an empty prompt (ink trims the cursor cell's trailing blank). */
const PROMPT_IDLE = /\nsluice> ?\s*$/;
// ANSI colour codes, as ink draws them; the tests read the text without them.
const ANSI = /\x1b\[[0-9;]*m/g;

// Two lines, each short enough not to wrap in ink-testing-library's 100 columns.
const CREATE = "CREATE STREAM pageviews (user_id INT KEY, page STRING)\n  WITH (kafka_topic='pv', partitions=1, value_format='JSON');";
/** CREATE as the transcript shows it: each line behind its prompt. */
const CREATE_ECHO = "sluice> CREATE STREAM pageviews (user_id INT KEY, page STRING)\n      >   WITH (kafka_topic='pv', partitions=1, value_format='JSON');";

type Expect = string | RegExp;
const shows = (f: string, text: Expect): boolean => (typeof text === 'string' ? f.includes(text) : text.test(f));

interface Repl {
  readonly backend: EmbeddedBackend;
  /** Everything shown so far (the transcript and the live prompt), without colour codes. */
  frame(): string;
  /** The frame as drawn, colours included. */
  raw(): string;
  type(...chunks: string[]): void;
  /** Waits until the frame shows `text` (or passes the test). */
  until(text: Expect | ((frame: string) => boolean)): Promise<string>;
  /**
   * Types a line and Enter, and waits for its echo, then `text` after the echo, then an
   * empty prompt: a frame from before the line ran can't satisfy it.
   */
  run(line: string, text: Expect): Promise<string>;
  exited(): boolean;
}

const open: { unmount(): void; backend: EmbeddedBackend }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.unmount();
    await o.backend.close();
  }
});

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-repl-'));
}

async function start(options: { history?: string[]; historyFile?: string; output?: 'tabular' | 'json' } = {}): Promise<Repl> {
  const backend = new EmbeddedBackend({ memory: true });
  await backend.open();
  let exited = false;
  const app = render(
    <App
      session={new Session(backend)}
      output={options.output ?? 'tabular'}
      history={options.history ?? []}
      historyFile={options.historyFile}
      banner="Sluice test"
      onExit={() => (exited = true)}
    />,
  );
  open.push({ unmount: app.unmount, backend });
  const raw = (): string => app.lastFrame() ?? '';
  const frame = (): string => raw().replace(ANSI, '');
  const until = async (test: Expect | ((f: string) => boolean)): Promise<string> => {
    const ok = typeof test === 'function' ? test : (f: string) => shows(f, test);
    // A generous deadline, not a timing check: a loaded CI machine can stall renders for seconds.
    for (const end = Date.now() + 45_000; Date.now() < end; ) {
      const f = frame();
      if (ok(f)) return f;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`never saw ${String(test)} in:\n${frame()}`);
  };
  const type = (...chunks: string[]): void => {
    for (const c of chunks) app.stdin.write(c);
  };
  return {
    backend,
    frame,
    raw,
    type,
    until,
    run: async (line, text) => {
      const echo = `sluice> ${line.split('\n')[0]}`;
      const before = frame().split(echo).length;
      type(line, ENTER);
      return until((f) => {
        const parts = f.split(echo);
        return parts.length > before && shows(parts[parts.length - 1]!, text) && PROMPT_IDLE.test(f);
      });
    },
    exited: () => exited,
  };
}

/** The lines of the transcript after the last echo of `statement`. */
function after(frame: string, statement: string): string[] {
  const at = frame.lastIndexOf(`sluice> ${statement}`);
  return frame.slice(at).split('\n').slice(1);
}

describe('ink REPL', () => {
  it('runs a statement typed at the prompt, echoing it above its result', async () => {
    const r = await start();
    await r.until(PROMPT_IDLE);
    await r.run(CREATE, 'Stream created');
    expect(r.frame()).toContain(`${CREATE_ECHO}\nStream created`);
  });

  it('continues a statement over lines until a ; outside quotes and comments', async () => {
    const r = await start();
    await r.run(CREATE, 'Stream created');
    r.type('INSERT INTO pageviews (user_id, page)', ENTER);
    await r.until('      > ');
    r.type("VALUES (1, 'a;b') -- not the end;", ENTER);
    await r.until(/-- not the end;\n {6}> /);
    expect(r.frame()).not.toContain('Inserted');
    r.type(';', ENTER);
    await r.until('      > ;\nInserted 1 row');
    await r.until(PROMPT_IDLE);
    const f = await r.run('SELECT * FROM pageviews;', '1 row(s)');
    expect(f).toContain("sluice> INSERT INTO pageviews (user_id, page)\n      > VALUES (1, 'a;b') -- not the end;\n      > ;\nInserted 1 row");
    expect(f).toContain('| 1       | a;b  |');
  });

  it('prints aligned tables, and JSON after OUTPUT json', async () => {
    const r = await start();
    await r.run(CREATE, 'Stream created');
    await r.run("INSERT INTO pageviews (user_id, page) VALUES (7, '/home');", 'Inserted');
    await r.run("INSERT INTO pageviews (user_id, page) VALUES (12345, '/');", 'Inserted');
    const f = await r.run('SELECT * FROM pageviews;', '2 row(s)');
    expect(after(f, 'SELECT * FROM pageviews;').slice(0, 6)).toEqual([
      '+---------+-------+',
      '| USER_ID | PAGE  |',
      '+---------+-------+',
      '| 7       | /home |',
      '| 12345   | /     |',
      '+---------+-------+',
    ]);
    await r.run('OUTPUT json', 'Output format: JSON');
    const j = await r.run('SELECT * FROM pageviews WHERE user_id = 7;', '{"USER_ID":7,"PAGE":"/home"}');
    expect(after(j, 'SELECT * FROM pageviews WHERE user_id = 7;')[0]).toBe('{"USER_ID":7,"PAGE":"/home"}');
    await r.run('OUTPUT', 'Output format: JSON');
  });

  it('streams a push query live with a row counter; Ctrl-C stops the query and the REPL goes on', async () => {
    const r = await start();
    await r.run(CREATE, 'Stream created');
    await r.run("SET 'auto.offset.reset'='earliest';", 'Successfully set');
    await r.run("INSERT INTO pageviews (user_id, page) VALUES (1, '/a');", 'Inserted');
    await r.run("INSERT INTO pageviews (user_id, page) VALUES (2, '/b');", 'Inserted');
    r.type('SELECT * FROM pageviews EMIT CHANGES;', ENTER);
    await r.until('2 row(s) so far');
    // A row inserted while the query runs arrives live.
    await r.backend.execute("INSERT INTO pageviews (user_id, page) VALUES (3, '/c');");
    const live = await r.until('3 row(s) so far');
    expect(live).toMatch(/\| 3 +\| \/c +\|/);
    expect(live).not.toMatch(PROMPT_IDLE);
    r.type('ignored while streaming', CTRL_C);
    const done = await r.until('Query terminated: 3 row(s)');
    expect(r.exited()).toBe(false);
    expect(done).not.toContain('ignored while streaming');
    await r.until(PROMPT_IDLE);
    await r.run('SHOW STREAMS;', 'PAGEVIEWS');
  });

  it('a push query with LIMIT ends by itself', async () => {
    const r = await start();
    await r.run(CREATE, 'Stream created');
    await r.run("SET 'auto.offset.reset'='earliest';", 'Successfully set');
    await r.run("INSERT INTO pageviews (user_id, page) VALUES (1, '/a');", 'Inserted');
    await r.run('SELECT page FROM pageviews EMIT CHANGES LIMIT 1;', 'Query completed: 1 row(s)');
  });

  it('shows an error in red with a caret under the offending column', async () => {
    const r = await start();
    r.type('SELECT page', ENTER, '  FROM nowhere;', ENTER);
    const f = await r.until('does not exist');
    expect(after(f, 'SELECT page')).toEqual(expect.arrayContaining(['2:8: NOWHERE does not exist.', '  FROM nowhere;', '       ^']));
    expect(r.raw()).toMatch(/\x1b\[31m2:8: NOWHERE does not exist\./);
    await r.run('SELEKT 1;', "1:1: mismatched input 'SELEKT'");
    expect(r.frame()).toContain('\nSELEKT 1;\n^\n');
  });

  it('keeps a history: Up recalls earlier statements, including ones from an earlier session', async () => {
    const file = join(tmp(), 'history');
    const r = await start({ historyFile: file });
    await r.run(CREATE, 'Stream created');
    await r.run('SHOW\nSTREAMS;', 'PAGEVIEWS');
    expect(loadHistory(file)).toEqual([CREATE, 'SHOW\nSTREAMS;']);
    r.type(UP);
    await r.until(/sluice> SHOW\n {6}> STREAMS; *$/);
    r.type(UP, UP);
    await r.until(new RegExp(`${CREATE_ECHO.replace(/[()*.]/g, '\\$&')} *$`));
    const again = await start({ history: loadHistory(file), historyFile: file });
    again.type(UP);
    await again.until(/sluice> SHOW\n {6}> STREAMS;/);
    again.type(ENTER);
    await again.until('sluice> SHOW\n      > STREAMS;\n');
  });

  it('completes keywords, streams and columns with Tab', async () => {
    const r = await start();
    await r.run(CREATE, 'Stream created');
    r.type('sel', TAB);
    await r.until(/sluice> select \s*$/);
    r.type('USER', TAB);
    await r.until(/sluice> select USER_ID \s*$/);
    r.type('FROM PAGEV', TAB);
    await r.until(/sluice> select USER_ID FROM PAGEVIEWS \s*$/);
    r.type('EMIT C', TAB);
    await r.until(/sluice> select USER_ID FROM PAGEVIEWS EMIT C\s*\nCASE {2}CAST {2}CHANGES {2}COLUMN {2}CREATE/);
  });

  it('SPOOL copies what is shown to a file until SPOOL OFF', async () => {
    const r = await start();
    const file = join(tmp(), 'spool.txt');
    await r.run(`SPOOL ${file}`, `Spooling to ${file}`);
    await r.run(CREATE, 'Stream created');
    await r.run('SPOOL OFF', `Stopped spooling to ${file}`);
    await r.run('SHOW TOPICS;', 'Kafka Topic');
    const spooled = readFileSync(file, 'utf8');
    expect(spooled).toContain(`${CREATE_ECHO}\nStream created\n`);
    expect(spooled).not.toContain('Kafka Topic');
  });

  it('HELP lists the client commands; RUN SCRIPT runs a file and names it in errors', async () => {
    const r = await start();
    const help = await r.run('HELP', 'SPOOL file | SPOOL OFF');
    expect(help).toContain('OUTPUT [TABULAR|JSON]');
    const dir = tmp();
    writeFileSync(join(dir, 'good.sql'), `${CREATE}\nINSERT INTO pageviews (user_id, page) VALUES (1, '/x');\n`);
    writeFileSync(join(dir, 'bad.sql'), "-- line 1\nINSERT INTO pageviews (user_id, page) VALUES ('one', '/x');\n");
    await r.run(`RUN SCRIPT '${join(dir, 'good.sql')}';`, `Ran 2 statement(s) from ${join(dir, 'good.sql')}`);
    await r.run(`RUN SCRIPT '${join(dir, 'bad.sql')}';`, `${join(dir, 'bad.sql')}:2:`);
    expect(r.frame()).toContain("INSERT INTO pageviews (user_id, page) VALUES ('one', '/x');");
  });

  it('Ctrl-C clears the statement being typed; at an empty prompt it leaves', async () => {
    const r = await start();
    r.type('SELECT * FROM', CTRL_C);
    await r.until('sluice> SELECT * FROM^C');
    expect(r.exited()).toBe(false);
    // Leaving unmounts the app, which may clear the frame: wait for the exit itself.
    r.type(CTRL_C);
    for (let i = 0; i < 1000 && !r.exited(); i++) await new Promise((res) => setTimeout(res, 10));
    expect(r.exited()).toBe(true);
  });

  it('exit and Ctrl-D leave', async () => {
    const a = await start();
    a.type('exit', ENTER);
    for (let i = 0; i < 1000 && !a.exited(); i++) await new Promise((res) => setTimeout(res, 10));
    expect(a.exited()).toBe(true);
    const b = await start();
    b.type('x', '\x7f');
    b.type(CTRL_D);
    for (let i = 0; i < 1000 && !b.exited(); i++) await new Promise((res) => setTimeout(res, 10));
    expect(b.exited()).toBe(true);
  });
});
