// A persistent query: reads its source topic from committed positions, runs the row
// pipeline, and commits outputs, processing-log records, new positions and state changes
// atomically through its QueryStorage (one SQLite transaction in embedded mode: exactly-once
// by construction; in Kafka mode a Kafka commit with changelogs, see runtime/engine/state/).

import type { Catalog } from '../../planner/catalog.js';
import type { QueryInfo } from '../engine/api.js';
import type { SinkStep } from '../../planner/steps.js';
import type { GroupListener, GroupMember, GroupMembership, GroupOptions, Log, LogRecord, Position, TopicPartition, TopicRecords } from '../log/log.js';
import { sourceSteps } from '../../planner/steps.js';
import type { TaskOwnership } from './ownership.js';
import { runsAsTasks } from '../../planner/repartition.js';
import { emptyPending, materializer, type Task } from './query-task.js';
import type { QueryStorage } from '../state/storage.js';
import { mergeByTimestamp } from './input-merger.js';
import type { MaterializedTable } from '../materialize/materialized-table.js';
import type { ProcessingError } from './errors.js';
import { PROCESSING_LOG_TOPIC, processingLogRecord } from './processing-log.js';
import type { RowEmitter } from './row-pipeline.js';
import { buildPipeline } from './pipeline.js';
import { buildSinkEncoder, InvalidTimestampError, type SinkEncoder } from './sink-encoder.js';

export type QueryState = 'RUNNING' | 'ERROR' | 'TERMINATED';

export interface PersistentQueryOptions {
  readonly id: string;
  readonly sql: string;
  readonly sink: SinkStep;
  readonly sources: readonly string[];
  readonly catalog: Catalog;
  readonly log: Log;
  /** Where its state lives and how its batches commit (the engine's StateStorage.forQuery). */
  readonly storage: QueryStorage;
  /** Its consumer group (default groupIdFor(id)); it also names state stores and changelogs. */
  readonly groupId?: string;
  /**
   * Commit at most this often while input keeps coming (0: after every batch). A commit also
   * happens whenever the input has been read to its end, so an idle query waits for nothing.
   * Kafka mode uses 100 ms, as Kafka Streams does: a transaction costs tens of milliseconds.
   */
  readonly commitIntervalMs?: number;
  /** Where to start on partitions with no committed position. */
  readonly offsetReset: 'earliest' | 'latest';
  readonly batchSize?: number;
  /** The table this query's rows are materialised into (CTAS results, source tables). */
  readonly materialize?: MaterializedTable;
  /**
   * False for a table's own materialiser: it reads the table's topic and only maintains the
   * materialised view, writing no records.
   */
  readonly writeOutputs?: boolean;
  /**
   * Scale-out (Kafka mode): the query's consumer group shares its tasks between the instances
   * of the service; each task is one partition number with its own state.
   */
  readonly scaleOut?: ScaleOut;
}

export interface ScaleOut {
  /** This instance's REST URL, which the group hands to every member (pull-query forwarding). */
  readonly endpoint: string;
  /** Session and rebalance timeouts of the query's group membership. */
  readonly group?: GroupOptions;
  /**
   * Each task commits in a transaction of its own (exactly_once_v2: a task's transactional id
   * lets its next owner fence it at once). Otherwise the tasks due commit together.
   */
  readonly taskTransactions: boolean;
}

export function groupIdFor(queryId: string): string {
  return `_sluice_query_${queryId}`;
}

export class PersistentQuery {
  readonly id: string;
  readonly sql: string;
  readonly sink: SinkStep;
  readonly sources: readonly string[];
  readonly groupId: string;
  /** The topics this query reads. */
  readonly inputTopics: readonly string[];
  state: QueryState = 'RUNNING';
  lastError: string | undefined;
  /** Records this query could not process (also in the processing log). */
  errorCount = 0;
  processedCount = 0;
  /** Records written to the sink topic (committed). */
  outputCount = 0;

