// State in embedded mode: stores and materialised tables are tables of the log's own SQLite
// database, written inside the log's commit transaction, so outputs, input positions and
// state commit together by construction and there is nothing to restore.

import type Database from 'better-sqlite3';
import type { EmbeddedLog } from '../../log/embedded/embedded-log.js';
import { SqliteKeyValueStore, type KeyValueStore, type StateCodec } from '../../state/kv-store.js';
import type { BatchCommit, QueryStorage, StateStorage } from '../../state/storage.js';

export class EmbeddedStateStorage implements StateStorage {
  readonly kind = 'embedded';

  constructor(private readonly log: EmbeddedLog) {}

  get database(): Database.Database {
    return this.log.database;
  }

  forQuery(): QueryStorage {
    const log = this.log;
    return {
      // One task: the log's single process runs every partition.
      forTask: () => ({
        openStore: (name: string, codec?: StateCodec): KeyValueStore => new SqliteKeyValueStore(log.database, name, codec),
      }),
      attachTable: () => undefined,
      restore: async () => undefined,
      release: () => undefined,
      commit: async (batch: BatchCommit, flush: () => void): Promise<void> => {
        await log.commit({ ...batch, state: flush, discardAppended: true });
      },
      destroy: async () => undefined,
    };
  }

  /** The log owns the database. */
  async close(): Promise<void> {}
}
