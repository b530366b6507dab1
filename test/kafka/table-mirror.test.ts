// Kafka mode's changelog mirror of a local SQLite table (no broker needed): what a store writes
// is captured by triggers, survives the trip through changelog records exactly, and applies
// back to the same table contents.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQL_ROW_CODEC, STORE_CODEC, TableMirror } from '../../runtime/engine/state/table-mirror.js';
import { SqliteKeyValueStore } from '../../runtime/state/kv-store.js';

const contents = (db: Database.Database, table: string): unknown[][] =>
  db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`).raw().safeIntegers(true).all() as unknown[][];

describe('TableMirror', () => {
  it("captures a state store's flush, one change per key, and replays it into another database", () => {
    const db = new Database(':memory:');
    const store = new SqliteKeyValueStore(db, 'q_groups');
    store.put('gone', { n: 0 });
    store.flush();
    const mirror = new TableMirror(db, store.table, 'q-groups-changelog', STORE_CODEC, 0);
    mirror.clearCaptured();
    store.put('a', { n: 1 });
    store.put('b', { n: 2n });
    store.flush();
    store.put('a', { n: 3 });
    store.delete('gone');
    store.flush();
    const changes = mirror.captured();
    // 'a' changed twice: only its last value travels, at the place of its last change.
    expect(changes.map((c) => [c.deleted, c.values[0]])).toEqual([
      [false, 'b'],
      [false, 'a'],
      [true, 'gone'],
    ]);
    const records = changes.map((c) => mirror.toRecord(c, 1));
    expect(records.map((r) => [r.key!.toString(), r.value?.toString() ?? null])).toEqual([
      ['b', '{"n":{"$big":"2"}}'],
      ['a', '{"n":3}'],
      ['gone', null],
    ]);

    const copy = new Database(':memory:');
    new SqliteKeyValueStore(copy, 'q_groups').flush(); // creates the table
    copy.prepare(`INSERT INTO "${store.table}" (k, v) VALUES ('gone', '{}')`).run();
    const target = new TableMirror(copy, store.table, 'q-groups-changelog', STORE_CODEC, 0);
    for (const r of records) target.apply(target.fromRecord(r.key, r.value));
    expect(contents(copy, store.table)).toEqual(contents(db, store.table));
    expect(new SqliteKeyValueStore(copy, 'q_groups').get('b')).toEqual({ n: 2n });
  });

  it('carries any row of a materialised table exactly: 64-bit integers, blobs, doubles, nulls', () => {
    const db = new Database(':memory:');
    const ddl = 'CREATE TABLE mv_t (ID INTEGER, NAME TEXT, AMOUNT REAL, DATA BLOB, N INTEGER, PRIMARY KEY (ID, NAME))';
    db.exec(ddl);
    const mirror = new TableMirror(db, 'mv_t', 't-Materialize-changelog', SQL_ROW_CODEC, 0);
    mirror.clearCaptured();
    const insert = db.prepare('INSERT INTO mv_t VALUES (?, ?, ?, ?, ?)');
    insert.run(9007199254740993n, 'x', 0.1, Buffer.from([0, 255, 7]), null);
    insert.run(1n, 'y', -Infinity, null, -5n);
    db.prepare('UPDATE mv_t SET AMOUNT = 2.5 WHERE ID = 1').run();
    insert.run(2n, 'z', 1, null, 1n);
    db.prepare('DELETE FROM mv_t WHERE ID = 2').run();
    const records = mirror.captured().map((c) => mirror.toRecord(c, 1));
    // The key travels in the record key; a deleted row is a tombstone.
    expect(records.map((r) => r.key!.toString())).toEqual(['[{"i":"9007199254740993"},"x"]', '[{"i":"1"},"y"]', '[{"i":"2"},"z"]']);
    expect(records[2]!.value).toBeNull();

    const copy = new Database(':memory:');
    copy.exec(ddl);
    copy.prepare('INSERT INTO mv_t VALUES (2, ?, 0, NULL, NULL)').run('z');
    const target = new TableMirror(copy, 'mv_t', 't-Materialize-changelog', SQL_ROW_CODEC, 0);
    for (const r of records) target.apply(target.fromRecord(r.key, r.value));
    expect(contents(copy, 'mv_t')).toEqual(contents(db, 'mv_t'));
    expect(contents(copy, 'mv_t')).toEqual([
      [1n, 'y', 2.5, null, -5n],
      [9007199254740993n, 'x', 0.1, Buffer.from([0, 255, 7]), null],
    ]);
  });

  it('sees nothing of a transaction rolled back, which is how a batch is captured before Kafka has it', () => {
    const db = new Database(':memory:');
    const store = new SqliteKeyValueStore(db, 'q_meta');
    const mirror = new TableMirror(db, store.table, 'q-meta-changelog', STORE_CODEC, 0);
    mirror.clearCaptured();
    const rollback = new Error('rollback');
    let seen: string[] = [];
    expect(() =>
      db.transaction(() => {
        store.put('k', 1);
        store.flush();
        seen = mirror.captured().map((c) => String(c.values[0]));
        throw rollback;
      })(),
    ).toThrow(rollback);
    expect(seen).toEqual(['k']);
    expect(contents(db, store.table)).toEqual([]);
    expect(mirror.captured()).toEqual([]);
  });
});
