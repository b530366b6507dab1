// One side of a stream-stream join: its recent rows by join key and time, as Kafka Streams'
// join window store keeps them. Rows older than the retention (window size plus grace) behind
// the newest time seen are expired: fetches skip them, and they are deleted as time moves on,
// so the state stays bounded.
//
// Rows are grouped per key into time buckets about as wide as the join window, so a fetch
// reads two or three entries whatever the retention. One key/value store holds everything,
// told apart by key prefix:
//   b \0 joinKey \0 bucket        → the bucket's rows in arrival order: a JSON array, or, once
//                                  the bucket has sealed chunks, {"chunks": n, "rows": [...]}
//                                  with the rows after them
//   b \0 joinKey \0 bucket \0 i   → sealed chunk i (1..n): CHUNK rows, written once
//   x \0 segment \0 bucket key    → index of buckets by time segment, for expiry
//   m \0 meta                     → newest time seen, sequence counter, live segments
//
// A hot key's bucket can gather thousands of rows (Nexmark's hot auctions get half the bids),
// and the entry a row joins is rewritten at every commit: sealing full chunks bounds that
// rewrite to CHUNK rows, and each row keeps its encoded text, so nothing is encoded twice.

import type { StoreOpener } from '../state/storage.js';
import { encodeState, tagBigint, type KeyValueStore } from '../state/kv-store.js';
import type { StepSchema } from '../../planner/steps.js';
import { openStore } from './stores.js';
import { rowCodec, type RowCodec } from './join-row-codec.js';
import { sortable, type StoredRow, type WindowBounds } from './join-node.js';

interface WindowRow extends StoredRow {
  /** Arrival order, which orders rows of equal time. */
  readonly seq: number;
  /** The row as stored, once it has been encoded. */
  text?: string;
}

/** Rows per sealed chunk. */
export const CHUNK = 64;

/** A bucket's rows; those before `sealed` are stored in `chunks` sealed chunks. */
class Bucket {
  constructor(
    readonly rows: WindowRow[],
    public sealed = 0,
    public chunks = 0,
  ) {}
}

/** A sealed chunk: rows of a bucket, stored under a key of their own. */
class Chunk {
  constructor(readonly rows: WindowRow[]) {}
}

/** A bucket's head entry as read back, before its sealed chunks are read. */
class Head {
  constructor(
    readonly chunks: number,
    readonly rows: WindowRow[],
  ) {}
}

interface Meta {
  observed: number;
  seq: number;
  segments: number[];
}

const META = 'm\0meta';

export class JoinWindowStore {
  private readonly store: KeyValueStore;
  private readonly bucketWidth: number;
  private readonly segmentInterval: number;
  private meta: Meta;
  /** The meta entry changed since the last flush. */
  private metaDirty = false;
  private readonly bucketTexts = new Map<number, string>();

  constructor(
    stores: StoreOpener | undefined,
    name: string,
    schema: StepSchema,
    windowSize: number,
    private readonly retention: number,
  ) {
    const rows = rowCodec(schema.columns.map((c) => c.type));
    const textOf = (r: WindowRow): string => (r.text ??= rowText(rows, r));
    const texts = (list: readonly WindowRow[], from: number): string => {
      let out = '';
      for (let i = from; i < list.length; i++) out += (i === from ? '' : ',') + textOf(list[i]!);
      return `[${out}]`;
    };
    const decode = (list: readonly WindowRow[]): WindowRow[] => list.map((r) => ({ ...r, row: rows.decode(r.row) }));
    /** The stored text: a bucket without chunks as a bare array, as buckets were first stored. */
    const toText = (v: unknown): string => {
      if (v instanceof Bucket) return v.chunks === 0 ? texts(v.rows, 0) : `{"chunks":${v.chunks},"rows":${texts(v.rows, v.sealed)}}`;
      if (v instanceof Chunk) {
        const text = `{"chunk":${texts(v.rows, 0)}}`;
        // A chunk is written once: its rows' texts are not needed again, only memory.
        for (const r of v.rows) r.text = undefined;
        return text;
      }
      return encodeState(v);
    };
    // Buckets and chunks hold row lists; the index and meta entries are plain JSON already.
    this.store = openStore(stores, name, {
      toJson: (v) => (v instanceof Bucket || v instanceof Chunk ? JSON.parse(toText(v)) : v),
      fromJson: (j) => {
        if (Array.isArray(j)) return new Bucket(decode(j as WindowRow[]));
        if (j !== null && typeof j === 'object') {
          const o = j as { chunk?: WindowRow[]; chunks?: number; rows?: WindowRow[] };
          if (o.chunk !== undefined) return new Chunk(decode(o.chunk));
          if (o.chunks !== undefined) return new Head(o.chunks, decode(o.rows!));
        }
        return j;
      },
      toText,
    });
    this.bucketWidth = Math.max(windowSize, 1000);
    // Kafka Streams' default segment interval for window stores.
    this.segmentInterval = Math.max(Math.floor(retention / 2), 60_000);
    this.meta = this.loadMeta();
  }

