// HTTP Basic authentication against a users file of salted scrypt hashes: `addUser` writes
// one, the server checks every request against it, and anything without valid credentials
// gets a 401 with ksqlDB's error shape, over both protocols.

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../repl/server/auth.js';
import { startServer, type RunningServer } from '../../repl/server/index.js';
import { client, PROTOCOLS } from './client.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sluice-auth-'));
const usersFile = path.join(dir, 'users');
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('addUser', () => {
  it('stores a salted hash, never the password, in a file only its owner can read', async () => {
    await addUser(usersFile, 'alice', 'correct horse');
    await addUser(usersFile, 'bob', 'correct horse');
    const text = readFileSync(usersFile, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain(Buffer.from('correct horse').toString('base64'));
    const lines = text.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['alice', 'bob']);
    for (const l of lines) expect(l).toMatch(/^\w+:scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    // Same password, different salts: different hashes.
    expect(lines[0]!.split(':')[1]).not.toBe(lines[1]!.split(':')[1]);
    expect(statSync(usersFile).mode & 0o777).toBe(0o600);
  });

  it('replaces the entry of a user added again', async () => {
    await addUser(usersFile, 'bob', 'new password');
    const names = readFileSync(usersFile, 'utf8').trim().split('\n').map((l) => l.split(':')[0]);
    expect(names).toEqual(['alice', 'bob']);
  });

  it('refuses names with a colon or spaces, and empty passwords', async () => {
    await expect(addUser(usersFile, 'a:b', 'x')).rejects.toThrow(/user name/);
    await expect(addUser(usersFile, 'a b', 'x')).rejects.toThrow(/user name/);
    await expect(addUser(usersFile, 'carol', '')).rejects.toThrow(/password/);
  });
});

describe('a server with --auth', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ memory: true, port: 0, authFile: usersFile });
  });
  afterAll(() => server.close());

  it.each(PROTOCOLS)('answers 401 without valid credentials and serves with them (%s)', async (protocol) => {
    const c = client(server.url, protocol);
    try {
      for (const headers of [{}, basic('alice', 'wrong'), basic('mallory', 'correct horse'), { authorization: 'Bearer abc' }]) {
        for (const [method, p, body] of [
          ['GET', '/info', undefined],
          ['POST', '/ksql', { ksql: 'SHOW STREAMS;' }],
          ['POST', '/query-stream', { sql: 'SELECT * FROM nowhere;' }],
          ['GET', '/nowhere', undefined],
        ] as const) {
          const r = await c.call(method, p, body, headers);
          expect(r.status).toBe(401);
          expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
          expect(r.json).toEqual({ '@type': 'generic_error', error_code: 40100, message: 'Unauthorized' });
        }
      }
      const info = await c.call('GET', '/info', undefined, basic('alice', 'correct horse'));
      expect(info.status).toBe(200);
      const ksql = await c.call('POST', '/ksql', { ksql: 'SHOW STREAMS;' }, basic('bob', 'new password'));
      expect(ksql.status).toBe(200);
      // Bob's old password went with the entry it replaced.
      expect((await c.call('GET', '/info', undefined, basic('bob', 'correct horse'))).status).toBe(401);
    } finally {
      c.close();
    }
  });

  it('will not start on a users file it cannot read as one', async () => {
    const bad = path.join(dir, 'bad-users');
    writeFileSync(bad, 'alice:plaintext-password\n');
    await expect(startServer({ memory: true, port: 0, authFile: bad })).rejects.toThrow(/bad-users:1: expected NAME:scrypt/);
    writeFileSync(bad, '# nobody\n');
    await expect(startServer({ memory: true, port: 0, authFile: bad })).rejects.toThrow(/holds no users/);
  });
});
