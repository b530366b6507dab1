// The state store's write-back cache: flushed writes persist, unflushed ones are discarded,
// the cache stays bounded, and a miss is answered from SQLite once the cache no longer holds
// everything.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { KeyFilter } from '../../runtime/state/key-filter.js';
import { decodeState, encodeState, SqliteKeyValueStore, tagBigint } from '../../runtime/state/kv-store.js';

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

describe('state encoding', () => {
  it('round-trips bigints wherever they are, and text that merely mentions $big', () => {
    const v = { key: [12n, 'a'], accs: [{ sum: -(2n ** 70n), n: 3 }], note: '"$big"', tagged: { $big: 'not a bigint', x: 1 } };
    expect(decodeState(encodeState(v))).toEqual(v);
    expect(decodeState(encodeState({ plain: [1, 'two', null] }))).toEqual({ plain: [1, 'two', null] });
    // A codec may tag bigints itself: the text is the same as encodeState's own.
    expect(encodeState({ k: tagBigint(5n) })).toBe(encodeState({ k: 5n }));
  });
});

describe('SqliteKeyValueStore after eviction', () => {
  it('finds every written key, and no deleted or never-written one, across flushes and a discard', () => {
    const db = new Database(':memory:');
    const s = new SqliteKeyValueStore(db, 'e', undefined, 50);
    for (let round = 0; round < 5; round++) {
      for (let i = round * 100; i < (round + 1) * 100; i++) s.put(`k${i}`, i);
      s.delete(`k${round * 100}`);
      s.flush();
    }
    s.put('unflushed', 1);
    s.discard();
    for (let i = 0; i < 500; i++) expect(s.get(`k${i}`)).toBe(i % 100 === 0 ? undefined : i);
    for (let i = 500; i < 600; i++) expect(s.get(`k${i}`)).toBeUndefined();
    expect(s.get('unflushed')).toBeUndefined();
  });
});

describe('KeyFilter', () => {
  it('never misses an added key, and rarely claims an absent one', () => {
    const f = new KeyFilter();
    for (let i = 0; i < 100_000; i++) f.add(`group|${i}`);
    for (let i = 0; i < 100_000; i++) expect(f.mayContain(`group|${i}`)).toBe(true);
    let claimed = 0;
    for (let i = 100_000; i < 200_000; i++) if (f.mayContain(`group|${i}`)) claimed++;
    expect(claimed).toBeLessThan(1000);
  });
});
