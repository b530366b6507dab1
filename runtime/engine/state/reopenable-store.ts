// A state store that can be opened again over its table. A SQLite store decides when it
// opens what its cache may assume (e.g. "the table was empty, so a miss needs no lookup"); a
// restore that writes the table underneath it makes that wrong, so after a restore the store
// is replaced by a fresh one that looks again.

import { SqliteKeyValueStore, type KeyValueStore, type StateCodec } from '../../state/kv-store.js';
import type Database from 'better-sqlite3';

export class ReopenableStore implements KeyValueStore {
  private inner: SqliteKeyValueStore;

  constructor(
    private readonly db: Database.Database,
    private readonly name: string,
    private readonly codec: StateCodec | undefined,
  ) {
    this.inner = this.open();
  }

  get table(): string {
    return this.inner.table;
  }

  /** Drops the cache and every assumption about the table: it was written underneath. */
  reopen(): void {
    this.inner = this.open();
  }

  get(key: string): unknown | undefined {
    return this.inner.get(key);
  }
  put(key: string, value: unknown): void {
    this.inner.put(key, value);
  }
  delete(key: string): void {
    this.inner.delete(key);
  }
  scanPrefix(prefix: string): [string, unknown][] {
    return this.inner.scanPrefix(prefix);
  }
  scanRange(from: string, to: string): [string, unknown][] {
    return this.inner.scanRange(from, to);
  }
  flush(): void {
    this.inner.flush();
  }
  discard(): void {
    this.inner.discard();
  }
  destroy(): void {
    this.inner.destroy();
  }

  private open(): SqliteKeyValueStore {
    return new SqliteKeyValueStore(this.db, this.name, this.codec);
  }
}
