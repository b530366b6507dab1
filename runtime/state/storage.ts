// Where persistent queries keep their state, chosen by the engine and passed down, so that no
// operator needs to know which Log it runs on:
// - embedded: the log's own SQLite database, written inside the log's commit transaction;
// - Kafka: a local SQLite file, mirrored to changelog topics in the same Kafka commit as the
//   outputs and input positions, and applied locally once that commit has succeeded.
// Implementations live with the engine (runtime/engine/state/).

import type Database from 'better-sqlite3';
import type { GroupMember, Position, TopicRecords } from '../log/log.js';
import type { MaterializedTable } from '../materialize/materialized-table.js';
import type { KeyValueStore, StateCodec } from './kv-store.js';

/** Opens a query's state stores (operators call this while the pipeline is built). */
export interface StoreOpener {
  openStore(name: string, codec?: StateCodec): KeyValueStore;
}

/** A batch of a persistent query, as it commits. */
export interface BatchCommit {
  readonly groupId: string;
  readonly outputs: readonly TopicRecords[];
  readonly positions: readonly Position[];
  /** Scale-out: the group member committing (see Commit.member). */
  readonly member?: GroupMember;
  /** Scale-out: the task committing (see Commit.task). */
  readonly task?: string;
}

/**
 * One persistent query's state: its stores, its materialised table, and its commits. State is
 * kept per task (a partition number across the query's inputs, as in Kafka Streams), so that
 * a task's state can move to another instance with its partitions: in Kafka mode task t's
 * changes go to partition t of each changelog. Embedded mode has one task, 0.
 */
export interface QueryStorage {
  /** Opens the stores of one task. */
  forTask(task: number): StoreOpener;
  /**
   * Mirrors a materialised table with the query's stores (CTAS results, source tables). Its
   * rows carry their task in ROWPARTITION (pull queries never show it).
   */
  attachTable(table: MaterializedTable): void;
  /**
   * Brings the local state of `tasks` up to what was committed, given the group's committed
   * positions (Kafka: replays partition t of the changelogs, which have `partitions`
   * partitions). Runs before a task reads anything.
   */
  restore(committed: readonly Position[], tasks: readonly number[], partitions: number): Promise<void>;
  /**
   * Forgets the local state of tasks now run elsewhere: their rows leave the materialised
   * table, so this instance's pull queries answer only for its own tasks.
   */
  release(tasks: readonly number[]): void;
  /**
   * Commits a batch: outputs, positions and the state changes that `flush` writes, all or
   * nothing. When it throws nothing was committed, and the caller discards its unflushed state.
   */
  commit(batch: BatchCommit, flush: () => void): Promise<void>;
  /** Deletes the state for good, wherever it is kept (TERMINATE / DROP). */
  destroy(): Promise<void>;
}

export interface StateStorage {
  readonly kind: 'embedded' | 'kafka';
  /** The database holding stores and materialised tables: pull queries read it. */
  readonly database: Database.Database;
  /** The state of the persistent query whose consumer group is `groupId`. */
  forQuery(groupId: string): QueryStorage;
  close(): Promise<void>;
}
