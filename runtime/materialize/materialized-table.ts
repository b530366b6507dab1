// A table materialised as a real SQLite table with typed columns, keyed by its PRIMARY KEY
// (and window bounds when windowed). Rows use the source-row layout (declared columns, then
// ROWTIME, ROWPARTITION, ROWOFFSET, then WINDOWSTART/WINDOWEND), so pull queries evaluate
// the same compiled expressions as push queries.
//
// Writes are buffered and applied by `flush()`, which runs inside the query's Log commit: a
// pull query, reading between commits, always sees the state of one committed batch.

import type Database from 'better-sqlite3';
import { sourceSchema } from '../../planner/analyze/query.js';
import type { SourceInfo } from '../../planner/catalog.js';
import type { StepSchema } from '../../planner/steps.js';
import { fromSql, sqliteType, toSql } from './sql-values.js';
import { stringifyJsonExact } from '../serde/json-exact.js';

export function materializedTableName(source: string): string {
  return `mv_${source.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class MaterializedTable {
  readonly schema: StepSchema;
  readonly table: string;
  /** Indexes of the columns forming the primary key. */
  readonly keyIndexes: readonly number[];
  /** Buffered writes, one per key: within a batch only a key's last write matters. */
  private pending = new Map<string, { row: readonly unknown[]; deleted: boolean }>();
  private readonly upsertStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly scans = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly source: SourceInfo,
  ) {
    this.schema = sourceSchema(source);
    this.table = materializedTableName(source.name);
    const cols = this.schema.columns;
    const keys = cols.map((c, i) => ({ c, i })).filter(({ c }) => c.role === 'KEY' || c.role === 'WINDOW');
    this.keyIndexes = keys.map((k) => k.i);
    const ddl = cols.map((c) => `${q(c.name)} ${sqliteType(c.type)}`).join(', ');
    db.exec(`CREATE TABLE IF NOT EXISTS ${q(this.table)} (${ddl}, PRIMARY KEY (${keys.map((k) => q(k.c.name)).join(', ')}))`);
    const names = cols.map((c) => q(c.name));
    const keyNames = keys.map((k) => q(k.c.name));
    const updates = names.filter((n) => !keyNames.includes(n)).map((n) => `${n} = excluded.${n}`);
    this.upsertStmt = db.prepare(
      `INSERT INTO ${q(this.table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})` +
        (updates.length ? ` ON CONFLICT (${keyNames.join(', ')}) DO UPDATE SET ${updates.join(', ')}` : ' ON CONFLICT DO NOTHING'),
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${q(this.table)} WHERE ${keyNames.map((n) => `${n} IS ?`).join(' AND ')}`);
  }

  /**
   * Another writer of the same table, with its own buffer: a query's tasks commit separately,
   * so each flushes only its own rows.
   */
  fork(): MaterializedTable {
    return new MaterializedTable(this.db, this.source);
  }

  /** The connection holding the table: pull queries run their SELECT on it. */
  get database(): Database.Database {
    return this.db;
  }

  upsert(row: readonly unknown[]): void {
    this.pending.set(this.keyOf(row), { row, deleted: false });
  }
  delete(row: readonly unknown[]): void {
    this.pending.set(this.keyOf(row), { row, deleted: true });
  }

  private keyOf(row: readonly unknown[]): string {
    let k = '';
    for (const i of this.keyIndexes) {
      const v = row[i];
      k += (v !== null && typeof v === 'object' ? stringifyJsonExact(v) : typeof v + ':' + String(v)) + '\u0000';
    }
    return k;
  }

  flush(): void {
    const cols = this.schema.columns;
    for (const op of this.pending.values()) {
      if (op.deleted) this.deleteStmt.run(...this.keyIndexes.map((i) => toSql(op.row[i], cols[i]!.type)));
      else this.upsertStmt.run(...cols.map((c, i) => toSql(op.row[i], c.type)));
    }
    this.pending.clear();
  }

  discard(): void {
    this.pending.clear();
  }

  /**
   * Rows matching an optional SQL condition over the table's columns, decoded lazily so a
   * caller that stops early (LIMIT) reads no further. Statements are prepared once per shape.
   */
  *scan(where?: string, params: readonly unknown[] = []): Generator<unknown[]> {
    const cols = this.schema.columns;
    const sql = `SELECT * FROM ${q(this.table)}${where ? ` WHERE ${where}` : ''}`;
    let stmt = this.scans.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw().safeIntegers(true);
      this.scans.set(sql, stmt);
    }
    for (const r of stmt.iterate(...params) as Iterable<unknown[]>) yield r.map((v, i) => fromSql(v, cols[i]!.type));
  }

  /**
   * Deletes windows whose end is before `cutoff` (window retention): every row's, or only a
   * task's (its rows carry it in ROWPARTITION), as each task has its own stream time.
   */
  trimWindowsBefore(cutoff: number, task?: number): void {
    if (!this.schema.columns.some((c) => c.name === 'WINDOWEND' && c.role === 'WINDOW')) return;
    if (task === undefined) this.db.prepare(`DELETE FROM ${q(this.table)} WHERE "WINDOWEND" < ?`).run(cutoff);
    else this.db.prepare(`DELETE FROM ${q(this.table)} WHERE "WINDOWEND" < ? AND "ROWPARTITION" = ?`).run(cutoff, task);
  }

  destroy(): void {
    this.pending.clear();
    this.db.exec(`DROP TABLE IF EXISTS ${q(this.table)}`);
  }
}
