import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedLog } from '../../runtime/log/embedded/embedded-log.js';
import { decodeHeaders, encodeHeaders } from '../../runtime/log/embedded/headers.js';
import { LogLockedError } from '../../runtime/log/log.js';
import { logContract } from './log-contract.js';

const CHILD = fileURLToPath(new URL('./embedded-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-log-'));
  tempDirs.push(dir);
  return dir;
};
const removeTempDirs = async (): Promise<void> => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
};

logContract('embedded, in memory', async () => EmbeddedLog.open({ memory: true }));
logContract('embedded, data directory', async () => EmbeddedLog.open({ dataDir: tempDir() }), removeTempDirs);

const children: ChildProcess[] = [];
const child = (mode: string, dir: string): ChildProcess => {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  return proc;
};
const exited = (proc: ChildProcess): Promise<void> =>
  proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
/** Collects stdout lines, resolving once `until` accepts them. */
const lines = (proc: ChildProcess, until: (lines: string[]) => boolean): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const seen: string[] = [];
    let partial = '';
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      const parts = (partial + d.toString()).split('\n');
      partial = parts.pop()!;
      seen.push(...parts);
      if (until(seen)) resolve(seen);
    });
    proc.once('exit', () => (until(seen) ? resolve(seen) : reject(new Error(`child exited early: ${stderr}`))));
  });

afterEach(async () => {
  for (const proc of children.splice(0)) {
    proc.kill('SIGKILL');
    await exited(proc);
  }
  await removeTempDirs();
});