  private readonly log: Log;
  private readonly catalog: Catalog;
  private readonly storage: QueryStorage;
  private readonly encoder: SinkEncoder;
  private readonly materialize: MaterializedTable | undefined;
  private readonly writeOutputs: boolean;
  private readonly valueWidth: number;
  private readonly batchSize: number;
  private readonly commitIntervalMs: number;
  private readonly offsetReset: 'earliest' | 'latest';
  private readonly scaleOut: ScaleOut | undefined;
  /** One task for every input partition number, or a single task (planner/repartition.ts: runsAsTasks). */
  private readonly oneTask: boolean;
  /** The tasks this instance runs now, by task number (embedded: task 0, every partition). */
  private tasks = new Map<number, Task>();
  /** The tasks there are: partitions per input topic, or 1 for a one-task query. */
  private partitions = 0;
  /** Partitions per input topic: what a key's partition is computed modulo. */
  private inputPartitions = 0;
  private membership: GroupMembership | undefined;
  private joining: Promise<void> | undefined;
  private member: GroupMember | undefined;
  /** Late records counted by tasks since moved elsewhere (lateRecords stays monotonic). */
  private lateOfGoneTasks = 0;
  private busy: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(opts: PersistentQueryOptions) {
    this.id = opts.id;
    this.sql = opts.sql;
    this.sink = opts.sink;
    this.sources = opts.sources;
    this.groupId = opts.groupId ?? groupIdFor(opts.id);
    this.log = opts.log;
    this.catalog = opts.catalog;
    this.storage = opts.storage;
    this.inputTopics = [...new Set(sourceSteps(opts.sink).map((s) => s.topic))];
    if (opts.materialize) opts.storage.attachTable(opts.materialize);
    this.commitIntervalMs = opts.commitIntervalMs ?? 0;
    this.encoder = buildSinkEncoder(opts.sink, opts.catalog);
    this.batchSize = opts.batchSize ?? 2000;
    this.materialize = opts.materialize;
    this.writeOutputs = opts.writeOutputs ?? true;
    this.valueWidth = opts.sink.schema.columns.filter((c) => c.role !== 'KEY').length;
    this.offsetReset = opts.offsetReset;
    this.scaleOut = opts.scaleOut !== undefined && opts.log.joinGroup !== undefined ? opts.scaleOut : undefined;
    this.oneTask = this.scaleOut === undefined || !runsAsTasks(opts.sink);
  }

  /**
   * Gets the query's tasks ready: restores their state and loads committed positions;
   * partitions never committed start per auto.offset.reset, and that start is committed at
   * once so a restart resumes from the same place. Scale-out: joins the query's consumer
   * group, whose assignments bring the tasks (and take them away) from then on.
   */
  async init(): Promise<void> {
    if (this.scaleOut) {
      if (this.membership) return;
      // One membership per query: a join in flight is awaited, never started twice.
      this.joining ??= this.join().finally(() => (this.joining = undefined));
      return this.joining;
    }
    await this.exclusive(() => this.assignAll());
  }

  private async join(): Promise<void> {
    const scaleOut = this.scaleOut!;
    const listener: GroupListener = {
      onAssigned: (partitions, member) => this.exclusive(() => this.assigned(partitions, member)),
      onRevoked: () => this.exclusive(() => this.revoked()),
    };
    this.membership = await this.log.joinGroup!(this.groupId, this.inputTopics, listener, {
      ...scaleOut.group,
      endpoint: scaleOut.endpoint,
      oneTask: this.oneTask,
    });
  }

  /** Without a group: this instance runs every partition, as task 0. */
  private async assignAll(): Promise<void> {
    const all: TopicPartition[] = [];
    for (const topic of this.inputTopics) {
      const info = await this.log.describeTopic(topic);
      if (!info) throw new Error(`Topic ${topic} does not exist`);
      for (let p = 0; p < info.partitions; p++) all.push({ topic, partition: p });
    }
    this.dropTasks();
    this.partitions = 1;
    this.tasks = new Map([[0, this.newTask(0, all)]]);
    await this.prepare([...this.tasks.values()]);
  }

  /** A new assignment: the tasks it names, their state restored; the rest's local state let go. */
  private async assigned(partitions: readonly TopicPartition[], member: GroupMember): Promise<void> {
    this.member = member;
    const counts = await Promise.all(this.inputTopics.map(async (t) => (await this.log.describeTopic(t))?.partitions ?? 0));
    const count = Math.max(0, ...counts);
    this.inputPartitions = count;
    this.partitions = this.oneTask ? 1 : count;
    const byTask = new Map<number, TopicPartition[]>();
    for (const tp of partitions) {
      const task = this.oneTask ? 0 : tp.partition;
      let inputs = byTask.get(task);
      if (!inputs) byTask.set(task, (inputs = []));
      inputs.push(tp);
    }
    this.dropTasks();
    const others = Array.from({ length: this.partitions }, (_, t) => t).filter((t) => !byTask.has(t));
    this.storage.release(others);
    this.tasks = new Map([...byTask].map(([task, inputs]) => [task, this.newTask(task, inputs)]));
    await this.prepare([...this.tasks.values()]);
  }

