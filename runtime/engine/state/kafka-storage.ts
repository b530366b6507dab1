// State in Kafka mode: stores and materialised tables stay in a local SQLite file, and every
// change to them is mirrored to a compacted changelog topic per store, as Kafka Streams does.
//
// A batch commits in three steps:
//   1. capture: the query's flush runs inside a local transaction that is rolled back, and the
//      tables' triggers record what it wrote (table-mirror.ts);
//   2. Kafka: the outputs, the changelog records and the input positions go in one Log commit
//      (one transaction under exactly_once_v2), which also commits each changelog's new end
//      as the group's position on it (Commit.outputPositions): the bound of committed state;
//   3. local: the captured changes and the changelog offsets they reach are applied in one
//      local transaction, only once Kafka has accepted the batch.
// A crash between 2 and 3 leaves the local file behind its changelogs, never ahead: on start,
// each changelog is replayed from the offset the file records up to the committed bound (from
// the beginning when the file is missing or does not match). Records past the bound belong to
// a batch whose commit did not complete, which the query processes again: they are never
// applied, so no committed change is lost and none is applied twice.

import type Database from 'better-sqlite3';
import { TopicExistsError, UnknownTopicError, type Log, type Position } from '../../log/log.js';
import { outputEnds } from '../../log/output-ends.js';
import type { MaterializedTable } from '../../materialize/materialized-table.js';
import type { KeyValueStore, StateCodec } from '../../state/kv-store.js';
import type { BatchCommit, QueryStorage, StateStorage, StoreOpener } from '../../state/storage.js';
import { Checkpoints } from './checkpoints.js';
import type { LocalDatabase } from './local-database.js';
import { ReopenableStore } from './reopenable-store.js';
import { SQL_ROW_CODEC, STORE_CODEC, TableMirror, type Change, type RowCodec } from './table-mirror.js';

/** Records read per changelog fetch while restoring, and applied per local transaction. */
const RESTORE_CHUNK = 2_000;
const MAX_TOPIC_NAME = 249;

/**
 * A store's changelog, named as ksqlDB names its internal topics:
 * `_sluice_<serviceId>_query_<queryId>-<store>-changelog`.
 */
export function changelogTopic(groupId: string, store: string): string {
  const suffix = store.startsWith(`${groupId}_`) ? store.slice(groupId.length + 1) : store;
  return `${groupId}-${suffix}-changelog`.replace(/[^A-Za-z0-9._-]/g, '_').slice(-MAX_TOPIC_NAME);
}

export class KafkaStateStorage implements StateStorage {
  readonly kind = 'kafka';
  private readonly checkpoints: Checkpoints;

  constructor(
    private readonly log: Log,
    private readonly local: LocalDatabase,
  ) {
    this.checkpoints = new Checkpoints(local.database);
  }

  get database(): Database.Database {
    return this.local.database;
  }

  forQuery(groupId: string): QueryStorage {
    return new KafkaQueryState(this.log, this.local.database, this.checkpoints, groupId);
  }

  async close(): Promise<void> {
    this.local.close();
  }
}

interface Mirrored {
  readonly mirror: TableMirror;
  /** The store, when it is a key/value store (reopened after a restore). */
  readonly store?: ReopenableStore;
}

/** Each row of a materialised table carries its task here (ksqlDB refuses it in pull queries). */
const TASK_COLUMN = 'ROWPARTITION';

class KafkaQueryState implements QueryStorage {
  /** By local table name: a store per task, and the materialised table the tasks share. */
  private readonly mirrored = new Map<string, Mirrored>();

  constructor(
    private readonly log: Log,
    private readonly db: Database.Database,
    private readonly checkpoints: Checkpoints,
    private readonly groupId: string,
  ) {}

  forTask(task: number): StoreOpener {
    return {
      openStore: (name: string, codec?: StateCodec): KeyValueStore => {
        // A table per task, so that a task's state can be restored and dropped on its own; one
        // changelog per store, task t writing its partition t.
        const store = new ReopenableStore(this.db, `${name}_t${task}`, codec);
        this.mirrored.set(store.table, { mirror: new TableMirror(this.db, store.table, changelogTopic(this.groupId, name), STORE_CODEC, task), store });
        return store;
      },
    };
  }

  attachTable(table: MaterializedTable): void {
    // Attached once per query: its tasks share the table.
    if (this.mirrored.has(table.table)) return;
    const topic = changelogTopic(this.groupId, 'Materialize');
    this.mirrored.set(table.table, { mirror: new TableMirror(this.db, table.table, topic, SQL_ROW_CODEC, { column: TASK_COLUMN }) });
  }

  async restore(committed: readonly Position[], tasks: readonly number[], partitions: number): Promise<void> {
    for (const { mirror } of this.mirrored.values()) {
      const mine = mirror.partitionsFor(tasks);
      if (mine.length > 0) await this.restoreOne(mirror, committed, mine, partitions);
    }
    for (const { mirror, store } of this.mirrored.values()) if (mirror.partitionsFor(tasks).length > 0) store?.reopen();
  }

