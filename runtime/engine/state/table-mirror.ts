// One local SQLite table (a state store's or a materialised table's) mirrored to a changelog
// topic: its changes are captured as SQLite makes them, turned into changelog records, and
// applied back from records (after a commit, or when restoring).
//
// Capture uses temporary triggers: every insert, update and delete of the table also lands in
// a temporary shadow table on this connection. The stores keep writing through their own code
// (kv-store.ts, materialized-table.ts) and need no changelog logic of their own: whatever they
// write, however they write it (an upsert, a bulk DELETE trimming old windows), is captured.

import type Database from 'better-sqlite3';
import type { ProducerRecord } from '../../log/log.js';

/** A captured change: the table's column values after it (or, deleted, before it). */
export interface Change {
  readonly deleted: boolean;
  readonly values: readonly unknown[];
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export class TableMirror {
  readonly columns: readonly string[];
  /** Indexes of the primary-key columns. */
  readonly keyIndexes: readonly number[];
  private readonly shadow: string;
  private readonly stmts: {
    readonly captured: Database.Statement;
    readonly clear: Database.Statement;
    readonly upsert: Database.Statement;
    readonly delete: Database.Statement;
    readonly wipePartition: Database.Statement;
  };

  constructor(
    private readonly db: Database.Database,
    readonly table: string,
    /** The changelog topic. */
    readonly topic: string,
    /**
     * Key/value state stores (k TEXT, v TEXT) travel as their text; materialised tables as a
     * tagged JSON array of their column values.
     */
    private readonly codec: RowCodec,
    /**
     * Which changelog partition a change goes to: a number (a task's store), or the column
     * holding each row's task (a materialised table shared by the query's tasks).
     */
    private readonly partition: number | { readonly column: string },
  ) {
    const info = db.prepare(`PRAGMA main.table_info(${q(table)})`).all() as { name: string; pk: number }[];
    if (info.length === 0) throw new Error(`no table ${table} to mirror`);
    this.columns = info.map((c) => c.name);
    this.keyIndexes = info
      .map((c, i) => ({ pk: c.pk, i }))
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.i);
    this.shadow = `_sluice_capture_${table}`;
    const cols = this.columns.map((_, i) => `c${i}`);
    // No declared types: the shadow keeps each value exactly as SQLite held it. Made anew, as
    // a table replaced under the same name (CREATE OR REPLACE) may have other columns.
    db.exec(`DROP TABLE IF EXISTS temp.${q(this.shadow)}; CREATE TEMP TABLE ${q(this.shadow)} (deleted, ${cols.join(', ')})`);
    this.attach();
    const names = this.columns.map(q);
    this.stmts = {
      captured: db.prepare(`SELECT * FROM temp.${q(this.shadow)} ORDER BY rowid`).raw().safeIntegers(true),
      clear: db.prepare(`DELETE FROM temp.${q(this.shadow)}`),
      upsert: db.prepare(`INSERT OR REPLACE INTO main.${q(table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`),
      delete: db.prepare(`DELETE FROM main.${q(table)} WHERE ${this.keyIndexes.map((i) => `${names[i]} IS ?`).join(' AND ')}`),
      // A task's store holds only its rows: the whole table is the partition.
      wipePartition:
        typeof partition === 'number'
          ? db.prepare(`DELETE FROM main.${q(table)}`)
          : db.prepare(`DELETE FROM main.${q(table)} WHERE coalesce(${q(partition.column)}, 0) = ?`),
    };
    this.partitionIndex = typeof partition === 'number' ? -1 : this.columns.indexOf(partition.column);
    if (typeof partition !== 'number' && this.partitionIndex < 0) throw new Error(`table ${table} has no column ${partition.column}`);
  }

  private readonly partitionIndex: number;

  /** The changelog partition of a change. */
  partitionOf(change: Change): number {
    if (typeof this.partition === 'number') return this.partition;
    const v = change.values[this.partitionIndex];
    return v === null || v === undefined ? 0 : Number(v);
  }

  /** The changelog partitions this table's rows go to, given the query's tasks. */
  partitionsFor(tasks: readonly number[]): readonly number[] {
    return typeof this.partition === 'number' ? (tasks.includes(this.partition) ? [this.partition] : []) : tasks;
  }

  /** Deletes the rows of one changelog partition (a task's, before a rebuild or when it moves away). */
  wipePartition(partition: number): void {
    if (typeof this.partition === 'number') this.stmts.wipePartition.run();
    else this.stmts.wipePartition.run(partition);
  }

  /** Creates the capture triggers (dropping the table drops them). */
  private attach(): void {
    const row = (ref: 'NEW' | 'OLD') => this.columns.map((c) => `${ref}.${q(c)}`).join(', ');
    const into = `INSERT INTO temp.${q(this.shadow)} VALUES`;
    const t = q(this.table);
    const trigger = (suffix: string, event: string, deleted: 0 | 1, ref: 'NEW' | 'OLD'): string => {
      const name = q(`${this.shadow}_${suffix}`);
      return `DROP TRIGGER IF EXISTS temp.${name}; CREATE TEMP TRIGGER ${name} AFTER ${event} ON ${t} BEGIN ${into} (${deleted}, ${row(ref)}); END;`;
    };
    this.db.exec(trigger('i', 'INSERT', 0, 'NEW') + trigger('u', 'UPDATE', 0, 'NEW') + trigger('d', 'DELETE', 1, 'OLD'));
  }

