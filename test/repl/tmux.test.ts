// End to end in a real terminal: `npx sluice` in a tmux pane, driven with send-keys and read
// with capture-pane. Every step polls the pane until the text it waits for shows up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
// Our own tmux server (-L), so a user's sessions are never touched.
const SOCKET = `sluice-test-${process.pid}`;
const SESSION = 'repl';

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The pane, scrollback included. */
function pane(): string {
  return tmux('capture-pane', '-p', '-J', '-t', SESSION, '-S', '-500');
}

async function waitFor(test: (pane: string) => boolean, what: string): Promise<string> {
  for (let i = 0; i < 1200; i++) {
    const p = pane();
    if (test(p)) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the pane never showed ${what}:\n${pane()}`);
}

/** How many times `text` appears in the pane. */
const count = (p: string, text: string): number => p.split(text).length - 1;

/** Types a line and Enter. tmux reads an argument ending in ';' as a command separator: `\;` is a literal one. */
function typeLine(line: string): void {
  tmux('send-keys', '-t', SESSION, '-l', line.replace(/;$/, '\\;'));
  tmux('send-keys', '-t', SESSION, 'Enter');
}

/** Types a line and waits until `text` shows one more time than before. */
async function enter(line: string, text: string): Promise<string> {
  const before = count(pane(), text);
  typeLine(line);
  return waitFor((p) => count(p, text) > before, `'${text}' after ${line}`);
}

afterAll(() => {
  if (HAS_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe('sluice in a terminal', () => {
  if (!HAS_TMUX) console.log('tmux is not installed: skipping the terminal end-to-end test');
  it.skipIf(!HAS_TMUX)('creates, inserts, streams a push query stopped with Ctrl-C, and answers a pull query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-tmux-'));
    // CI=true as CI runners set it: a person at a terminal must still get the live app.
    const command = `env CI=true SLUICE_HISTORY=${join(dir, 'history')} npx sluice --data ${join(dir, 'data')}; echo "SLUICE-EXITED $?"; sleep 600`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '50', '-c', ROOT, command);
    await waitFor((p) => /^sluice> /m.test(p), 'the prompt');

    // A statement over two lines: the first Enter continues it.
    typeLine('CREATE STREAM pageviews (user_id INT KEY, page STRING)');
    await waitFor((p) => p.includes('      > '), 'the continuation prompt');
    await enter("  WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');", 'Stream created');
    await enter("INSERT INTO pageviews (user_id, page) VALUES (1, '/home');", 'Inserted 1 row');
    await enter("INSERT INTO pageviews (user_id, page) VALUES (1, '/about');", 'Inserted 1 row');
    await enter("SET 'auto.offset.reset'='earliest';", 'Successfully set property');
    await enter('CREATE TABLE views AS SELECT user_id, COUNT(*) AS n FROM pageviews GROUP BY user_id;', 'Created query with ID CTAS_VIEWS');

    const streaming = await enter('SELECT * FROM pageviews EMIT CHANGES;', '2 row(s) so far');
    expect(streaming).toMatch(/\| 1 +\| \/home +\|\n\| 1 +\| \/about +\|/);
    tmux('send-keys', '-t', SESSION, 'C-c');
    const stopped = await waitFor((p) => p.includes('Query terminated: 2 row(s)') && /^sluice> *$/m.test(p.split('Query terminated')[1]!), 'the query stopping');
    expect(stopped).not.toContain('SLUICE-EXITED');

    // The table catches up in the background: ask again until it has.
    let answer = '';
    for (let i = 0; i < 60 && !/\| 1 +\| 2 +\|/.test(answer); i++) {
      const shown = await enter('SELECT * FROM views WHERE user_id = 1;', ' row(s)\n');
      answer = shown.slice(shown.lastIndexOf('sluice> SELECT * FROM views'));
    }
    expect(answer).toMatch(/\| USER_ID \| N +\|\n\+-+\+-+\+\n\| 1 +\| 2 +\|\n\+-+\+-+\+\n1 row\(s\)/);

    await enter('exit', 'SLUICE-EXITED 0');
    // Each step polls for up to two minutes; under a loaded CI machine starting `npx sluice`
    // (tsx compiling the CLI) alone can take most of the default 60 s.
  }, 300_000);
});
