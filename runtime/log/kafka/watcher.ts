// waitForData on Kafka, without polling the brokers in a tight loop: long-poll Fetch requests,
// which a broker holds until a partition has data past the requested offset or maxWait ends.
//
// One loop serves every waiter. It watches each partition its waiters care about from `next`,
// the offset up to which it has seen the partition, and keeps watching a partition for a while
// after its last waiter left: a query waits, reads, and waits again on the same partitions,
// and must not find them missing from the request in flight. Its Fetches go over connections
// of their own (a second kafkajs Cluster): a broker answers one request per connection at a
// time, so a held Fetch would otherwise delay the reads.
//
// A waiter's baseline for a partition is the end its reader last saw; data past the baseline
// wakes it. Records the reader cannot see (transaction markers, aborted records under
// read_committed) only move `next`, so they do not wake anyone.
import { UnknownTopicError } from '../log.js';
import { isOffsetOutOfRange, isUnknownTopic, outOfRangePartition, sleep } from './errors.js';
import { visibleMessages, type IsolationLevel, type KBroker, type KFetchPartition } from './kafkajs-internals.js';
import type { PartitionMetadata } from './metadata.js';

const ROUND_MS = 500;
const STICKY_MS = 10_000;
const PARTITION_MAX_BYTES = 64 * 1024;
const ERROR_BACKOFF_MS = 200;

interface Waiter {
  readonly topics: ReadonlySet<string>;
  /** Per partition key: the end offset its reader last saw. */
  readonly baselines: Map<string, number>;
  readonly wake: () => void;
}

interface Watched {
  readonly topic: string;
  readonly partition: number;
  next: number;
  lastWanted: number;
  /** Its last poll found nothing past `next`. Only such partitions are watched without a
   * waiter: one that is behind would answer every round at once, a busy loop. */
  caughtUp: boolean;
}

export class DataWatcher {
  private readonly waiters = new Set<Waiter>();
  private readonly watched = new Map<string, Watched>();
  private loop?: Promise<void>;
  private closed = false;

  constructor(
    /** Leaders, on the watcher's own connections. */
    private readonly metadata: PartitionMetadata,
    /** Partition counts from the main connections, whose metadata is already loaded. */
    private readonly partitionCount: (topic: string) => Promise<number>,
    private readonly isolation: IsolationLevel,
    /** Where the caller's reads of a partition ended (or the partition's end now). */
    private readonly baseline: (topic: string, partition: number) => Promise<number>,
    /** The partition's end now (after an offset went out of range). */
    private readonly latest: (topic: string, partition: number) => Promise<number>,
  ) {}

