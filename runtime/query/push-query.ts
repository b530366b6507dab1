// Transient queries over a topic: push queries (EMIT CHANGES) stream rows until LIMIT or
// until the consumer stops; a bounded scan stops at the end offsets seen when it started
// (ksqlDB's pull query on a stream). Nothing is committed.

import type { Catalog } from '../../planner/catalog.js';
import type { Step, StepSchema } from '../../planner/steps.js';
import type { Log } from '../log/log.js';
import type { ProcessingError } from './errors.js';
import { buildPipeline } from './pipeline.js';

export interface TransientQueryOptions {
  readonly root: Step;
  readonly catalog: Catalog;
  readonly log: Log;
  readonly offsetReset: 'earliest' | 'latest';
  readonly limit: number | undefined;
  /** Stop at the end offsets that exist when the query starts. */
  readonly bounded: boolean;
  readonly onError?: (e: ProcessingError) => void;
}

export interface QueryHandle extends AsyncIterableIterator<unknown[]> {
  readonly columns: StepSchema['columns'];
  close(): Promise<void>;
}

/**
 * Starts a transient query. Its start positions are fixed before this resolves, so a row
 * produced after query() returns is always seen, even from 'latest'.
 */
export async function runTransientQuery(opts: TransientQueryOptions): Promise<QueryHandle> {
  // A transient aggregation keeps its state in memory only.
  const pipeline = buildPipeline(opts.root, opts.catalog, undefined, 'transient');
  const topic = pipeline.source.topic;
  let closed = false;
  const buffer: unknown[][] = [];
  let emitted = 0;
  const limit = opts.limit;

  const described = await opts.log.describeTopic(topic);
  if (!described) throw new Error(`Topic ${topic} does not exist`);
  const info = described;
  const positions: number[] = [];
  const ends: number[] = [];
  for (let p = 0; p < info.partitions; p++) {
    positions.push(opts.offsetReset === 'earliest' ? await opts.log.startOffset(topic, p) : await opts.log.endOffset(topic, p));
    ends.push(await opts.log.endOffset(topic, p));
  }

  async function* rows(): AsyncGenerator<unknown[]> {
    const onError = opts.onError ?? (() => undefined);
    while (!closed) {
      let got = 0;
      for (let p = 0; p < info.partitions && !closed; p++) {
        const max = opts.bounded ? Math.min(1000, ends[p]! - positions[p]!) : 1000;
        if (max <= 0) continue;
        const recs = await opts.log.fetch(topic, p, positions[p]!, max);
        got += recs.length;
        for (const rec of recs) {
          pipeline.process(rec, onError, (key, value) => {
            buffer.push(value === null ? [...key, ...new Array(pipeline.schema.columns.length - key.length).fill(null)] : [...key, ...value]);
          });
          positions[p] = rec.offset + 1;
        }
        while (buffer.length > 0) {
          if (limit !== undefined && emitted >= limit) return;
          emitted++;
          yield buffer.shift()!;
        }
        if (limit !== undefined && emitted >= limit) return;
      }
      if (opts.bounded && positions.every((pos, i) => pos >= ends[i]!)) return;
      if (got === 0) await opts.log.waitForData([topic], 200);
    }
  }

  const gen = rows();
  const handle: QueryHandle = {
    columns: pipeline.schema.columns,
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