  /** The rows for `key` with from <= time <= to that have not expired, by time then arrival. */
  fetch(key: string, from: number, to: number): StoredRow[] {
    const lo = Math.max(from, this.meta.observed - this.retention + 1);
    if (to < lo) return [];
    const out: WindowRow[] = [];
    let sorted = true;
    for (let b = Math.floor(lo / this.bucketWidth); b <= Math.floor(to / this.bucketWidth); b++) {
      const bucket = this.bucket(this.bucketKey(key, b));
      if (bucket === undefined) continue;
      for (const r of bucket.rows) {
        if (r.ts < lo || r.ts > to) continue;
        if (sorted && out.length > 0 && r.ts < out[out.length - 1]!.ts) sorted = false;
        out.push(r);
      }
    }
    // Rows mostly arrive in time order, and buckets are visited in time order: sort only when needed.
    return sorted ? out : out.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  }

  put(key: string, row: readonly unknown[], ts: number, window: WindowBounds | null): void {
    this.observe(ts);
    const m = this.meta;
    if (ts > m.observed - this.retention) {
      const bucket = Math.floor(ts / this.bucketWidth);
      const bk = this.bucketKey(key, bucket);
      const b = this.bucket(bk) ?? new Bucket([]);
      b.rows.push({ row, ts, window, seq: m.seq++, text: undefined });
      // >=: a bucket stored before chunks existed may hold more than CHUNK unsealed rows.
      if (b.rows.length - b.sealed >= CHUNK) {
        b.chunks++;
        this.store.put(`${bk}\0${b.chunks}`, new Chunk(b.rows.slice(b.sealed)));
        b.sealed = b.rows.length;
      }
      this.store.put(bk, b);
      const segment = Math.floor(((bucket + 1) * this.bucketWidth - 1) / this.segmentInterval);
      if (b.rows.length === 1) this.store.put(`x\0${sortable(segment)}\0${bk}`, true);
      if (!m.segments.includes(segment)) m.segments = [...m.segments, segment].sort((a, b) => a - b);
    }
    this.metaDirty = true;
  }

  /** Moves this side's time to `ts` without storing a row (a row that can join nothing). */
  observe(ts: number): void {
    if (ts <= this.meta.observed) return;
    this.meta.observed = ts;
    this.metaDirty = true;
    this.expire();
  }

  flush(): void {
    // The meta entry is written once per commit, not once per row.
    if (this.metaDirty) this.store.put(META, { ...this.meta, segments: [...this.meta.segments] });
    this.metaDirty = false;
    this.store.flush();
  }

  discard(): void {
    this.store.discard();
    this.meta = this.loadMeta();
    this.metaDirty = false;
  }

  destroy(): void {
    this.store.destroy();
  }

  private bucketKey(key: string, bucket: number): string {
    // Rows of a batch fall in a few buckets: their padded numbers are remembered.
    let text = this.bucketTexts.get(bucket);
    if (text === undefined) {
      if (this.bucketTexts.size >= 1024) this.bucketTexts.clear();
      this.bucketTexts.set(bucket, (text = sortable(bucket)));
    }
    return `b\0${key}\0${text}`;
  }

  /** A bucket with all its rows; one read back with sealed chunks is put together first. */
  private bucket(bk: string): Bucket | undefined {
    const v = this.store.get(bk) as Bucket | Head | undefined;
    if (!(v instanceof Head)) return v;
    const rows: WindowRow[] = [];
    for (let i = 1; i <= v.chunks; i++) rows.push(...(this.store.get(`${bk}\0${i}`) as Chunk).rows);
    const b = new Bucket([...rows, ...v.rows], rows.length, v.chunks);
    // Cached whole from now on (rewriting its head once is harmless).
    this.store.put(bk, b);
    return b;
  }

  private deleteBucket(bk: string): void {
    const v = this.store.get(bk) as Bucket | Head | undefined;
    for (let i = 1; i <= (v?.chunks ?? 0); i++) this.store.delete(`${bk}\0${i}`);
    this.store.delete(bk);
  }

  /** Deletes the buckets of segments whose every row has expired. */
  private expire(): void {
    const m = this.meta;
    const cutoff = m.observed - this.retention;
    while (m.segments.length > 0 && (m.segments[0]! + 1) * this.segmentInterval - 1 <= cutoff) {
      const segment = m.segments.shift()!;
      for (const [k] of this.store.scanPrefix(`x\0${sortable(segment)}\0`)) {
        this.deleteBucket(k.slice(k.indexOf('\0', 2) + 1));
        this.store.delete(k);
      }
    }
  }

  private loadMeta(): Meta {
    const m = this.store.get(META) as Meta | undefined;
    return m ? { ...m, segments: [...m.segments] } : { observed: -1, seq: 0, segments: [] };
  }
}

/**
 * A row as stored: {"row": its columns through the typed JSON codec, "ts", "window" (bounds
 * tagged as bigints), "seq"}, the text encodeState would write for that object.
 */
function rowText(rows: RowCodec, r: WindowRow): string {
  const w = r.window;
  const window = w === null ? 'null' : `[${boundText(w[0])},${boundText(w[1])}]`;
  return `{"row":${rows.encodeText(r.row)},"ts":${r.ts},"window":${window},"seq":${r.seq}}`;
}

const boundText = (b: bigint | null): string => (b === null ? 'null' : JSON.stringify(tagBigint(b)));
