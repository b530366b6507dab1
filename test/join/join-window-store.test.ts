import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { INT, STRING } from '../../planner/types.js';
import { CHUNK, JoinWindowStore } from '../../runtime/query/join-window-store.js';
import { SqliteKeyValueStore, type StateCodec } from '../../runtime/state/kv-store.js';

const schema = { columns: [{ name: 'K', type: INT, role: 'KEY' as const }, { name: 'V', type: STRING, role: 'VALUE' as const }] };

describe('join window store', () => {
  it('fetches a key’s rows in the time range, by time then arrival, across buckets', () => {
    const w = new JoinWindowStore(undefined, 'w', schema, 1000, 100_000);
    w.put('k', [1, 'c'], 2500, null);
    w.put('k', [1, 'a'], 300, null);
    w.put('k', [1, 'b'], 300, null);
    w.put('other', [2, 'x'], 300, null);
    w.put('k', [1, 'out of range'], 9000, null);
    expect(w.fetch('k', 0, 3000).map((r) => r.row[1])).toEqual(['a', 'b', 'c']);
    expect(w.fetch('k', 301, 3000).map((r) => r.row[1])).toEqual(['c']);
  });

  it('skips rows that fell out of the retention behind the newest row', () => {
    const w = new JoinWindowStore(undefined, 'w', schema, 10, 1000);
    w.put('k', [1, 'old'], 0, null);
    w.put('k', [1, 'recent'], 500, null);
    expect(w.fetch('k', 0, 600).map((r) => r.row[1])).toEqual(['old', 'recent']);
    w.put('x', [2, 'advances time'], 1200, null);
    expect(w.fetch('k', 0, 600).map((r) => r.row[1])).toEqual(['recent']);
    // A row already expired on arrival is not kept.
    w.put('k', [1, 'late'], 100, null);
    expect(w.fetch('k', 0, 600).map((r) => r.row[1])).toEqual(['recent']);
  });
});

describe('join window store on SQLite', () => {
  const opener = (db: Database.Database) => ({ openStore: (name: string, codec?: StateCodec) => new SqliteKeyValueStore(db, name, codec) });
  const entries = (db: Database.Database, prefix: string) =>
    (db.prepare('SELECT k, v FROM state_w').all() as { k: string; v: string }[]).filter((e) => e.k.startsWith(prefix));

  it('keeps a hot key’s rows in sealed chunks, rewrites only the rest, and reads them all back', () => {
    const db = new Database(':memory:');
    const w = new JoinWindowStore(opener(db), 'w', schema, 1000, 100_000);
    const n = 3 * CHUNK + 5;
    for (let i = 0; i < n; i++) w.put('k', [1, `v${i}`], 100 + i, null);
    w.flush();
    // Three sealed chunks and a head with the last five rows.
    const stored = entries(db, 'b\0k');
    expect(stored).toHaveLength(4);
    const head = stored.find((e) => e.k.split('\0').length === 3)!;
    expect(JSON.parse(head.v)).toMatchObject({ chunks: 3 });
    expect(JSON.parse(head.v).rows).toHaveLength(5);
    const again = new JoinWindowStore(opener(db), 'w', schema, 1000, 100_000);
    expect(again.fetch('k', 0, 10_000).map((r) => r.row[1])).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
    again.put('k', [1, 'after'], 100 + n, null);
    again.flush();
    expect(new JoinWindowStore(opener(db), 'w', schema, 1000, 100_000).fetch('k', 0, 10_000)).toHaveLength(n + 1);
  });

  it('reads a bucket stored as one array (before chunks), and goes on from it', () => {
    const db = new Database(':memory:');
    new SqliteKeyValueStore(db, 'w');
    const rows = Array.from({ length: CHUNK + 10 }, (_, i) => ({ row: [1, `old${i}`], ts: 100 + i, window: null, seq: i }));
    db.prepare('INSERT INTO state_w (k, v) VALUES (?, ?)').run(`b\0k\0${'0'.repeat(16)}`, JSON.stringify(rows));
    db.prepare('INSERT INTO state_w (k, v) VALUES (?, ?)').run('m\0meta', JSON.stringify({ observed: 200, seq: rows.length, segments: [0] }));
    const w = new JoinWindowStore(opener(db), 'w', schema, 1000, 100_000);
    expect(w.fetch('k', 0, 1000)).toHaveLength(CHUNK + 10);
    w.put('k', [1, 'new'], 300, null);
    w.flush();
    const all = new JoinWindowStore(opener(db), 'w', schema, 1000, 100_000).fetch('k', 0, 1000).map((r) => r.row[1]);
    expect(all).toEqual([...rows.map((r) => r.row[1]), 'new']);
  });

  it('deletes an expired bucket’s chunks with it', () => {
    const db = new Database(':memory:');
    const w = new JoinWindowStore(opener(db), 'w', schema, 10, 1000);
    for (let i = 0; i < 2 * CHUNK; i++) w.put('k', [1, `v${i}`], i, null);
    w.flush();
    expect(entries(db, 'b\0k').length).toBeGreaterThan(1);
    w.put('other', [2, 'much later'], 10_000_000, null);
    w.flush();
    expect(entries(db, 'b\0k')).toEqual([]);
    expect(w.fetch('k', 0, 10_000)).toEqual([]);
  });
});
