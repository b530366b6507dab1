// Push-query latency: with a push query on the bid stream running from 'latest' (the default),
// produce new bids through the log one at a time, then in batches of 10, and time each row
// from the produce call to the row coming out of the query's iterator. Each produce waits for
// the rows it should yield before the next one (a closed loop), so no row waits behind
// another produce. There is no baseline: a hand-written loop would only time the log.

import { Engine } from '../../runtime/engine/engine.js';
import type { QueryHandle } from '../../runtime/query/push-query.js';
import { percentiles } from './latency.js';
import { generateEvents } from './nexmark/generator.js';
import { BID_PROPORTION, DEFAULT_CONFIG, TOTAL_PROPORTION, type Bid } from './nexmark/model.js';
import { BID_TOPIC, toRecord } from './nexmark/records.js';

/** A filter and a projection, so each record is decoded and evaluated, and some are dropped. */
export const PUSH_SQL = 'SELECT auction, bidder, price, channel FROM bid WHERE price > 10000 EMIT CHANGES;';
/** PUSH_SQL's filter: which produced bids must come out as rows. */
const passes = (b: Bid) => b.price > 10_000;

/** A produce that yields no row in this long is a bug, not a slow run. */
const ROW_TIMEOUT_MS = 10_000;

export interface PushOptions {
  /** Single-record produces, measured after `warmup` more. */
  readonly singles: number;
  /** Produces of BATCH records each. */
  readonly batches: number;
  readonly warmup: number;
  /** The generator's seed for the new bids (not the data set's, so they are new events). */
  readonly seed: number;
}

export const BATCH = 10;

export interface PushLatency {
  readonly produces: number;
  /** Rows out (the bids the filter keeps): the latency samples. */
  readonly rows: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The produce call alone (one atomic append with its fsync): the log's share of the latency. */
  readonly produceP50Ms: number;
}

export interface PushMeasurement {
  readonly single: PushLatency;
  readonly batch: PushLatency;
}

export async function runPush(dataDir: string, opts: PushOptions): Promise<PushMeasurement> {
  const engine = new Engine({ dataDir });
  let handle: QueryHandle | undefined;
  try {
    const log = await engine.log();
    handle = await engine.query(PUSH_SQL);
    const rowsOf = handle;
    const bids = newBids(opts.seed, opts.warmup + opts.singles + opts.batches * BATCH);
    let next = 0;
    const take = (n: number) => bids.slice(next, (next += n));

    /** Produces one group of bids and waits for its rows; latencies in ms. */
    const produce = async (group: readonly Bid[]): Promise<{ rows: number[]; produceMs: number }> => {
      const expected = group.filter(passes);
      const t0 = performance.now();
      await log.produce(BID_TOPIC, group.map((bid) => toRecord({ kind: 'bid', bid }).record));
      const produceMs = performance.now() - t0;
      const rows: number[] = [];
      while (expected.length > 0) {
        const row = await withTimeout(rowsOf.next());
        if (row.done) throw new Error('the push query ended');
        rows.push(performance.now() - t0);
        // Within a batch, rows come partition by partition, not in produce order.
        const i = expected.findIndex((b) => sameBid(row.value, b));
        if (i < 0) throw new Error(`unexpected row ${stringify(row.value)}; expected one of ${stringify(expected)}`);
        expected.splice(i, 1);
      }
      return { rows, produceMs };
    };

    const measure = async (produces: number, size: number): Promise<PushLatency> => {
      const rows: number[] = [];
      const produceMs: number[] = [];
      for (let i = 0; i < produces; i++) {
        const r = await produce(take(size));
        rows.push(...r.rows);
        produceMs.push(r.produceMs);
      }
      const p = percentiles(rows);
      return { produces, rows: rows.length, p50Ms: p.p50, p99Ms: p.p99, produceP50Ms: percentiles(produceMs).p50 };
    };

    for (let i = 0; i < opts.warmup; i++) await produce(take(1));
    const single = await measure(opts.singles, 1);
    const batch = await measure(opts.batches, BATCH);
    return { single, batch };
  } finally {
    await handle?.close();
    await engine.close();
  }
}

function newBids(seed: number, n: number): Bid[] {
  const bids: Bid[] = [];
  const events = Math.ceil((n * TOTAL_PROPORTION) / BID_PROPORTION) + TOTAL_PROPORTION;
  for (const e of generateEvents({ ...DEFAULT_CONFIG, seed, events })) {
    if (e.kind === 'bid') bids.push(e.bid);
    if (bids.length === n) return bids;
  }
  throw new Error(`the generator gave ${bids.length} bids, wanted ${n}`);
}

function sameBid(row: readonly unknown[], b: Bid): boolean {
  return String(row[0]) === String(b.auction) && String(row[1]) === String(b.bidder) && String(row[2]) === String(b.price) && row[3] === b.channel;
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no row ${ROW_TIMEOUT_MS} ms after the produce`)), ROW_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const stringify = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