describe('embedded log', () => {
  it('keeps topics, records, offsets and positions across close and reopen', async () => {
    const dir = tempDir();
    const first = EmbeddedLog.open({ dataDir: dir });
    await first.createTopic('t', { partitions: 2, retentionMs: 1000, cleanupPolicy: 'delete' });
    await first.produce('t', [
      { partition: 0, timestamp: 1, key: buf('a'), value: buf('1'), headers: [{ key: 'h', value: null }] },
      { partition: 1, timestamp: 2, key: null, value: buf('2') },
      { partition: 0, timestamp: 3, key: buf('c'), value: null },
    ]);
    await first.commit({ groupId: 'g', outputs: [], positions: [{ topic: 't', partition: 0, offset: 2 }] });
    await first.close();

    const second = EmbeddedLog.open({ dataDir: dir });
    expect(await second.describeTopic('t')).toEqual({
      name: 't',
      partitions: 2,
      replicas: 1,
      retentionMs: 1000,
      cleanupPolicy: 'delete',
    });
    expect(await second.fetch('t', 0, 0, 10)).toEqual([
      { topic: 't', partition: 0, offset: 0, timestamp: 1, key: buf('a'), value: buf('1'), headers: [{ key: 'h', value: null }] },
      { topic: 't', partition: 0, offset: 1, timestamp: 3, key: buf('c'), value: null, headers: [] },
    ]);
    expect([await second.endOffset('t', 0), await second.endOffset('t', 1)]).toEqual([2, 1]);
    expect(await second.committed('g')).toEqual([{ topic: 't', partition: 0, offset: 2 }]);
    const [next] = await second.produce('t', [{ partition: 0, timestamp: 4, key: null, value: null }]);
    expect(next!.offset).toBe(2);
    await second.close();
  });

  it('runs the state callback in the commit transaction', async () => {
    const log = EmbeddedLog.open({ memory: true });
    const db = log.database;
    db.exec('CREATE TABLE counts (k TEXT PRIMARY KEY, n INTEGER)');
    const upsert = db.prepare('INSERT INTO counts VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = excluded.n');
    await log.createTopic('out', { partitions: 1 });
    const commit = (n: number, fail: boolean) =>
      log.commit({
        groupId: 'g',
        outputs: [{ topic: 'out', records: [{ partition: 0, timestamp: n, key: buf('k'), value: buf(String(n)) }] }],
        positions: [{ topic: 'in', partition: 0, offset: n }],
        state: () => {
          upsert.run('k', n);
          if (fail) throw new Error('boom');
        },
      });
    await commit(1, false);
    await expect(commit(2, true)).rejects.toThrow('boom');
    expect(db.prepare('SELECT n FROM counts').pluck().all()).toEqual([1]);
    expect(await log.committed('g')).toEqual([{ topic: 'in', partition: 0, offset: 1 }]);
    expect(await log.endOffset('out', 0)).toBe(1);
    // Nested use of the runtime's own transactions inside `state` becomes a savepoint.
    await log.commit({
      groupId: 'g',
      outputs: [],
      positions: [],
      state: () => db.transaction(() => upsert.run('k', 3))(),
    });
    expect(db.prepare('SELECT n FROM counts').pluck().all()).toEqual([3]);
    await log.close();
  });

  it('commits outputs without returning them when the caller discards them', async () => {
    const log = EmbeddedLog.open({ memory: true });
    await log.createTopic('out', { partitions: 2 });
    const records = [0, 1, 2].map((n) => ({ partition: n % 2, timestamp: n, key: buf(`k${n}`), value: buf(String(n)) }));
    const appended = await log.commit({ groupId: 'g', outputs: [{ topic: 'out', records }], positions: [], discardAppended: true });
    expect(appended).toEqual([]);
    expect((await log.fetch('out', 0, 0, 10)).map((r) => [r.offset, r.value?.toString()])).toEqual([[0, '0'], [1, '2']]);
    expect((await log.fetch('out', 1, 0, 10)).map((r) => [r.offset, r.value?.toString()])).toEqual([[0, '1']]);
    await log.close();
  });

  it('refuses a commit inside a foreign transaction, whose rollback would reuse offsets', async () => {
    const log = EmbeddedLog.open({ memory: true });
    await log.createTopic('t', { partitions: 1 });
    log.database.exec('BEGIN');
    const inner = log.produce('t', [{ partition: 0, timestamp: 0, key: null, value: null }]);
    log.database.exec('ROLLBACK');
    await expect(inner).rejects.toThrow('inside another transaction');
    expect(await log.endOffset('t', 0)).toBe(0);
    await log.close();
  });

  it('closing wakes consumers blocked in waitForData', async () => {
    const log = EmbeddedLog.open({ memory: true });
    await log.createTopic('t', { partitions: 1 });
    const started = Date.now();
    const waiting = log.waitForData(['t'], 10_000);
    setTimeout(() => void log.close(), 20);
    await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('deleting a topic forgets its records and positions', async () => {
    const log = EmbeddedLog.open({ memory: true });
    await log.createTopic('a', { partitions: 1 });
    await log.createTopic('b', { partitions: 1 });
    await log.commit({
      groupId: 'g',
      outputs: [{ topic: 'a', records: [{ partition: 0, timestamp: 0, key: null, value: buf('x') }] }],
      positions: [
        { topic: 'a', partition: 0, offset: 1 },
        { topic: 'b', partition: 0, offset: 4 },
      ],
    });
    await log.deleteTopic('a');
    expect(await log.committed('g')).toEqual([{ topic: 'b', partition: 0, offset: 4 }]);
    expect(log.database.prepare('SELECT COUNT(*) FROM log_records').pluck().get()).toBe(0);
    await log.close();
  });

  it('rejects illegal topic names and partitions like Kafka', async () => {
    const log = EmbeddedLog.open({ memory: true });
    await expect(log.createTopic('has space', { partitions: 1 })).rejects.toThrow('illegal');
    await expect(log.createTopic('ok', { partitions: 0 })).rejects.toThrow('partitions');
    await log.createTopic('ok', { partitions: 2 });
    await expect(log.produce('ok', [{ partition: 2, timestamp: 0, key: null, value: null }])).rejects.toThrow(
      'no partition 2',
    );
    await expect(log.fetch('ok', -1, 0, 1)).rejects.toThrow('no partition -1');
    await log.close();
  });

  it('retention deletes the leading records older than retention.ms, and offsets never go back', async () => {
    const dir = tempDir();
    const log = EmbeddedLog.open({ dataDir: dir });
    await log.createTopic('r', { partitions: 1, retentionMs: 1000 });
    await log.createTopic('forever', { partitions: 1 });
    await log.createTopic('compacted', { partitions: 1, retentionMs: 1000, cleanupPolicy: 'compact' });
    const at = (timestamp: number) => ({ partition: 0, timestamp, key: null, value: buf(String(timestamp)) });
    // Offset 3 is older than the window but follows a retained record: like a Kafka segment,
    // the log only loses a prefix.
    await log.produce('r', [at(1000), at(2000), at(3000), at(1500), at(5000)]);
    await log.produce('forever', [at(0)]);
    await log.produce('compacted', [at(0)]);

    expect(log.trim(4000)).toBe(2);
    expect(await log.startOffset('r', 0)).toBe(2);
    expect((await log.fetch('r', 0, 0, 10)).map((r) => r.offset)).toEqual([2, 3, 4]);
    expect(log.trim(4000)).toBe(0);

    expect(log.trim(1_000_000)).toBe(3);
    expect([await log.startOffset('r', 0), await log.endOffset('r', 0)]).toEqual([5, 5]);
    expect(await log.fetch('r', 0, 0, 10)).toEqual([]);
    expect(await log.endOffset('forever', 0)).toBe(1);
    expect(await log.endOffset('compacted', 0)).toBe(1);
    await log.close();

    const reopened = EmbeddedLog.open({ dataDir: dir });
    expect([await reopened.startOffset('r', 0), await reopened.endOffset('r', 0)]).toEqual([5, 5]);
    const [next] = await reopened.produce('r', [at(9000)]);
    expect(next!.offset).toBe(5);
    await reopened.close();
  });

  it('encodes headers compactly and losslessly', () => {
    expect(encodeHeaders([])).toBeNull();
    expect(decodeHeaders(null)).toEqual([]);
    const headers = [
      { key: '', value: null },
      { key: 'k', value: Buffer.alloc(0) },
      { key: 'k', value: Buffer.alloc(20_000, 1) },
      { key: '日本', value: buf('x') },
    ];
    const blob = encodeHeaders(headers)!;
    // count, then per header: key length, key bytes, value length + 1, value bytes.
    expect(blob.length).toBe(1 + (1 + 0 + 1) + (1 + 1 + 1) + (1 + 1 + 3 + 20_000) + (1 + 6 + 1 + 1));
    expect(decodeHeaders(blob)).toEqual(headers);
  });

  describe('single writer', () => {
    it('a second open in the same process fails until the first closes', async () => {
      const dir = tempDir();
      const first = EmbeddedLog.open({ dataDir: dir });
      expect(() => EmbeddedLog.open({ dataDir: dir })).toThrow(LogLockedError);
      expect(() => EmbeddedLog.open({ dataDir: dir })).toThrow(`data directory ${dir} is in use by process ${process.pid}`);
      await first.close();
      const second = EmbeddedLog.open({ dataDir: dir });
      await second.close();
      expect(fs.existsSync(path.join(dir, 'sluice.lock'))).toBe(false);
    });

    it('another process cannot open a directory this process holds', async () => {
      const dir = tempDir();
      const log = EmbeddedLog.open({ dataDir: dir });
      const proc = child('open', dir);
      const [line] = await lines(proc, (l) => l.length >= 1);
      expect(JSON.parse(line!)).toEqual({
        error: 'LogLockedError',
        message: expect.stringContaining(`data directory ${dir} is in use by process ${process.pid}`),
      });
      await log.close();
    }, 20_000);

    it('a lock left by a killed process is taken over', async () => {
      const dir = tempDir();
      const proc = child('hold', dir);
      await lines(proc, (l) => l.includes('ready'));
      expect(() => EmbeddedLog.open({ dataDir: dir })).toThrow(`is in use by process ${proc.pid}`);
      proc.kill('SIGKILL');
      await exited(proc);
      expect(fs.readFileSync(path.join(dir, 'sluice.lock'), 'utf8')).toBe(String(proc.pid));
      const log = EmbeddedLog.open({ dataDir: dir });
      expect(fs.readFileSync(path.join(dir, 'sluice.lock'), 'utf8')).toBe(String(process.pid));
      await log.close();
    }, 20_000);

    it('a lock naming this process but not held by it is stale (PID reuse, e.g. PID 1 in containers)', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'sluice.lock'), String(process.pid));
      const log = EmbeddedLog.open({ dataDir: dir });
      expect(() => EmbeddedLog.open({ dataDir: dir })).toThrow(LogLockedError);
      await log.close();
    });
  });

  it('loses no committed batch when killed with SIGKILL', async () => {
    const dir = tempDir();
    const proc = child('append', dir);
    const reported = await lines(proc, (l) => l.length >= 40);
    proc.kill('SIGKILL');
    await exited(proc);
    const committed = reported.map(Number);
    const last = Math.max(...committed);

    const log = EmbeddedLog.open({ dataDir: dir });
    const end = await log.endOffset('crash', 0);
    expect(end).toBeGreaterThanOrEqual(last);
    expect(end % 50).toBe(0); // whole batches only: a torn commit never shows
    const [position] = await log.committed('crash-group');
    expect(position!.offset).toBe(end); // positions were committed with their outputs
    let count = 0;
    for (let offset = 0; offset < end; ) {
      const batch = await log.fetch('crash', 0, offset, 5000);
      for (const r of batch) expect(r.value!.toString()).toBe(`value-${r.offset}`);
      expect(batch[0]!.offset).toBe(offset);
      count += batch.length;
      offset += batch.length;
    }
    expect(count).toBe(end);
    await log.close();
  }, 30_000);
});