  /** Eager rebalance: commit what was processed while the generation still holds, then stop every task. */
  private async revoked(): Promise<void> {
    for (const task of this.tasks.values()) {
      // A failure only means the batch is processed again, by whichever member gets the task.
      await this.commitPending(task).catch(() => undefined);
    }
    this.dropTasks();
    this.member = undefined;
  }

  private newTask(id: number, inputs: readonly TopicPartition[]): Task {
    // Each task has its own pipeline: its own state stores, stream time and windows.
    const pipeline = buildPipeline(this.sink, this.catalog, this.storage.forTask(id), this.groupId);
    return { id, inputs, pipeline, materialize: this.materialize?.fork(), positions: undefined, pending: undefined, lastCommit: 0 };
  }

  private dropTasks(): void {
    for (const task of this.tasks.values()) this.lateOfGoneTasks += task.pipeline.stats?.lateRecords ?? 0;
    this.tasks = new Map();
  }

  /** Restores tasks' state to the committed positions, then positions them there. */
  private async prepare(tasks: readonly Task[]): Promise<void> {
    if (tasks.length === 0) return;
    const committed = await this.log.committed(this.groupId);
    // Before anything is read: the state must be the one the committed positions resume from.
    await this.storage.restore(
      committed,
      tasks.map((t) => t.id),
      this.partitions,
    );
    const saved = new Map<string, Position>();
    for (const p of committed) saved.set(`${p.topic}/${p.partition}`, p);
    for (const task of tasks) {
      task.pipeline.discardState?.();
      task.materialize?.discard();
      task.pending = undefined;
      // Only input positions: the group also holds its changelogs' committed ends.
      const positions = new Map<string, Position>();
      const fresh: Position[] = [];
      for (const { topic, partition } of task.inputs) {
        const k = `${topic}/${partition}`;
        const at = saved.get(k);
        if (at !== undefined) positions.set(k, at);
        else {
          const off = this.offsetReset === 'earliest' ? await this.log.startOffset(topic, partition) : await this.log.endOffset(topic, partition);
          positions.set(k, { topic, partition, offset: off });
          fresh.push({ topic, partition, offset: off });
        }
      }
      if (fresh.length > 0) await this.log.commit({ groupId: this.groupId, outputs: [], positions: fresh, ...this.committer(task) });
      task.positions = positions;
    }
  }

  /** What a task's commits carry in scale-out: the member (generation) and the task. */
  private committer(task: Task): { member?: GroupMember; task?: string } {
    if (!this.scaleOut || !this.member) return {};
    return { member: this.member, task: String(task.id) };
  }

  /** Processes at most one batch per input partition. Returns how many input records it consumed. */
  runOnce(): Promise<number> {
    return this.exclusive(() => this.batch());
  }

  private async batch(): Promise<number> {
    if (this.stopped || this.state === 'TERMINATED') return 0;
    if (!this.scaleOut && this.tasks.size === 0) await this.assignAll();
    let count = 0;
    const due: Task[] = [];
    for (const task of this.tasks.values()) count += await this.taskBatch(task, due);
    await this.commitTasks(due);
    return count;
  }