  /** Forgets what was captured (before a capture; after applying, which the triggers also saw). */
  clearCaptured(): void {
    this.stmts.clear.run();
  }

  /** What the triggers saw since the last clear, one change per key (its last), in order. */
  captured(): Change[] {
    const byKey = new Map<string, Change>();
    for (const r of this.stmts.captured.all() as unknown[][]) {
      const values = r.slice(1);
      const key = this.keyText(values);
      byKey.delete(key); // re-inserted: a key's place is its last change
      byKey.set(key, { deleted: Number(r[0]) === 1, values });
    }
    return [...byKey.values()];
  }

  apply(change: Change): void {
    if (change.deleted) this.stmts.delete.run(...this.keyIndexes.map((i) => change.values[i]));
    else this.stmts.upsert.run(...change.values);
  }

  toRecord(change: Change, timestamp: number): ProducerRecord {
    const key = this.keyIndexes.map((i) => change.values[i]);
    return {
      partition: this.partitionOf(change),
      timestamp,
      key: this.codec.encodeKey(key),
      value: change.deleted ? null : this.codec.encodeRow(change.values, this.keyIndexes),
    };
  }

  fromRecord(key: Buffer | null, value: Buffer | null): Change {
    if (key === null) throw new Error(`changelog ${this.topic}: a record without a key`);
    const keyValues = this.codec.decodeKey(key);
    if (value === null) {
      const values = new Array<unknown>(this.columns.length).fill(null);
      this.keyIndexes.forEach((k, i) => (values[k] = keyValues[i]));
      return { deleted: true, values };
    }
    return { deleted: false, values: this.codec.decodeRow(keyValues, value, this.keyIndexes, this.columns.length) };
  }

  private keyText(values: readonly unknown[]): string {
    return this.codec.encodeKey(this.keyIndexes.map((i) => values[i])).toString('latin1');
  }
}

/** How a mirrored table's rows travel in its changelog. */
export interface RowCodec {
  encodeKey(key: readonly unknown[]): Buffer;
  decodeKey(key: Buffer): unknown[];
  /** The row's value columns (the key travels in the record key). */
  encodeRow(values: readonly unknown[], keyIndexes: readonly number[]): Buffer;
  decodeRow(key: readonly unknown[], value: Buffer, keyIndexes: readonly number[], width: number): unknown[];
}

/**
 * A key/value state store (k TEXT PRIMARY KEY, v TEXT): the record key is k and the value
 * is v, as text, so the changelog reads like the store.
 */
export const STORE_CODEC: RowCodec = {
  encodeKey: (key) => Buffer.from(String(key[0]), 'utf8'),
  decodeKey: (key) => [key.toString('utf8')],
  encodeRow: (values, keyIndexes) => Buffer.from(String(values[keyIndexes[0] === 0 ? 1 : 0]), 'utf8'),
  decodeRow: (key, value, keyIndexes) => (keyIndexes[0] === 0 ? [key[0], value.toString('utf8')] : [value.toString('utf8'), key[0]]),
};

/**
 * Any table: column values as SQLite holds them, in a JSON array. Integers are 64-bit
 * (bigint) and blobs are bytes, which JSON lacks, so they are tagged objects, as are the
 * doubles JSON cannot write.
 */
export const SQL_ROW_CODEC: RowCodec = {
  encodeKey: (key) => Buffer.from(JSON.stringify(key.map(tagSql)), 'utf8'),
  decodeKey: (key) => (JSON.parse(key.toString('utf8')) as unknown[]).map(untagSql),
  encodeRow: (values, keyIndexes) => Buffer.from(JSON.stringify(values.filter((_, i) => !keyIndexes.includes(i)).map(tagSql)), 'utf8'),
  decodeRow: (key, value, keyIndexes, width) => {
    const rest = (JSON.parse(value.toString('utf8')) as unknown[]).map(untagSql);
    const out = new Array<unknown>(width);
    let r = 0;
    for (let i = 0; i < width; i++) {
      const k = keyIndexes.indexOf(i);
      out[i] = k >= 0 ? key[k] : rest[r++];
    }
    return out;
  },
};

function tagSql(v: unknown): unknown {
  if (typeof v === 'bigint') return { i: v.toString() };
  if (Buffer.isBuffer(v)) return { b: v.toString('base64') };
  if (typeof v === 'number' && !Number.isFinite(v)) return { f: String(v) };
  return v;
}

function untagSql(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as { i?: string; b?: string; f?: string };
  if (o.i !== undefined) return BigInt(o.i);
  if (o.b !== undefined) return Buffer.from(o.b, 'base64');
  if (o.f !== undefined) return Number(o.f);
  throw new Error(`changelog: unexpected value ${JSON.stringify(v)}`);
}
