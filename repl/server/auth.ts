// HTTP Basic authentication against a file of users. The file holds one user a line,
//   NAME:scrypt$N$r$p$SALT$HASH        (SALT and HASH in base64)
// a salted scrypt hash, never the password: `sluice user add NAME` writes a line with
// addUser. Lines starting with # are comments.
//
// scrypt is slow on purpose (tens of ms), which a server answering thousands of pull queries a
// second can't pay per request: a verified Authorization header is remembered, by its
// SHA-256 rather than its text, so the password itself is not kept in memory.

import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';

const SCHEME = 'scrypt';
/** scrypt's cost: N=2^15, r=8 needs 32 MiB and tens of ms per check. */
const COST = { N: 32768, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly that, and refuses it. */
const MAX_MEM = 128 * COST.N * COST.r * 2;
/** Remembered verified headers: bounded, and dropped wholesale when full. */
const CACHE_LIMIT = 1000;

interface UserRecord {
  readonly name: string;
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { ...options, maxmem: Math.max(MAX_MEM, 256 * (options.N ?? 1) * (options.r ?? 1)) }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function checkName(name: string): void {
  if (name === '' || /[:\s]/.test(name)) throw new Error(`A user name must be non-empty, without ':' or spaces: '${name}'`);
}

function parseLine(line: string, where: string): UserRecord {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon);
  const parts = line.slice(colon + 1).split('$');
  if (colon <= 0 || parts.length !== 6 || parts[0] !== SCHEME) {
    throw new Error(`${where}: expected NAME:${SCHEME}$N$r$p$SALT$HASH (write users with 'sluice user add NAME')`);
  }
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  return { name, N: Number(n), r: Number(r), p: Number(p), salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

function parseUsers(text: string, file: string): Map<string, UserRecord> {
  const users = new Map<string, UserRecord>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const u = parseLine(line, `${file}:${i + 1}`);
    users.set(u.name, u);
  });
  return users;
}

/**
 * Adds user `name` to the users file (creating it), or changes the password of an existing
 * one. The file is replaced in one rename and is readable by its owner only.
 */
export async function addUser(file: string, name: string, password: string): Promise<void> {
  checkName(name);
  if (password === '') throw new Error('The password must not be empty');
  let lines: string[] = [];
  try {
    lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // Validate what is there before rewriting it.
  parseUsers(lines.join('\n'), file);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, COST, KEY_BYTES);
  const entry = `${name}:${SCHEME}$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
  const kept = lines.filter((l) => l.startsWith('#') || l.slice(0, l.indexOf(':')) !== name);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${[...kept, entry].join('\n')}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/** Checks Authorization headers against a users file (read once, when the server starts). */
export class BasicAuthVerifier {
  private readonly users: Map<string, UserRecord>;
  private readonly verified = new Map<string, string>();

  constructor(file: string) {
    this.users = parseUsers(readFileSync(file, 'utf8'), file);
    if (this.users.size === 0) throw new Error(`${file} holds no users: add one with 'sluice user add NAME'`);
  }

  /** The user the header authenticates, or undefined (no header, not Basic, wrong password). */
  async verify(authorization: string | undefined): Promise<string | undefined> {
    if (authorization === undefined || !/^basic /i.test(authorization)) return undefined;
    const digest = createHash('sha256').update(authorization).digest('base64');
    const known = this.verified.get(digest);
    if (known !== undefined) return known;
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const name = decoded.slice(0, colon);
    const user = this.users.get(name);
    if (user === undefined) return undefined;
    const hash = await derive(decoded.slice(colon + 1), user.salt, { N: user.N, r: user.r, p: user.p }, user.hash.length);
    if (!timingSafeEqual(hash, user.hash)) return undefined;
    if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
    this.verified.set(digest, name);
    return name;
  }
}