  release(tasks: readonly number[]): void {
    if (tasks.length === 0) return;
    this.db.transaction(() => {
      for (const [table, { mirror, store }] of [...this.mirrored]) {
        const gone = mirror.partitionsFor(tasks);
        if (gone.length === 0) continue;
        if (store) {
          // A store's table stays, with its checkpoint: if the task comes back, the restore
          // replays only what other instances wrote meanwhile.
          this.mirrored.delete(table);
          continue;
        }
        // The shared table answers pull queries: rows of tasks run elsewhere must go.
        for (const p of gone) {
          mirror.wipePartition(p);
          this.checkpoints.delete(mirror.topic, p);
        }
        mirror.clearCaptured();
      }
    })();
  }

  async commit(batch: BatchCommit, flush: () => void): Promise<void> {
    const captured = this.capture(flush);
    const outputs = [...batch.outputs];
    const changelogs: string[] = [];
    const now = Date.now();
    for (const { mirror, changes } of captured) {
      if (changes.length === 0) continue;
      outputs.push({ topic: mirror.topic, records: changes.map((c) => mirror.toRecord(c, now)) });
      changelogs.push(mirror.topic);
    }
    const appended = await this.log.commit({
      groupId: batch.groupId,
      outputs,
      positions: batch.positions,
      ...(changelogs.length > 0 ? { outputPositions: changelogs } : {}),
      ...(batch.member ? { member: batch.member } : {}),
      ...(batch.task !== undefined ? { task: batch.task } : {}),
    });
    // Kafka has the batch. If the local write fails the caller restarts the query from the
    // committed positions, and the restore replays the changelogs this write would have applied.
    this.db.transaction(() => {
      for (const { mirror, changes } of captured) {
        for (const c of changes) mirror.apply(c);
        mirror.clearCaptured();
      }
      for (const end of outputEnds(appended, changelogs)) this.checkpoints.set(end.topic, end.partition, end.offset);
    })();
  }

  async destroy(): Promise<void> {
    const topics = new Set([...this.mirrored.values()].map(({ mirror }) => mirror.topic));
    for (const topic of topics) {
      this.checkpoints.delete(topic);
      try {
        await this.log.deleteTopic(topic);
      } catch (e) {
        if (!(e instanceof UnknownTopicError)) throw e;
      }
    }
  }

  /**
   * Runs `flush` in a local transaction that is rolled back, returning what it wrote: the
   * changes are applied for real only once Kafka has committed them.
   */
  private capture(flush: () => void): { mirror: TableMirror; changes: Change[] }[] {
    let captured: { mirror: TableMirror; changes: Change[] }[] = [];
    const rollback = new RollbackSignal();
    try {
      this.db.transaction(() => {
        const mirrors = [...this.mirrored.values()].map(({ mirror }) => mirror);
        for (const mirror of mirrors) mirror.clearCaptured();
        flush();
        captured = mirrors.map((mirror) => ({ mirror, changes: mirror.captured() }));
        throw rollback;
      })();
    } catch (e) {
      if (e !== rollback) throw e;
    }
    return captured;
  }

  private async restoreOne(mirror: TableMirror, committed: readonly Position[], partitions: readonly number[], count: number): Promise<void> {
    const topic = mirror.topic;
    if ((await this.log.describeTopic(topic)) === undefined) {
      // A partition per task: task t's changes go to partition t.
      await this.log.createTopic(topic, { partitions: count, replicas: 1, cleanupPolicy: 'compact' }).catch((e: unknown) => {
        // Another instance of the service created it first.
        if (!(e instanceof TopicExistsError)) throw e;
      });
    }
    const local = this.checkpoints.get(topic);
    for (const partition of partitions) {
      const bound = committed.find((c) => c.topic === topic && c.partition === partition)?.offset ?? 0;
      const start = await this.log.startOffset(topic, partition);
      const at = local.get(partition);
      let from = at ?? start;
      // No record of this changelog partition, or one that does not fit it (a newer local file
      // than the changelog, or one that retention has overtaken): start again from the beginning.
      if (at === undefined || at > bound || at < start) {
        this.db.transaction(() => {
          mirror.wipePartition(partition);
          mirror.clearCaptured();
          this.checkpoints.delete(topic, partition);
        })();
        from = start;
      }
      let offset = from;
      while (offset < bound) {
        const { records, next } = await this.log.read(topic, partition, offset, RESTORE_CHUNK);
        const upTo = records.filter((r) => r.offset < bound);
        const reached = Math.min(next, bound);
        this.db.transaction(() => {
          for (const r of upTo) mirror.apply(mirror.fromRecord(r.key, r.value));
          mirror.clearCaptured();
          this.checkpoints.set(topic, partition, reached);
        })();
        // Shorter than its committed position: the topic was created again, and what it holds
        // is all there is.
        if (next <= offset) break;
        offset = reached;
      }
      if (from === bound) this.db.transaction(() => this.checkpoints.set(topic, partition, bound))();
    }
  }
}

class RollbackSignal {}
