// Transient queries over a topic: push queries (EMIT CHANGES) stream rows until LIMIT or
// until the consumer stops; a bounded scan stops at the end offsets seen when it started
// (ksqlDB's pull query on a stream). Nothing is committed.

import type { Catalog } from '../../planner/catalog.js';
import { sourceSteps, type Step, type StepSchema } from '../../planner/steps.js';
import type { Log } from '../log/log.js';
import type { ProcessingError } from './errors.js';
import { buildPipeline } from './pipeline.js';
import { mergeByTimestamp } from './input-merger.js';
import { tombstoneRows } from './tombstone-row.js';
import type { LogRecord } from '../log/log.js';

export interface TransientQueryOptions {
  readonly root: Step;
  readonly catalog: Catalog;
  readonly log: Log;
  readonly offsetReset: 'earliest' | 'latest';
  readonly limit: number | undefined;
  /** Stop at the end offsets that exist when the query starts. */
  readonly bounded: boolean;
  readonly onError?: (e: ProcessingError) => void;
  /** Transient queries answer in SELECT order: the columns, and each one's slot in the row. */
  readonly columns?: StepSchema['columns'];
  readonly order?: readonly number[];
  /** The result is a table: a row whose value is deleted is a tombstone (see isTombstone). */
  readonly table?: boolean;
}

export interface QueryHandle extends AsyncIterableIterator<unknown[]> {
  readonly columns: StepSchema['columns'];
  /**
   * Whether a row this handle yielded is a table's tombstone: the key was deleted (or stopped
   * matching a filter or HAVING), so the row carries its key and nulls. ksqlDB's /query marks
   * such rows `"tombstone": true`. Rows stay plain arrays for every other consumer.
   */
  isTombstone(row: readonly unknown[]): boolean;
  close(): Promise<void>;
}

/**
 * Starts a transient query. Its start positions are fixed before this resolves, so a row
 * produced after query() returns is always seen, even from 'latest'.
 */
export async function runTransientQuery(opts: TransientQueryOptions): Promise<QueryHandle> {
  // A transient aggregation keeps its state in memory only.
  const pipeline = buildPipeline(opts.root, opts.catalog, undefined, 'transient');
  let closed = false;
  const buffer: unknown[][] = [];
  let emitted = 0;
  const limit = opts.limit;
  const order = opts.order;
  const tombstones = new WeakSet<readonly unknown[]>();
  const tombstoneRow = opts.table === true ? tombstoneRows(opts.root) : undefined;

  // Every partition of every topic the query reads (a join reads several). A table is read
  // from its beginning whatever auto.offset.reset says: a join needs its current state.
  const tableTopics = new Set(sourceSteps(opts.root).filter((s) => s.kind === 'TableSource').map((s) => s.topic));
  const inputs: { topic: string; partition: number; position: number; end: number }[] = [];
  for (const topic of pipeline.topics) {
    const info = await opts.log.describeTopic(topic);
    if (!info) throw new Error(`Topic ${topic} does not exist`);
    for (let p = 0; p < info.partitions; p++) {
      const end = await opts.log.endOffset(topic, p);
      const earliest = opts.offsetReset === 'earliest' || (tableTopics.has(topic) && pipeline.topics.length > 1);
      inputs.push({ topic, partition: p, position: earliest ? await opts.log.startOffset(topic, p) : end, end });
    }
  }

  async function* rows(): AsyncGenerator<unknown[]> {
    const onError = opts.onError ?? (() => undefined);
    while (!closed) {
      const batches: LogRecord[][] = [];
      for (const input of inputs) {
        const max = opts.bounded ? Math.min(1000, input.end - input.position) : 1000;
        if (max <= 0) continue;
        // `next`, not the last offset + 1: under exactly_once_v2 the end offset may sit past a
        // transaction marker, which no record reaches.
        const read = await opts.log.read(input.topic, input.partition, input.position, max);
        // Reading past markers may reach records written after the scan began: not its to show.
        const recs = opts.bounded ? read.records.filter((r) => r.offset < input.end) : read.records;
        input.position = opts.bounded ? Math.min(read.next, input.end) : read.next;
        if (recs.length === 0) continue;
        batches.push(recs as LogRecord[]);
      }
      for (const rec of batches.length === 1 ? batches[0]! : mergeByTimestamp(batches)) {
        pipeline.process(rec, onError, (key, value, meta) => {
          // A stream's null value has no row to show: ksqlDB's transient queries skip it.
          if (value === null && tombstoneRow === undefined) return;
          const row = value === null ? tombstoneRow!(key, meta.window) : [...key, ...value];
          const out = order ? order.map((i) => row[i]) : row;
          if (value === null) tombstones.add(out);
          buffer.push(out);
        });
        while (buffer.length > 0) {
          if (limit !== undefined && emitted >= limit) return;
          emitted++;
          yield buffer.shift()!;
        }
        if (closed || (limit !== undefined && emitted >= limit)) return;
      }
      if (opts.bounded && inputs.every((i) => i.position >= i.end)) return;
      if (batches.length === 0) await opts.log.waitForData(pipeline.topics, 200);
    }
  }

  const gen = rows();
  const handle: QueryHandle = {
    columns: opts.columns ?? pipeline.schema.columns,
    isTombstone: (row) => tombstones.has(row),
    next: () => gen.next(),
    return: async () => {
      closed = true;
      return gen.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return handle;
    },
    async close() {
      closed = true;
      await gen.return(undefined);
    },
  };
  return handle;
}
