// A persistent query: reads its source topic from committed positions, runs the row
// pipeline, and commits outputs, processing-log records, new positions and state changes
// atomically through its QueryStorage (one SQLite transaction in embedded mode: exactly-once
// by construction; in Kafka mode a Kafka commit with changelogs, see runtime/engine/state/).

import type { Catalog } from '../../planner/catalog.js';
import type { QueryInfo } from '../engine/api.js';
import type { SinkStep } from '../../planner/steps.js';
import type { Log, LogRecord, Position, ProducerRecord, TopicRecords } from '../log/log.js';
import type { QueryStorage } from '../state/storage.js';
import { mergeByTimestamp } from './input-merger.js';
import type { MaterializedTable } from '../materialize/materialized-table.js';
import type { ProcessingError } from './errors.js';
import { PROCESSING_LOG_TOPIC, processingLogRecord } from './processing-log.js';
import type { RowEmitter } from './row-pipeline.js';
import { buildPipeline, type Pipeline } from './pipeline.js';
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
  state: QueryState = 'RUNNING';
  lastError: string | undefined;
  /** Records this query could not process (also in the processing log). */
  errorCount = 0;
  processedCount = 0;
  /** Records written to the sink topic (committed). */
  outputCount = 0;

  private readonly log: Log;
  private readonly storage: QueryStorage;
  private readonly pipeline: Pipeline;
  private readonly encoder: SinkEncoder;
  private readonly materialize: MaterializedTable | undefined;
  private readonly writeOutputs: boolean;
  private readonly valueWidth: number;
  private readonly batchSize: number;
  /** Read positions: where the next batch starts (ahead of the committed ones while `pending`). */
  private positions: Map<string, Position> | undefined;
  /** Processed but not yet committed (only between batches when commits are on an interval). */
  private pending: PendingCommit | undefined;
  private readonly commitIntervalMs: number;
  private lastCommit = 0;
  private inputs: { topic: string; partition: number }[] = [];
  private busy: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly offsetReset: 'earliest' | 'latest';

  constructor(opts: PersistentQueryOptions) {
    this.id = opts.id;
    this.sql = opts.sql;
    this.sink = opts.sink;
    this.sources = opts.sources;
    this.groupId = opts.groupId ?? groupIdFor(opts.id);
    this.log = opts.log;
    this.storage = opts.storage;
    this.pipeline = buildPipeline(opts.sink, opts.catalog, opts.storage, this.groupId);
    if (opts.materialize) opts.storage.attachTable(opts.materialize);
    this.commitIntervalMs = opts.commitIntervalMs ?? 0;
    this.encoder = buildSinkEncoder(opts.sink, opts.catalog);
    this.batchSize = opts.batchSize ?? 2000;
    this.materialize = opts.materialize;
    this.writeOutputs = opts.writeOutputs ?? true;
    this.valueWidth = opts.sink.schema.columns.filter((c) => c.role !== 'KEY').length;
    this.offsetReset = opts.offsetReset;
  }

  /** The topics this query reads. */
  get inputTopics(): readonly string[] {
    return this.pipeline.topics;
  }

  /**
   * Loads committed positions; partitions never committed start per auto.offset.reset, and
   * that start is committed at once so a restart resumes from the same place.
   */
  async init(): Promise<void> {
    this.pending = undefined;
    const committed = await this.log.committed(this.groupId);
    // Before anything is read: the state must be the one the committed positions resume from.
    await this.storage.restore(committed);
    const saved = new Map<string, Position>();
    for (const p of committed) saved.set(`${p.topic}/${p.partition}`, p);
    // Only input positions: the group also holds its changelogs' committed ends.
    const positions = new Map<string, Position>();
    const fresh: Position[] = [];
    const inputs: { topic: string; partition: number }[] = [];
    for (const topic of this.inputTopics) {
      const info = await this.log.describeTopic(topic);
      if (!info) throw new Error(`Topic ${topic} does not exist`);
      for (let p = 0; p < info.partitions; p++) {
        inputs.push({ topic, partition: p });
        const k = `${topic}/${p}`;
        const at = saved.get(k);
        if (at !== undefined) positions.set(k, at);
        else {
          const off = this.offsetReset === 'earliest' ? await this.log.startOffset(topic, p) : await this.log.endOffset(topic, p);
          positions.set(k, { topic, partition: p, offset: off });
          fresh.push({ topic, partition: p, offset: off });
        }
      }
    }
    if (fresh.length > 0) await this.log.commit({ groupId: this.groupId, outputs: [], positions: fresh });
    this.inputs = inputs;
    this.positions = positions;
  }

  /** Processes at most one batch per input partition. Returns how many input records it consumed. */
  runOnce(): Promise<number> {
    return this.exclusive(() => this.batch());
  }

  private async batch(): Promise<number> {
    if (this.stopped || this.state === 'TERMINATED') return 0;
    if (!this.positions) await this.init();
    const positions = this.positions!;
    const pending = (this.pending ??= emptyPending());
    const { outputs, errors } = pending;
    const onError = (e: ProcessingError) => {
      this.errorCount++;
      errors.push(processingLogRecord(this.id, e));
    };
    const mv = this.materialize;
    const emit: RowEmitter = (key, value, meta) => {
      if (mv) {
        // Source-row layout: columns, then ROWTIME, ROWPARTITION, ROWOFFSET, window bounds.
        // Filled in place: one row per emitted change, so spreads would cost on every one.
        const width = key.length + this.valueWidth;
        const row = new Array<unknown>(width + (meta.window ? 5 : 3));
        for (let i = 0; i < key.length; i++) row[i] = key[i];
        for (let i = 0; i < this.valueWidth; i++) row[key.length + i] = value === null ? null : value[i];
        row[width] = BigInt(meta.timestamp);
        row[width + 1] = null;
        row[width + 2] = null;
        if (meta.window) {
          row[width + 3] = meta.window[0];
          row[width + 4] = meta.window[1];
        }
        if (value === null) mv.delete(row);
        else mv.upsert(row);
      }
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
    for (const { topic, partition } of this.inputs) {
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
      await this.commitPending();
      return 0;
    }
    // An array of our own, dropped entry by entry: a record becomes garbage once processed
    // instead of surviving, with its buffers, every scavenge until the batch ends (GC was a
    // sixth of a run's time).
    const ordered: (LogRecord | undefined)[] = batches.length === 1 ? batches[0]!.slice() : mergeByTimestamp(batches);
    batches.length = 0;
    const count = ordered.length;
    for (let i = 0; i < count; i++) {
      const rec = ordered[i]!;
      ordered[i] = undefined;
      this.pipeline.process(rec, onError, emit);
    }
    pending.records += count;
    if (!behind || Date.now() - this.lastCommit >= this.commitIntervalMs) await this.commitPending();
    return count;
  }

  /** Commits what was processed since the last commit: outputs, positions and state together. */
  private async commitPending(): Promise<void> {
    const pending = this.pending;
    if (pending === undefined || pending.records === 0) return;
    this.pending = undefined;
    const mv = this.materialize;
    const out: TopicRecords[] = [];
    if (pending.outputs.length > 0) out.push({ topic: this.sink.topic, records: pending.outputs });
    if (pending.errors.length > 0) out.push({ topic: PROCESSING_LOG_TOPIC, records: pending.errors });
    try {
      await this.storage.commit({ groupId: this.groupId, outputs: out, positions: [...pending.positions.values()] }, () => {
        this.pipeline.flushState?.();
        mv?.flush();
        const cutoff = this.pipeline.retentionCutoff?.();
        if (mv && cutoff !== undefined && cutoff > 0) mv.trimWindowsBefore(cutoff);
      });
    } catch (e) {
      // The batch is read again from the committed positions: forget its state changes. In
      // Kafka mode part of it may have been committed (outputs without positions, or Kafka
      // without the local file), so the next batch starts over from what the log says was
      // committed, with the state restored to match (init).
      this.pipeline.discardState?.();
      mv?.discard();
      this.positions = undefined;
      throw e;
    }
    this.lastCommit = Date.now();
    this.processedCount += pending.records;
    this.outputCount += pending.outputs.length;
  }

  /** Runs until stopped: a batch whenever data arrives. */
  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = (async () => {
      let backoff = 100;
      while (!this.stopped) {
        try {
          const n = await this.runOnce();
          if (this.state === 'ERROR') this.state = 'RUNNING';
          backoff = 100;
          if (n === 0 && !this.stopped) {
            await Promise.race([
              this.log.waitForData(this.inputTopics, 250),
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
    // is processed again after a restart. A failure only means it will be.
    if (this.pending?.records) await this.exclusive(() => this.commitPending()).catch(() => undefined);
  }

  private async halt(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.busy;
    this.loop = undefined;
  }

  /** Runs `work` when no batch is running (batches and commits never overlap). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.busy.then(work);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** Input records dropped as late (their window had closed). */
  get lateRecords(): number {
    return this.pipeline.stats?.lateRecords ?? 0;
  }

  /** Stops and deletes the query's state (TERMINATE). */
  async destroy(): Promise<void> {
    await this.halt();
    this.pending = undefined;
    this.pipeline.destroyState?.();
    await this.storage.destroy();
  }

  /** True when every input partition has been read to its end. */
  async caughtUp(): Promise<boolean> {
    if (!this.positions || (this.pending?.records ?? 0) > 0) return false;
    for (const p of this.positions.values()) {
      if ((await this.log.endOffset(p.topic, p.partition)) > p.offset) return false;
    }
    return true;
  }
}

interface PendingCommit {
  readonly outputs: ProducerRecord[];
  readonly errors: ProducerRecord[];
  /** Input positions after the records processed, by `topic/partition`. */
  readonly positions: Map<string, Position>;
  records: number;
}

function emptyPending(): PendingCommit {
  return { outputs: [], errors: [], positions: new Map(), records: 0 };
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