  /** Processes a batch of one task; a task whose commit is due goes on `due`. */
  private async taskBatch(task: Task, due: Task[]): Promise<number> {
    // After a failed commit: start over from what the log says was committed.
    if (!task.positions) await this.prepare([task]);
    const positions = task.positions!;
    const pending = (task.pending ??= emptyPending());
    const { outputs, errors } = pending;
    const onError = (e: ProcessingError) => {
      this.errorCount++;
      errors.push(processingLogRecord(this.id, e));
    };
    // Scale-out: a materialised row carries its task, so the task's rows can move with it.
    const materialize = task.materialize ? materializer(task.materialize, this.valueWidth, this.scaleOut ? task.id : null) : undefined;
    const emit: RowEmitter = (key, value, meta) => {
      materialize?.(key, value, meta);
      if (!this.writeOutputs) return;
      try {
        outputs.push(this.encoder.encode(key, value, meta));
      } catch (e) {
        onError({
          kind: e instanceof InvalidTimestampError ? 'TIMESTAMP' : 'SERIALIZATION',
          message: e instanceof Error ? e.message : String(e),
          record: meta.record,
        });
      }
    };
    const batches: LogRecord[][] = [];
    // A partition with more to read than one batch: the input is not drained yet.
    let behind = false;
    for (const { topic, partition } of task.inputs) {
      const k = `${topic}/${partition}`;
      const from = positions.get(k)!.offset;
      const { records, next } = await this.log.read(topic, partition, from, this.batchSize);
      // Moves past what holds no record too (Kafka's transaction markers): caughtUp() needs it.
      if (next !== from) positions.set(k, { topic, partition, offset: next });
      if (records.length === 0) continue;
      if (records.length >= this.batchSize) behind = true;
      batches.push(records as LogRecord[]);
      pending.positions.set(k, { topic, partition, offset: next });
    }
    if (batches.length === 0) {
      // Read to the end: what earlier batches left pending (commits on an interval) goes now.
      due.push(task);
      return 0;
    }
    // An array of our own, dropped entry by entry: a record becomes garbage once processed
    // instead of surviving, with its buffers, every scavenge until the batch ends (GC was a
    // sixth of a run's time).
    const ordered: (LogRecord | undefined)[] = batches.length === 1 ? batches[0]!.slice() : mergeByTimestamp(batches);
    batches.length = 0;
    const count = ordered.length;
    const pipeline = task.pipeline;
    for (let i = 0; i < count; i++) {
      const rec = ordered[i]!;
      ordered[i] = undefined;
      pipeline.process(rec, onError, emit);
    }
    pending.records += count;
    if (!behind || Date.now() - task.lastCommit >= this.commitIntervalMs) due.push(task);
    return count;
  }

  /** Commits what a task processed since its last commit: outputs, positions and state together. */
  private commitPending(task: Task): Promise<void> {
    return this.commitTasks([task]);
  }

  /**
   * Commits what tasks processed since their last commits: outputs, positions and state
   * together, in one Log commit. All tasks share one only when they may (see
   * ScaleOut.taskTransactions); otherwise each task commits on its own.
   */
  private async commitTasks(tasks: readonly Task[]): Promise<void> {
    const ready = tasks.filter((t) => (t.pending?.records ?? 0) > 0);
    if (ready.length === 0) return;
    if (ready.length > 1 && this.scaleOut?.taskTransactions) {
      for (const task of ready) await this.commitTasks([task]);
      return;
    }
    const pendings = ready.map((t) => t.pending!);
    for (const task of ready) task.pending = undefined;
    const outputs = pendings.flatMap((p) => p.outputs);
    const errors = pendings.flatMap((p) => p.errors);
    const out: TopicRecords[] = [];
    if (outputs.length > 0) out.push({ topic: this.sink.topic, records: outputs });
    if (errors.length > 0) out.push({ topic: PROCESSING_LOG_TOPIC, records: errors });
    const positions = pendings.flatMap((p) => [...p.positions.values()]);
    // A single task names itself (its transactional id); several commit as the member.
    const committer = ready.length === 1 ? this.committer(ready[0]!) : { ...(this.member ? { member: this.member } : {}) };
    try {
      await this.storage.commit({ groupId: this.groupId, outputs: out, positions, ...committer }, () => {
        for (const task of ready) {
          const mv = task.materialize;
          task.pipeline.flushState?.();
          mv?.flush();
          const cutoff = task.pipeline.retentionCutoff?.();
          if (mv && cutoff !== undefined && cutoff > 0) mv.trimWindowsBefore(cutoff, this.scaleOut ? task.id : undefined);
        }
      });
    } catch (e) {
      // The batch is read again from the committed positions: forget its state changes. In
      // Kafka mode part of it may have been committed (outputs without positions, or Kafka
      // without the local file), so the next batch starts over from what the log says was
      // committed, with the state restored to match (prepare).
      for (const task of ready) {
        task.pipeline.discardState?.();
        task.materialize?.discard();
        task.positions = undefined;
      }
      throw e;
    }
    const now = Date.now();
    for (const task of ready) task.lastCommit = now;
    for (const p of pendings) {
      this.processedCount += p.records;
      this.outputCount += p.outputs.length;
    }
  }

