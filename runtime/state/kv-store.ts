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
  /**
   * The stored text of `v`, when the codec can write it more cheaply than `encodeState(toJson(v))`
   * (e.g. from pieces it encoded once and kept); `decodeState` and `fromJson` must read it back.
   */
  toText?(v: unknown): string;
}
const IDENTITY: StateCodec = { toJson: (v) => v, fromJson: (j) => j };

import type Database from 'better-sqlite3';
import { KeyFilter } from './key-filter.js';

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

/**
 * JSON with bigint support, so accumulators holding BIGINTs survive a round trip: a bigint is
 * written as {"$big": "digits"}. JSON.stringify without a replacer is several times faster and
 * writes the same text when there is no bigint, which it reports by throwing.
 */
export function encodeState(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? tagBigint(x) : x));
  }
}

/** A bigint as encodeState writes it. */
export function tagBigint(x: bigint): { $big: string } {
  return { $big: x.toString() };
}

export function decodeState(s: string): unknown {
  // Only text holding a tagged bigint needs the (much slower) reviver.
  if (!s.includes('"$big"')) return JSON.parse(s);
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
  /**
   * Once the cache stops being complete (a store that started empty): every key this store
   * has written, so a miss on a key it never wrote still skips SQLite. Undefined when the
   * table had entries already, or the filter is full: then every miss asks SQLite.
   */
  private written: KeyFilter | undefined;
  /** The SQLite table holding the entries (Kafka mode mirrors it to a changelog). */
  readonly table: string;
  // Prepared on first use: a query opens several stores, and most never look up, delete or
  // scan (a fresh store answers misses from its cache), so a short query need not pay for them.
  private getStmt: Database.Statement | undefined;
  private putStmt: Database.Statement | undefined;
  private delStmt: Database.Statement | undefined;
  private scanStmt: Database.Statement | undefined;

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
    this.complete = db.prepare(`SELECT 1 FROM "${this.table}" LIMIT 1`).get() === undefined;
  }

  get(key: string): unknown | undefined {
    // One lookup on the hot path (a hit); has() only tells a cached undefined from a miss.
    const v = this.cache.get(key);
    if (v !== undefined) return v === DELETED ? undefined : v;
    if (this.cache.has(key)) return undefined;
    if (this.complete || (this.written !== undefined && !this.written.mayContain(key))) return undefined;
    this.getStmt ??= this.db.prepare(`SELECT v FROM "${this.table}" WHERE k = ?`).pluck();
    const raw = this.getStmt.get(key) as string | undefined;
    if (raw === undefined) return undefined;
    const stored = this.codec.fromJson(decodeState(raw));
    this.remember(key, stored);
    return stored;
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
    this.scanStmt ??= this.db.prepare(`SELECT k, v FROM "${this.table}" WHERE k >= ? AND k < ? ORDER BY k`).raw();
    for (const [k, v] of this.scanStmt.all(from, to) as [string, string][]) out.set(k, this.codec.fromJson(decodeState(v)));
    for (const [k, v] of this.cache) {
      if (k < from || k >= to) continue;
      if (v === DELETED) out.delete(k);
      else out.set(k, v);
    }
    return [...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  flush(): void {
    if (this.dirty.size === 0) return this.evict();
    const put = (this.putStmt ??= this.db.prepare(`INSERT INTO "${this.table}" (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v`));
    for (const key of this.dirty) {
      const v = this.cache.get(key);
      if (v === DELETED) {
        (this.delStmt ??= this.db.prepare(`DELETE FROM "${this.table}" WHERE k = ?`)).run(key);
        this.cache.delete(key);
      } else {
        put.run(key, this.codec.toText ? this.codec.toText(v) : encodeState(this.codec.toJson(v)));
        this.written?.add(key);
      }
    }
    this.dirty.clear();
    if (this.written !== undefined && !this.written.useful) this.written = undefined;
    this.evict();
  }

  discard(): void {
    this.incomplete();
    this.cache.clear();
    this.dirty.clear();
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
        this.incomplete();
        this.cache.delete(k);
      }
    }
  }

  /**
   * The cache is about to lose entries. While it was complete, every stored key is in it
   * (with unflushed ones, which only make the filter answer "maybe" more often): they seed
   * the filter of written keys.
   */
  private incomplete(): void {
    if (!this.complete) return;
    this.complete = false;
    this.written = new KeyFilter();
    for (const k of this.cache.keys()) this.written.add(k);
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
