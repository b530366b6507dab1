// A persistent query: reads its source topic from committed positions, runs the row
// pipeline, and commits outputs, processing-log records and new positions in one atomic
// Log commit (one SQLite transaction in embedded mode: exactly-once by construction).

import type { Catalog } from '../../planner/catalog.js';
import type { QueryInfo } from '../engine/api.js';
import type { SinkStep } from '../../planner/steps.js';
import type { Log, LogRecord, Position, ProducerRecord } from '../log/log.js';
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

  private readonly log: Log;
  private readonly pipeline: Pipeline;
  private readonly encoder: SinkEncoder;
  private readonly materialize: MaterializedTable | undefined;
  private readonly writeOutputs: boolean;
  private readonly valueWidth: number;
  private readonly batchSize: number;
  private positions: Map<string, Position> | undefined;
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
    this.groupId = groupIdFor(opts.id);
    this.log = opts.log;
    this.pipeline = buildPipeline(opts.sink, opts.catalog, opts.log, this.groupId);
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
    const committed = await this.log.committed(this.groupId);
    const positions = new Map<string, Position>();
    for (const p of committed) positions.set(`${p.topic}/${p.partition}`, p);
    const fresh: Position[] = [];
    const inputs: { topic: string; partition: number }[] = [];
    for (const topic of this.inputTopics) {
      const info = await this.log.describeTopic(topic);
      if (!info) throw new Error(`Topic ${topic} does not exist`);
      for (let p = 0; p < info.partitions; p++) {
        inputs.push({ topic, partition: p });
        const k = `${topic}/${p}`;
        if (!positions.has(k)) {
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
    const next = this.busy.then(() => this.batch());
    this.busy = next.catch(() => undefined);
    return next;
  }

  private async batch(): Promise<number> {
    if (this.stopped || this.state === 'TERMINATED') return 0;
    if (!this.positions) await this.init();
    const positions = this.positions!;
    const outputs: ProducerRecord[] = [];
    const errors: ProducerRecord[] = [];
    const onError = (e: ProcessingError) => {
      this.errorCount++;
      errors.push(processingLogRecord(this.id, e));
    };
    const mv = this.materialize;
    const emit: RowEmitter = (key, value, meta) => {
      if (mv) {
        // Source-row layout: columns, then ROWTIME, ROWPARTITION, ROWOFFSET, window bounds.
        const row: unknown[] = [...key, ...(value ?? new Array(this.valueWidth).fill(null)), BigInt(meta.timestamp), null, null];
        if (meta.window) row.push(meta.window[0], meta.window[1]);
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
    const newPositions: Position[] = [];
    for (const { topic, partition } of this.inputs) {
      const from = positions.get(`${topic}/${partition}`)!.offset;
      const recs = await this.log.fetch(topic, partition, from, this.batchSize);
      if (recs.length === 0) continue;
      batches.push(recs as LogRecord[]);
      newPositions.push({ topic, partition, offset: recs[recs.length - 1]!.offset + 1 });
    }
    if (batches.length === 0) return 0;
    const ordered = batches.length === 1 ? batches[0]! : mergeByTimestamp(batches);
    for (const rec of ordered) this.pipeline.process(rec, onError, emit);
    const out = [];
    if (outputs.length > 0) out.push({ topic: this.sink.topic, records: outputs });
    if (errors.length > 0) out.push({ topic: PROCESSING_LOG_TOPIC, records: errors });
    try {
      await this.log.commit({
        groupId: this.groupId,
        outputs: out,
        positions: newPositions,
        ...(this.pipeline.flushState || mv
          ? {
              state: () => {
                this.pipeline.flushState?.();
                mv?.flush();
                const cutoff = this.pipeline.retentionCutoff?.();
                if (mv && cutoff !== undefined && cutoff > 0) mv.trimWindowsBefore(cutoff);
              },
            }
          : {}),
      });
    } catch (e) {
      // The batch will be read again from the committed positions: forget its state changes.
      this.pipeline.discardState?.();
      mv?.discard();
      throw e;
    }
    for (const np of newPositions) positions.set(`${np.topic}/${np.partition}`, np);
    this.processedCount += ordered.length;
    return ordered.length;
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
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.busy;
    this.loop = undefined;
  }

  /** Input records dropped as late (their window had closed). */
  get lateRecords(): number {
    return this.pipeline.stats?.lateRecords ?? 0;
  }

  /** Stops and deletes the query's state (TERMINATE). */
  async destroy(): Promise<void> {
    await this.stop();
    this.pipeline.destroyState?.();
  }

  /** True when every input partition has been read to its end. */
  async caughtUp(): Promise<boolean> {
    if (!this.positions) return false;
    for (const p of this.positions.values()) {
      if ((await this.log.endOffset(p.topic, p.partition)) > p.offset) return false;
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