  /** Runs until stopped: a batch whenever data arrives. */
  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = (async () => {
      let backoff = 100;
      while (!this.stopped) {
        try {
          // Scale-out: a query whose first join failed (say the broker was away) joins now.
          // Not inside runOnce: joining awaits the first assignment, which waits for batches.
          if (this.scaleOut && !this.membership) await this.init();
          const n = await this.runOnce();
          if (this.state === 'ERROR') this.state = 'RUNNING';
          backoff = 100;
          if (n === 0 && !this.stopped) {
            await Promise.race([
              // No tasks here (scale-out, between assignments or none given): nothing to read,
              // so no data to wait for either; waitForData may answer at once, and the loop
              // would spin without ever yielding to the I/O that brings the next assignment.
              this.tasks.size === 0 ? new Promise((r) => setTimeout(r, 100)) : this.log.waitForData(this.inputTopics, 250),
              new Promise<void>((r) => (this.wake = r)),
            ]);
          }
          // The embedded log answers synchronously, so without this the loop would run as
          // one long chain of microtasks and starve timers, I/O and other queries.
          else await new Promise((r) => setImmediate(r));
        } catch (e) {
          // A failure outside record processing (e.g. the log): stay alive and retry, as a
          // ksqlDB query in ERROR state is retried.
          this.state = 'ERROR';
          this.lastError = e instanceof Error ? e.message : String(e);
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, 5000);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    await this.halt();
    // A clean stop commits what it processed (commits may be on an interval), so that nothing
    // is processed again after a restart. A failure only means it will be. Leaving the group
    // revokes the tasks, which commits them.
    if (this.membership) await this.leave();
    else for (const task of this.tasks.values()) await this.exclusive(() => this.commitPending(task)).catch(() => undefined);
  }

  private async leave(): Promise<void> {
    const membership = this.membership;
    this.membership = undefined;
    await membership?.leave().catch(() => undefined);
  }

  private async halt(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.busy;
    this.loop = undefined;
  }

  /** Runs `work` when no batch is running (batches, commits and rebalances never overlap). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.busy.then(work);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** Input records dropped as late (their window had closed). */
  get lateRecords(): number {
    let n = this.lateOfGoneTasks;
    for (const task of this.tasks.values()) n += task.pipeline.stats?.lateRecords ?? 0;
    return n;
  }

  /** Scale-out: which instance runs which task (undefined when this instance runs them all). */
  ownership(): TaskOwnership | undefined {
    if (!this.scaleOut || !this.membership) return undefined;
    const local = new Set<number>();
    for (const task of this.tasks.values()) for (const { partition } of task.inputs) local.add(partition);
    return {
      partitions: this.inputPartitions,
      owners: this.membership.owners(),
      local,
      self: this.scaleOut.endpoint,
      keySource: sourceSteps(this.sink)[0]!,
    };
  }

  /** Stops and deletes the query's state (TERMINATE). */
  async destroy(): Promise<void> {
    await this.halt();
    await this.leave();
    for (const task of this.tasks.values()) {
      task.pending = undefined;
      task.pipeline.destroyState?.();
    }
    this.dropTasks();
    await this.storage.destroy();
  }

  /** True when every input partition this instance runs has been read to its end. */
  async caughtUp(): Promise<boolean> {
    // Scale-out between assignments: nothing is known to be read.
    if (this.scaleOut && this.member === undefined) return false;
    if (!this.scaleOut && this.tasks.size === 0) return false;
    for (const task of this.tasks.values()) {
      if (!task.positions || (task.pending?.records ?? 0) > 0) return false;
      for (const p of task.positions.values()) {
        if ((await this.log.endOffset(p.topic, p.partition)) > p.offset) return false;
      }
    }
    return true;
  }
}

/** A persistent query as the facade and SHOW QUERIES describe it. */
export function queryInfo(q: PersistentQuery): QueryInfo {
  return {
    id: q.id,
    sql: q.sql,
    sinks: [q.sink.sink],
    sources: q.sources,
    state: q.state === 'ERROR' ? 'ERROR' : 'RUNNING',
    queryType: 'PERSISTENT',
  };
}
