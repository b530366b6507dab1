// A key/value state store: SQLite underneath, a bounded write-back cache on top. Writes stay
// in the cache until `flush()`, which the query calls inside its Log commit, so state changes
// commit in the same transaction as the outputs and positions they belong with. If a commit
// fails, `discard()` forgets everything unflushed so the retried batch starts from the
// committed state.
//
// The cache holds live values (e.g. accumulators mutated in place); a codec turns them into
// JSON-serialisable state when they are written and back when they are read. Keys are strings.

export interface StateCodec {
  toJson(v: unknown): unknown;
  fromJson(j: unknown): unknown;
}
const IDENTITY: StateCodec = { toJson: (v) => v, fromJson: (j) => j };

import type Database from 'better-sqlite3';

export interface KeyValueStore {
  get(key: string): unknown | undefined;
  put(key: string, value: unknown): void;
  delete(key: string): void;
  /** Every committed and cached entry whose key starts with `prefix` (range scans for windows). */
  scanPrefix(prefix: string): [string, unknown][];
  /** Every entry with from <= key < to, in key order. */
  scanRange(from: string, to: string): [string, unknown][];
  flush(): void;
  discard(): void;
  /** Deletes the store's table (TERMINATE / DROP). */
  destroy(): void;
}

const DELETED = Symbol('deleted');

/** JSON with bigint support, so accumulators holding BIGINTs survive a round trip. */
export function encodeState(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? { $big: x.toString() } : x));
}
export function decodeState(s: string): unknown {
  return JSON.parse(s, (_k, x) => (x && typeof x === 'object' && typeof x.$big === 'string' && Object.keys(x).length === 1 ? BigInt(x.$big) : x));
}

export class SqliteKeyValueStore implements KeyValueStore {
  private readonly cache = new Map<string, unknown>();
  private readonly dirty = new Set<string>();
  /**
   * True while the cache holds every entry (the table was empty when opened and nothing has
   * been evicted or discarded since): a key the cache lacks is then known to be absent, and
   * the SQLite lookup a miss would cost is skipped.
   */
  private complete: boolean;
  private readonly table: string;
  private readonly stmts: {
    get: Database.Statement;
    put: Database.Statement;
    del: Database.Statement;
    scan: Database.Statement;
  };

  constructor(
    private readonly db: Database.Database,
    name: string,
    private readonly codec: StateCodec = IDENTITY,
    // Bounded so a million keys stay on disk: at 100k entries a run over 1M distinct keys
    // peaked at ~500 MB RSS (old-generation garbage of evicted entries); 50k keeps it well below.
    private readonly maxCached = 50_000,
  ) {
    this.table = `state_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    db.exec(`CREATE TABLE IF NOT EXISTS "${this.table}" (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID`);
    this.stmts = {
      get: db.prepare(`SELECT v FROM "${this.table}" WHERE k = ?`).pluck(),
      put: db.prepare(`INSERT INTO "${this.table}" (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v`),
      del: db.prepare(`DELETE FROM "${this.table}" WHERE k = ?`),
      scan: db.prepare(`SELECT k, v FROM "${this.table}" WHERE k >= ? AND k < ? ORDER BY k`).raw(),
    };
    this.complete = db.prepare(`SELECT 1 FROM "${this.table}" LIMIT 1`).get() === undefined;
  }

  get(key: string): unknown | undefined {
    if (this.cache.has(key)) {
      const v = this.cache.get(key);
      return v === DELETED ? undefined : v;
    }
    if (this.complete) return undefined;
    const raw = this.stmts.get.get(key) as string | undefined;
    if (raw === undefined) return undefined;
    const v = this.codec.fromJson(decodeState(raw));
    this.remember(key, v);
    return v;
  }

  put(key: string, value: unknown): void {
    // Eviction order is insertion order: close enough to LRU, and re-inserting on every write
    // would cost more than it saves.
    this.cache.set(key, value);
    this.dirty.add(key);
  }

  delete(key: string): void {
    this.cache.delete(key);
    this.cache.set(key, DELETED);
    this.dirty.add(key);
  }

  scanPrefix(prefix: string): [string, unknown][] {
    return this.scanRange(prefix, prefix + '\uffff');
  }

  scanRange(from: string, to: string): [string, unknown][] {
    const out = new Map<string, unknown>();
    for (const [k, v] of this.stmts.scan.all(from, to) as [string, string][]) out.set(k, this.codec.fromJson(decodeState(v)));
    for (const [k, v] of this.cache) {
      if (k < from || k >= to) continue;
      if (v === DELETED) out.delete(k);
      else out.set(k, v);
    }
    return [...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  flush(): void {
    for (const key of this.dirty) {
      const v = this.cache.get(key);
      if (v === DELETED) {
        this.stmts.del.run(key);
        this.cache.delete(key);
      } else this.stmts.put.run(key, encodeState(this.codec.toJson(v)));
    }
    this.dirty.clear();
    this.evict();
  }

  discard(): void {
    this.cache.clear();
    this.dirty.clear();
    this.complete = false;
  }

  destroy(): void {
    this.discard();
    this.db.exec(`DROP TABLE IF EXISTS "${this.table}"`);
  }

  private remember(key: string, v: unknown): void {
    this.cache.set(key, v);
    this.evict();
  }

  /** Drops the oldest clean entries beyond the bound: state for a million keys stays on disk. */
  private evict(): void {
    if (this.cache.size <= this.maxCached) return;
    for (const k of this.cache.keys()) {
      if (this.cache.size <= this.maxCached) break;
      if (!this.dirty.has(k)) {
        this.cache.delete(k);
        this.complete = false;
      }
    }
  }
}

/** For logs without a local database (Kafka mode, until its state lands): memory only. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly map = new Map<string, unknown>();
  get(key: string) {
    return this.map.get(key);
  }
  put(key: string, value: unknown) {
    this.map.set(key, value);
  }
  delete(key: string) {
    this.map.delete(key);
  }
  scanPrefix(prefix: string): [string, unknown][] {
    return this.scanRange(prefix, prefix + '\uffff');
  }
  scanRange(from: string, to: string): [string, unknown][] {
    return [...this.map].filter(([k]) => k >= from && k < to).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
  flush() {}
  discard() {}
  destroy() {
    this.map.clear();
  }
}