  wait(topics: readonly string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || timeoutMs <= 0) return resolve();
      let done = false;
      const waiter: Waiter = {
        topics: new Set(topics),
        baselines: new Map(),
        wake: () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      this.waiters.add(waiter);
      // If the watch cannot be set up (a broker is down), the waiter still ends at its timeout.
      this.register(waiter).catch(() => undefined);
    });
  }

  /** Data written through this process: wake its waiters without a round trip. */
  notify(topic: string): void {
    for (const w of [...this.waiters]) if (w.topics.has(topic)) w.wake();
  }

  forget(topic: string): void {
    for (const [k, entry] of this.watched) if (entry.topic === topic) this.watched.delete(k);
  }

  /** Wakes every waiter; the loop ends with its current round. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.waiters]) w.wake();
    await this.loop;
  }

  private async register(waiter: Waiter): Promise<void> {
    // Baselines are taken at once and in parallel: a record written after waitForData was
    // called but before its baseline was read would not wake it.
    const counts = await Promise.all(
      [...waiter.topics].map((topic) =>
        this.partitionCount(topic).then(
          (n): [string, number] => [topic, n],
          (e: unknown): [string, number] => {
            if (e instanceof UnknownTopicError) return [topic, 0]; // nothing can arrive on a missing topic
            throw e;
          },
        ),
      ),
    );
    const bases = await Promise.all(
      counts.flatMap(([topic, n]) =>
        Array.from({ length: n }, async (_, partition) => ({ topic, partition, base: await this.baseline(topic, partition) })),
      ),
    );
    if (!this.waiters.has(waiter)) return; // woken meanwhile
    const now = Date.now();
    for (const { topic, partition, base } of bases) {
      const k = key(topic, partition);
      waiter.baselines.set(k, base);
      const entry = this.watched.get(k);
      if (entry === undefined) {
        this.watched.set(k, { topic, partition, next: base, lastWanted: now, caughtUp: true });
        continue;
      }
      entry.lastWanted = now;
      // The watcher saw data this reader has not: there is something to read now.
      if (entry.next > base) return waiter.wake();
      if (base > entry.next) this.advance(k, entry, base);
    }
    this.ensureLoop();
  }

  private ensureLoop(): void {
    if (this.loop !== undefined || this.closed) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      // A waiter that registered while the last round was ending found the loop still set.
      if ([...this.waiters].some((w) => [...w.baselines.keys()].some((k) => this.watched.has(k)))) this.ensureLoop();
    });
  }

  /** Moves a partition's watch to `to`, waking waiters whose reader is behind it. */
  private advance(k: string, entry: Watched, to: number): void {
    entry.next = to;
    for (const w of [...this.waiters]) {
      const base = w.baselines.get(k);
      if (base !== undefined && base < to) w.wake();
    }
  }

  private async run(): Promise<void> {
    while (!this.closed && this.waiters.size > 0) {
      const now = Date.now();
      const wanted = new Set<string>();
      for (const w of this.waiters) for (const k of w.baselines.keys()) wanted.add(k);
      const polled: Watched[] = [];
      for (const [k, entry] of this.watched) {
        if (wanted.has(k)) entry.lastWanted = now;
        else if (now - entry.lastWanted > STICKY_MS) {
          this.watched.delete(k);
          continue;
        }
        if (wanted.has(k) || entry.caughtUp) polled.push(entry);
      }
      if (polled.length === 0) return; // waiters on missing topics only: their timeouts end them
      const byLeader = new Map<number, { broker: KBroker; entries: Watched[] }>();
      try {
        for (const entry of polled) {
          const broker = await this.metadata.leader(entry.topic, entry.partition);
          let group = byLeader.get(broker.nodeId);
          if (group === undefined) byLeader.set(broker.nodeId, (group = { broker, entries: [] }));
          group.entries.push(entry);
        }
      } catch (e) {
        await this.recover(e);
        continue;
      }
      await Promise.all([...byLeader.values()].map(({ broker, entries }) => this.poll(broker, entries)));
    }
  }

  private async poll(broker: KBroker, entries: readonly Watched[]): Promise<void> {
    const byTopic = new Map<string, { partition: number; fetchOffset: string; maxBytes: number }[]>();
    const fetched = new Map<string, number>();
    for (const e of entries) {
      let partitions = byTopic.get(e.topic);
      if (partitions === undefined) byTopic.set(e.topic, (partitions = []));
      partitions.push({ partition: e.partition, fetchOffset: String(e.next), maxBytes: PARTITION_MAX_BYTES });
      fetched.set(key(e.topic, e.partition), e.next);
    }
    try {
      const { responses } = await broker.fetch({
        isolationLevel: this.isolation,
        maxWaitTime: ROUND_MS,
        minBytes: 1,
        maxBytes: 4 * PARTITION_MAX_BYTES,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
      for (const { topicName, partitions } of responses) {
        for (const data of partitions) {
          const k = key(topicName, data.partition);
          this.observe(k, topicName, fetched.get(k) ?? 0, data);
        }
      }
    } catch (e) {
      if (!this.closed) await this.recover(e);
    }
  }

  private observe(k: string, topic: string, fetchOffset: number, data: KFetchPartition): void {
    const entry = this.watched.get(k);
    const raw = data.messages;
    if (entry === undefined) return;
    entry.caughtUp = raw.length === 0;
    if (raw.length === 0) return;
    const visible = visibleMessages(topic, fetchOffset, data);
    if (visible.length > 0) {
      const lastVisible = Number(visible[visible.length - 1]!.offset);
      for (const w of [...this.waiters]) {
        const base = w.baselines.get(k);
        if (base !== undefined && lastVisible >= base) w.wake();
      }
    }
    const batch = raw[raw.length - 1]!.batchContext;
    const to = Number(batch.firstOffset) + batch.lastOffsetDelta + 1;
    if (to <= entry.next) return;
    entry.next = to;
    // Waiters not woken saw nothing past their baseline up to `to`: nothing visible there.
    for (const w of this.waiters) {
      const base = w.baselines.get(k);
      if (base !== undefined && base < to) w.baselines.set(k, to);
    }
  }

  private async recover(e: unknown): Promise<void> {
    if (this.closed) return;
    if (isOffsetOutOfRange(e)) {
      const tp = outOfRangePartition(e);
      const entry = tp && this.watched.get(key(tp.topic, tp.partition));
      // The log was truncated or deleted from under the watch: start again from its end.
      if (tp && entry) entry.next = await this.latest(tp.topic, tp.partition).catch(() => entry.next);
      return;
    }
    await this.metadata.refresh().catch(() => undefined);
    if (isUnknownTopic(e)) {
      for (const entry of [...this.watched.values()]) {
        await this.metadata.partitionCount(entry.topic).catch((err: unknown) => {
          if (err instanceof UnknownTopicError) this.forget(entry.topic);
        });
      }
    }
    await sleep(ERROR_BACKOFF_MS);
  }
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;
