// One side of a stream-stream join: its recent rows by join key and time, as Kafka Streams'
// join window store keeps them. Rows older than the retention (window size plus grace) behind
// the newest row put are expired: fetches skip them, and they are deleted as time moves on, so
// the state stays bounded.
//
// Rows are grouped per key into time buckets about as wide as the join window, so a fetch
// reads two or three entries whatever the retention. One key/value store holds everything,
// told apart by key prefix:
//   b \0 joinKey \0 bucket     → the key's rows in that bucket, in arrival order
//   x \0 segment \0 bucket key → index of buckets by time segment, for expiry
//   m \0 meta                  → newest time put, sequence counter, live segments

import type { Log } from '../log/log.js';
import type { KeyValueStore } from '../state/kv-store.js';
import type { StepSchema } from '../../planner/steps.js';
import { openStore } from './aggregate-pipeline.js';
import { rowCodec } from './join-row-codec.js';
import { sortable, type StoredRow, type WindowBounds } from './join-node.js';

interface WindowRow extends StoredRow {
  /** Arrival order, which orders rows of equal time. */
  readonly seq: number;
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

  constructor(
    log: Log | undefined,
    name: string,
    schema: StepSchema,
    windowSize: number,
    private readonly retention: number,
  ) {
    const rows = rowCodec(schema.columns.map((c) => c.type));
    // Buckets hold row lists; the index and meta entries are plain JSON already.
    this.store = openStore(log, name, {
      toJson: (v) => (Array.isArray(v) ? (v as WindowRow[]).map((r) => ({ ...r, row: rows.encode(r.row) })) : v),
      fromJson: (j) => (Array.isArray(j) ? (j as WindowRow[]).map((r) => ({ ...r, row: rows.decode(r.row) })) : j),
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
    for (let b = Math.floor(lo / this.bucketWidth); b <= Math.floor(to / this.bucketWidth); b++) {
      const rows = this.store.get(this.bucketKey(key, b)) as WindowRow[] | undefined;
      for (const r of rows ?? []) if (r.ts >= lo && r.ts <= to) out.push(r);
    }
    return out.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  }

  put(key: string, row: readonly unknown[], ts: number, window: WindowBounds | null): void {
    const m = this.meta;
    m.observed = Math.max(m.observed, ts);
    if (ts > m.observed - this.retention) {
      const bucket = Math.floor(ts / this.bucketWidth);
      const bk = this.bucketKey(key, bucket);
      const rows = (this.store.get(bk) as WindowRow[] | undefined) ?? [];
      rows.push({ row, ts, window, seq: m.seq++ });
      this.store.put(bk, rows);
      const segment = Math.floor(((bucket + 1) * this.bucketWidth - 1) / this.segmentInterval);
      if (rows.length === 1) this.store.put(`x\0${sortable(segment)}\0${bk}`, true);
      if (!m.segments.includes(segment)) m.segments = [...m.segments, segment].sort((a, b) => a - b);
      this.expire();
    }
    this.store.put(META, { ...m, segments: [...m.segments] });
  }

  flush(): void {
    this.store.flush();
  }

  discard(): void {
    this.store.discard();
    this.meta = this.loadMeta();
  }

  destroy(): void {
    this.store.destroy();
  }

  private bucketKey(key: string, bucket: number): string {
    return `b\0${key}\0${sortable(bucket)}`;
  }

  /** Deletes the buckets of segments whose every row has expired. */
  private expire(): void {
    const m = this.meta;
    const cutoff = m.observed - this.retention;
    while (m.segments.length > 0 && (m.segments[0]! + 1) * this.segmentInterval - 1 <= cutoff) {
      const segment = m.segments.shift()!;
      for (const [k] of this.store.scanPrefix(`x\0${sortable(segment)}\0`)) {
        this.store.delete(k.slice(k.indexOf('\0', 2) + 1));
        this.store.delete(k);
      }
    }
  }

  private loadMeta(): Meta {
    const m = this.store.get(META) as Meta | undefined;
    return m ? { ...m, segments: [...m.segments] } : { observed: -1, seq: 0, segments: [] };
  }
}
