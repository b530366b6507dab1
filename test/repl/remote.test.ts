// The REPL's remote backend against a real `sluice server` on a real socket: results must
// render exactly as the embedded backend's do.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, PushStream, ResultView } from '../../repl/client/backend.js';
import { EmbeddedBackend } from '../../repl/client/embedded-backend.js';
import { RemoteBackend } from '../../repl/client/remote-backend.js';
import { ScriptError } from '../../repl/client/script-error.js';
import { Session, type Output } from '../../repl/client/session.js';
import { formatView } from '../../repl/format-result.js';
import { startServer, type RunningServer } from '../../repl/server/index.js';

const BIN = join(import.meta.dirname, '../../bin/sluice.js');

/** Collects rendered results; push queries are read until `take` rows, then closed. */
function collector(take = Infinity): Output & { readonly shown: string[]; readonly rows: unknown[][] } {
  const shown: string[] = [];
  const rows: unknown[][] = [];
  return {
    shown,
    rows,
    results: (views: readonly ResultView[]) => shown.push(...views.map((v) => formatView(v, 'tabular'))),
    stream: async (stream: PushStream) => {
      let n = 0;
      for await (const row of stream) {
        rows.push([...row]);
        if (++n >= take) await stream.close();
      }
    },
  };
}

const SCRIPT = `
CREATE STREAM orders (id INT KEY, item STRING, qty BIGINT) WITH (kafka_topic='orders', partitions=1, value_format='JSON');
DEFINE what = 'apple';
INSERT INTO orders (id, item, qty) VALUES (1, '\${what}', 9223372036854775807);
CREATE TABLE totals AS SELECT item, COUNT(*) AS n FROM orders GROUP BY item;
SHOW STREAMS;
DESCRIBE orders;
SHOW VARIABLES;
SELECT * FROM orders;
`;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ memory: true, port: 0 });
});
afterAll(async () => {
  await server?.close();
});

describe('remote backend', () => {
  it('renders what the server answers exactly as the embedded backend renders its own results', async () => {
    const outputs: string[][] = [];
    for (const backend of [new RemoteBackend({ url: server.url }), new EmbeddedBackend({ memory: true })] as Backend[]) {
      await backend.open();
      const out = collector();
      await new Session(backend).run(SCRIPT, out);
      outputs.push(out.shown);
      await backend.close();
    }
    const [remote, embedded] = outputs;
    expect(remote).toEqual(embedded);
    expect(remote!.join('\n')).toContain('| 1  | apple | 9223372036854775807 |');
  });

  it('streams a push query until closed, with session properties sent along', async () => {
    const backend = new RemoteBackend({ url: server.url });
    const session = new Session(backend);
    await session.run("SET 'auto.offset.reset'='earliest';", collector());
    const out = collector(2);
    const done = session.run('SELECT id, item FROM orders EMIT CHANGES;', out);
    // The second row arrives while the query runs.
    await session.run("INSERT INTO orders (id, item, qty) VALUES (2, 'pear', 1);", collector());
    await done;
    expect(out.rows).toEqual([
      [1, 'apple'],
      [2, 'pear'],
    ]);
  });

  it('gives syntax errors their line:col, and others the statement start', async () => {
    const session = new Session(new RemoteBackend({ url: server.url }));
    const error = async (sql: string): Promise<ScriptError> => {
      try {
        await session.run(sql, collector());
      } catch (e) {
        return e as ScriptError;
      }
      throw new Error('no error');
    };
    const syntax = await error('SHOW STREAMS;\nSELECT *\n  FROM orders WHERE;');
    expect([syntax.line, syntax.column]).toEqual([3, 20]);
    const missing = await error('SHOW STREAMS;\n  SELECT * FROM nope;');
    expect(missing.toString()).toBe('2:3: NOPE does not exist.');
  });

  it('reports a server that is not there', async () => {
    const backend = new RemoteBackend({ url: 'http://127.0.0.1:1' });
    await expect(backend.open()).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  it('sluice run --server runs a script against the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-remote-'));
    writeFileSync(join(dir, 'q.sql'), 'SELECT item, qty FROM orders WHERE id = 1;\nDESCRIBE nope;\n');
    // Not spawnSync: the server runs in this process and must keep answering.
    const child = spawn(process.execPath, [BIN, 'run', 'q.sql', '--server', server.url], { cwd: dir });
    const r = { stdout: '', stderr: '', status: null as number | null };
    child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (r.stderr += d.toString()));
    r.status = await new Promise((resolve) => child.on('exit', resolve));
    expect(r.stdout).toContain('| apple | 9223372036854775807 |');
    expect(r.stderr).toMatch(/^q\.sql:2:1: .*NOPE/);
    expect(r.status).toBe(1);
  });
});
