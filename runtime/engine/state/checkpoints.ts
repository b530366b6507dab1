// Which changelog offsets the local state reflects: per changelog partition, the offset after
// the last record applied. Written in the same local transaction as the state it describes,
// so after a crash the file says exactly where its replay must resume.

import type Database from 'better-sqlite3';

const SCHEMA = `CREATE TABLE IF NOT EXISTS _sluice_changelog_offsets (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  PRIMARY KEY (topic, partition)
) WITHOUT ROWID`;

export class Checkpoints {
  private readonly stmts: {
    readonly get: Database.Statement<[string]>;
    readonly set: Database.Statement<[string, number, number]>;
    readonly delete: Database.Statement<[string]>;
    readonly deleteOne: Database.Statement<[string, number]>;
  };

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    this.stmts = {
      get: db.prepare('SELECT partition, offset FROM _sluice_changelog_offsets WHERE topic = ?'),
      set: db.prepare(
        'INSERT INTO _sluice_changelog_offsets (topic, partition, offset) VALUES (?, ?, ?) ' +
          'ON CONFLICT (topic, partition) DO UPDATE SET offset = excluded.offset',
      ),
      delete: db.prepare('DELETE FROM _sluice_changelog_offsets WHERE topic = ?'),
      deleteOne: db.prepare('DELETE FROM _sluice_changelog_offsets WHERE topic = ? AND partition = ?'),
    };
  }

  /** Offsets by partition; empty when the local state has never applied this changelog. */
  get(topic: string): Map<number, number> {
    const rows = this.stmts.get.all(topic) as { partition: number; offset: number }[];
    return new Map(rows.map((r) => [r.partition, r.offset]));
  }

  /** Call inside the transaction that applied the records. */
  set(topic: string, partition: number, offset: number): void {
    this.stmts.set.run(topic, partition, offset);
  }

  /** Forgets a changelog, or one partition of it. */
  delete(topic: string, partition?: number): void {
    if (partition === undefined) this.stmts.delete.run(topic);
    else this.stmts.deleteOne.run(topic, partition);
  }
}
