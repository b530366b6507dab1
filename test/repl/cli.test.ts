// The `sluice` command as a user runs it: a child process, piped stdin, files, exit codes.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/sluice.js');
const CREATE = "CREATE STREAM pageviews (user_id INT KEY, page STRING) WITH (kafka_topic='pv', partitions=1, value_format='JSON');";

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function sluice(args: readonly string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    cwd: options.cwd ?? tmp(),
    encoding: 'utf8',
    env: { ...process.env, SLUICE_HISTORY: join(tmp(), 'history'), ...options.env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-cli-'));
}

describe('sluice with piped stdin', () => {
  it('reads statements, prints plain results and keeps the data directory', () => {
    const dir = tmp();
    const first = sluice(['--data', 'd'], {
      cwd: dir,
      input: `${CREATE}\nINSERT INTO pageviews (user_id, page)\n  VALUES (1, '/home');\n-- a comment; not a statement\nSHOW STREAMS;\n`,
    });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Stream created\nInserted 1 row\n');
    expect(first.stdout).toMatch(/\| PAGEVIEWS +\| pv +\| KAFKA +\| JSON +\| false +\|/);
    expect(first.stdout).not.toMatch(/\x1b\[/);
    // A second run on the same directory sees the first one's data; --data-dir is the same option.
    const second = sluice(['--data-dir', 'd', '--output', 'json', '-e', 'SELECT * FROM pageviews;'], { cwd: dir });
    expect(second.stdout).toBe('{"USER_ID":1,"PAGE":"/home"}\n');
    expect(second.status).toBe(0);
  });

  it('stops at the first error with a non-zero exit, its stdin line:col and a caret', () => {
    const r = sluice(['--memory'], {
      input: `${CREATE}\n\nSELECT page\n  FROM nowhere;\nINSERT INTO pageviews (user_id, page) VALUES (2, '/b');\n`,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('Stream created\n');
    expect(r.stderr).toBe('stdin:4:8: NOWHERE does not exist.\n  FROM nowhere;\n       ^\n');
  });
});

describe('sluice run', () => {
  it('runs a script in order, resolving variables and RUN SCRIPT, and stops at the first error with FILE:line:col', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'inner.sql'), "INSERT INTO pageviews (user_id, page) VALUES (1, '${page}');\n");
    writeFileSync(
      join(dir, 'main.sql'),
      [
        "DEFINE page = '/welcome';",
        CREATE,
        "RUN SCRIPT 'inner.sql';",
        'SELECT * FROM pageviews;',
        'INSERT INTO pageviews (user_id, page)',
        "  VALUES ('x', '/bad');",
        'SHOW STREAMS;',
      ].join('\n'),
    );
    const r = sluice(['run', 'main.sql', '--memory'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("Defined variable page as '/welcome'\nStream created\nInserted 1 row\nRan 1 statement(s) from inner.sql\n");
    expect(r.stdout).toMatch(/\| 1 +\| \/welcome +\|/);
    expect(r.stdout).not.toContain('Stream Name');
    expect(r.stderr.split('\n')[0]).toMatch(/^main\.sql:6:11: /);
    expect(r.stderr).toContain("  VALUES ('x', '/bad');\n          ^\n");
  });

  it('names an included script in its errors, and a missing file plainly', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'inner.sql'), '\n\n   SELEC 1;\n');
    writeFileSync(join(dir, 'main.sql'), "RUN SCRIPT 'inner.sql';\n");
    const r = sluice(['run', 'main.sql', '--memory'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^inner\.sql:3:4: mismatched input 'SELEC'/);
    const missing = sluice(['run', 'nope.sql', '--memory'], { cwd: dir });
    expect(missing).toEqual({ status: 1, stdout: '', stderr: 'nope.sql: no such file\n' });
  });
});

describe('sluice options', () => {
  it('--help lists every option, --version the package version, and a bad option exits 2', () => {
    const help = sluice(['--help']);
    expect(help.status).toBe(0);
    for (const option of ['--data', '--data-dir', '--memory', '--server', '--output', '-e', '--help', '--version', '--port', '--host', '--auth', '--queries-file', '--user', '--password']) {
      expect(help.stdout).toContain(option);
    }
    for (const command of ['sluice run FILE.sql', 'sluice server', 'sluice user add NAME']) expect(help.stdout).toContain(command);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(sluice(['--version']).stdout).toBe(`sluice ${pkg.version}\n`);
    const bad = sluice(['--colour']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^sluice: Unknown option '--colour'.*\nSee sluice --help\.\n$/s);
    const badOutput = sluice(['--output', 'xml', '-e', 'SHOW STREAMS;']);
    expect(badOutput).toMatchObject({ status: 2, stderr: "sluice: --output takes tabular or json, not 'xml'\nSee sluice --help.\n" });
  });

  it('user add stores a password read from stdin, and `sluice server` serves until SIGINT', async () => {
    const dir = tmp();
    const users = join(dir, 'users');
    const add = sluice(['user', 'add', 'alice', '--auth', users], { input: 's3cret\n' });
    expect(add).toMatchObject({ status: 0, stdout: `User alice saved in ${users}\n` });
    expect(readFileSync(users, 'utf8')).toContain('alice');
    expect(readFileSync(users, 'utf8')).not.toContain('s3cret');

    const server = spawn(process.execPath, [BIN, 'server', '--port', '0', '--memory', '--auth', users], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
      const anonymous = await fetch(`${url}/info`);
      expect(anonymous.status).toBe(401);
      const alice = await fetch(`${url}/info`, { headers: { authorization: 'Basic ' + Buffer.from('alice:s3cret').toString('base64') } });
      expect(alice.status).toBe(200);
    } finally {
      const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
      server.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });
});
