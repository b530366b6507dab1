// `fetch(topic, partition, offset, max)` on Kafka: records of one partition from an offset.
//
// kafkajs's Consumer cannot do this (it must join a group and owns its positions), so reads
// go to the partition leader as plain Fetch requests (maxWait 0: answer at once). One Fetch
// returns up to a megabyte of whole record batches, usually far more than `max` records, so
// the rest is kept as a window of decoded records: a reader going forward through a
// partition is served from memory, and while it consumes a window the next one is already
// being fetched. Windows are immutable (a Kafka log below its high watermark never changes;
// with read_committed, below its last stable offset), so one window serves every reader.
//
// With read_committed, a range may hold only transaction markers or aborted records; the
// fetcher then reads on, so a fetch below the end never returns nothing.
import type { LogRecord, ReadResult } from '../log.js';
import { isOffsetOutOfRange, isRetriable, isUnknownTopic, sleep } from './errors.js';
import { EARLIEST, ISOLATION, visibleMessages, type IsolationLevel, type KFetchPartition } from './kafkajs-internals.js';
import type { PartitionMetadata } from './metadata.js';
import { toLogRecord } from './records.js';

const PARTITION_MAX_BYTES = 1 << 20;
const WINDOWS_PER_PARTITION = 3;
/** Decoded windows kept in all, least recently read partitions dropped first. */
const CACHE_BYTES = 64 << 20;
const ATTEMPTS = 4;

interface Window {
  /** The fetch offset it was read from. */
  readonly from: number;
  /** The offset after the last record (visible or not) it covers. */
  readonly to: number;
  readonly records: readonly LogRecord[];
  /** The partition's end as this fetch saw it (high watermark, or last stable offset). */
  readonly end: number;
  /** Roughly the memory its records hold. */
  readonly bytes: number;
}

interface PartitionReads {
  windows: Window[];
  prefetch?: { readonly from: number; readonly window: Promise<Window | undefined> };
}

export class Fetcher {
  /** In least recently read order (a Map keeps insertion order; reads re-insert). */
  private readonly reads = new Map<string, PartitionReads>();
  private readonly seenEnds = new Map<string, number>();
  private cachedBytes = 0;

  constructor(
    private readonly metadata: PartitionMetadata,
    private readonly isolation: IsolationLevel,
  ) {}

  async fetch(topic: string, partition: number, offset: number, maxRecords: number): Promise<ReadResult> {
    await this.metadata.checkPartition(topic, partition);
    if (maxRecords <= 0) return { records: [], next: offset };
    const reads = this.partitionReads(topic, partition);
    for (let from = offset; ; ) {
      const window = reads.windows.find((w) => w.from <= from && from < w.to) ?? (await this.load(reads, topic, partition, from));
      if (window === undefined) return { records: [], next: from }; // nothing at or after `from`
      const first = firstAtOrAfter(window.records, from);
      if (first < window.records.length) {
        const records = window.records.slice(first, first + maxRecords);
        // When the next read is likely to finish this window, fetch the one after meanwhile.
        if (first + 2 * maxRecords >= window.records.length) this.prefetch(reads, topic, partition, window);
        return { records, next: records[records.length - 1]!.offset + 1 };
      }
      // [from, window.to) holds no visible record (markers, aborted records): read on.
      if (window.to <= from) return { records: [], next: from };
      from = window.to;
    }
  }

  /** The partition's end offset as the last fetch saw it, if any did. */
  seenEnd(topic: string, partition: number): number | undefined {
    return this.seenEnds.get(key(topic, partition));
  }

  /** Drops everything read from a topic (deleted: a new topic of that name starts empty). */
  forget(topic: string): void {
    for (const [k, reads] of [...this.reads]) {
      if (!k.startsWith(`${topic}\0`)) continue;
      for (const w of reads.windows) this.cachedBytes -= w.bytes;
      this.reads.delete(k);
    }
    for (const k of [...this.seenEnds.keys()]) if (k.startsWith(`${topic}\0`)) this.seenEnds.delete(k);
  }

  /** The earliest offset still in the partition. */
  async startOffset(topic: string, partition: number): Promise<number> {
    return this.listOffset(topic, partition, EARLIEST);
  }

