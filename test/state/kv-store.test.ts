// The state store's write-back cache: flushed writes persist, unflushed ones are discarded,
// the cache stays bounded, and a miss is answered from SQLite once the cache no longer holds
// everything.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteKeyValueStore } from '../../runtime/state/kv-store.js';

describe('SqliteKeyValueStore', () => {
  it('persists flushed writes, forgets discarded ones, and reads back after reopening', () => {
    const db = new Database(':memory:');
    const a = new SqliteKeyValueStore(db, 's');
    a.put('k1', { n: 1n });
    a.flush();
    a.put('k2', 2);
    a.discard();
    expect(a.get('k1')).toEqual({ n: 1n });
    expect(a.get('k2')).toBeUndefined();
    // A second store on the same table starts with state on disk: misses must go to SQLite.
    const b = new SqliteKeyValueStore(db, 's');
    expect(b.get('k1')).toEqual({ n: 1n });
    b.delete('k1');
    b.flush();
    expect(new SqliteKeyValueStore(db, 's').get('k1')).toBeUndefined();
  });

  it('stays bounded and still finds evicted entries in SQLite', () => {
    const db = new Database(':memory:');
    const s = new SqliteKeyValueStore(db, 'b', undefined, 10);
    for (let i = 0; i < 100; i++) s.put(`k${i}`, i);
    s.flush();
    for (let i = 0; i < 100; i++) expect(s.get(`k${i}`)).toBe(i);
    expect(s.get('absent')).toBeUndefined();
    expect(s.scanRange('k1', 'k2').map(([k]) => k)).toEqual(['k1', 'k10', 'k11', 'k12', 'k13', 'k14', 'k15', 'k16', 'k17', 'k18', 'k19']);
  });
});
