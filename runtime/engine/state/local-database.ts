// The local SQLite file of Kafka mode: state stores, materialised tables and the changelog
// offsets they reflect, at `<dataDir>/state-<serviceId>.db`. It only ever holds what the
// changelogs hold too, so it can be deleted (or lost) and is rebuilt from them on start.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { acquireDirLock, type DirLock } from '../../log/embedded/lock.js';

export type LocalDatabaseOptions = { readonly dataDir: string; readonly serviceId: string } | { readonly memory: true };

export class LocalDatabase {
  private constructor(
    readonly database: Database.Database,
    private readonly lock: DirLock | undefined,
  ) {}

  static open(opts: LocalDatabaseOptions): LocalDatabase {
    if ('memory' in opts) return new LocalDatabase(configure(new Database(':memory:')), undefined);
    fs.mkdirSync(opts.dataDir, { recursive: true });
    // One process per directory, as in embedded mode: two would apply the same changelogs.
    const lock = acquireDirLock(opts.dataDir);
    try {
      return new LocalDatabase(configure(new Database(path.join(opts.dataDir, localFileName(opts.serviceId)))), lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  close(): void {
    this.database.close();
    this.lock?.release();
  }
}

export function localFileName(serviceId: string): string {
  return `state-${serviceId.replace(/[^A-Za-z0-9._-]/g, '_')}.db`;
}

function configure(db: Database.Database): Database.Database {
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL, not FULL: a commit lost to a power cut only leaves the file behind its changelogs,
    // and the restore on start replays what it lacks.
    db.pragma('synchronous = NORMAL');
    // The capture tables of table-mirror.ts live and die within one transaction.
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