  async listOffset(topic: string, partition: number, timestamp: number): Promise<number> {
    return this.retrying(topic, async () => {
      const broker = await this.metadata.leader(topic, partition);
      const { responses } = await broker.listOffsets({
        isolationLevel: this.isolation,
        topics: [{ topic, partitions: [{ partition, timestamp }] }],
      });
      return Number(responses[0]!.partitions[0]!.offset);
    });
  }

  private partitionReads(topic: string, partition: number): PartitionReads {
    const k = key(topic, partition);
    const reads = this.reads.get(k) ?? { windows: [] };
    this.reads.delete(k);
    this.reads.set(k, reads);
    return reads;
  }

  /** The window starting at `from`: the prefetched one if it is that, else a new Fetch. */
  private async load(reads: PartitionReads, topic: string, partition: number, from: number): Promise<Window | undefined> {
    const pending = reads.prefetch;
    let window: Window | undefined;
    if (pending !== undefined && pending.from === from) window = await pending.window;
    if (window === undefined) window = await this.read(topic, partition, from);
    if (reads.prefetch === pending) reads.prefetch = undefined;
    if (window === undefined) return undefined;
    this.keep(reads, window);
    return window;
  }

  /** Starts reading the window after `current` when the broker has more. */
  private prefetch(reads: PartitionReads, topic: string, partition: number, current: Window): void {
    if (current.to >= current.end || reads.prefetch !== undefined || reads.windows.some((w) => w.from === current.to)) return;
    const from = current.to;
    const window = this.read(topic, partition, from).catch(() => undefined); // a failed prefetch is just not there
    reads.prefetch = { from, window };
  }

  private keep(reads: PartitionReads, window: Window): void {
    if (window.records.length === 0 && window.to === window.from) return;
    reads.windows.push(window);
    this.cachedBytes += window.bytes;
    if (reads.windows.length > WINDOWS_PER_PARTITION) this.cachedBytes -= reads.windows.shift()!.bytes;
    for (const [k, oldest] of this.reads) {
      if (this.cachedBytes <= CACHE_BYTES || oldest === reads) break;
      for (const w of oldest.windows) this.cachedBytes -= w.bytes;
      this.reads.delete(k);
    }
  }

  /** One Fetch from `from`; undefined when the partition has nothing there. */
  private async read(topic: string, partition: number, from: number): Promise<Window | undefined> {
    for (let offset = from; ; ) {
      let data: KFetchPartition;
      try {
        data = await this.retrying(topic, async () => {
          const broker = await this.metadata.leader(topic, partition);
          const { responses } = await broker.fetch({
            isolationLevel: this.isolation,
            maxWaitTime: 0,
            minBytes: 1,
            maxBytes: PARTITION_MAX_BYTES,
            topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: PARTITION_MAX_BYTES }] }],
          });
          return responses[0]!.partitions[0]!;
        });
      } catch (e) {
        if (!isOffsetOutOfRange(e)) throw e;
        // Before the start (retention deleted it): read from the start, as the embedded log
        // does. Past the end: nothing there.
        const start = await this.startOffset(topic, partition);
        if (offset < start) {
          offset = start;
          continue;
        }
        return undefined;
      }
      const end = Number(this.isolation === ISOLATION.READ_COMMITTED ? data.lastStableOffset : data.highWatermark);
      this.seenEnds.set(key(topic, partition), end);
      const raw = data.messages;
      if (raw.length === 0) return undefined;
      const records = visibleMessages(topic, offset, data).map((m) => toLogRecord(topic, partition, m));
      // The end of the last batch, not of its last record: compaction may have removed the tail.
      const batch = raw[raw.length - 1]!.batchContext;
      const to = Math.max(Number(batch.firstOffset) + batch.lastOffsetDelta + 1, Number(raw[raw.length - 1]!.offset) + 1);
      let bytes = 0;
      for (const r of records) bytes += 64 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
      return { from, to: Math.max(to, offset), records, end, bytes };
    }
  }

  /** Runs a request against the current leader, refreshing metadata on leader changes. */
  private async retrying<T>(topic: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (e) {
        if (attempt >= ATTEMPTS || isOffsetOutOfRange(e) || !isRetriable(e)) throw e;
        await this.metadata.refresh();
        // A topic deleted under us: UnknownTopicError from the metadata, not a stale-leader retry.
        if (isUnknownTopic(e)) await this.metadata.partitions(topic);
        await sleep(50 * attempt);
      }
    }
  }
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

/** Index of the first record at or after `offset` (records are in offset order). */
function firstAtOrAfter(records: readonly LogRecord[], offset: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
