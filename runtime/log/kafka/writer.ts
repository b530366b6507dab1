// Writing to Kafka: produce, and the two kinds of commit.
//
// - at_least_once: the outputs are produced, then the input positions are committed to the
//   group (OffsetCommit as a standalone group: generation -1, no member). A crash between the
//   two replays the batch.
// - exactly_once_v2: one transactional producer per group (transactional id = prefix + group,
//   stable across restarts, so a restarted process fences its zombie) sends the outputs and
//   `sendOffsets` for the positions, then commits: both become visible together or not at all.
//
// Commits of a group member (scale-out, group.ts) carry its generation, and the coordinator
// rejects a stale member's: at_least_once in the OffsetCommit, exactly_once_v2 in a
// TxnOffsetCommit v3 (txn-offsets.ts; kafkajs itself only speaks v0/v1, which name no member).
// On a broker older than 2.5 (no v3) a member's transaction checks its generation with a
// Heartbeat before it commits instead, which is not atomic with the commit. Fencing by
// transactional id is atomic in any case: with `Commit.task` the id is per task, and the task's
// next owner's InitProducerId fences the old owner's producer (Kafka Streams' "eos-alpha").
//
// Records are partitioned here with the embedded log's murmur2 partitioner, so a key lands on
// the same partition in both modes; kafkajs's partitioner only reads the chosen partition back.
import type { Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import type { Commit, GroupMember, LogRecord, Position, ProducerRecord, TopicRecords } from '../log.js';
import { outputEnds } from '../output-ends.js';
import { RoundRobinCounter, partitionFor } from '../partitioner.js';
import { errorType, isRetriable, sleep } from './errors.js';
import { createClusterProducer, type Connection, type KBroker } from './kafkajs-internals.js';
import type { PartitionMetadata } from './metadata.js';
import type { ResolvedKafkaLogOptions } from './options.js';
import { recordSize, toOutgoing, type OutgoingMessage } from './records.js';
import { MemberOffsets } from './txn-offsets.js';

/** A produce request stays well under the brokers' default message.max.bytes (1 MiB). */
const CHUNK_BYTES = 512 * 1024;
/** kafkajs groups a topic's messages by partition in quadratic time: keep requests modest. */
const CHUNK_RECORDS = 2_000;
// Short first retries: CONCURRENT_TRANSACTIONS (the group's previous transaction still
// completing) clears within milliseconds, and Kafka expects clients to retry it.
const PRODUCE_RETRY = { retries: 8, initialRetryTime: 20, maxRetryTime: 2_000 };
const CONCURRENT_ATTEMPTS = 100;
/** How long a commit waits for its transaction's markers before it returns anyway. */
const VISIBILITY_WAIT_MS = 5_000;
// A coordinator moves or reloads (a busy broker: seconds); together the waits span about 4 s.
const COORDINATOR_ATTEMPTS = 8;

interface Planned {
  readonly topic: string;
  readonly partition: number;
  readonly record: ProducerRecord;
}

type Send = (topicMessages: { topic: string; messages: OutgoingMessage[] }[]) => Promise<RecordMetadata[]>;

interface TransactionalSlot {
  readonly groupId: string;
  readonly transactionalId: string;
  readonly producer: Producer;
  /** Commits of one group run one after another: a producer has one transaction at a time. */
  queue: Promise<unknown>;
}

export class Writer {
  private readonly roundRobin = new Map<string, RoundRobinCounter>();
  private readonly transactional = new Map<string, TransactionalSlot>();
  private readonly coordinators = new Map<string, KBroker>();
  private plain?: Promise<Producer>;
  private readonly memberOffsets: MemberOffsets;

  constructor(
    private readonly connection: Connection,
    private readonly metadata: PartitionMetadata,
    private readonly options: ResolvedKafkaLogOptions,
    /** The end a reader of this log sees (read_committed under exactly_once_v2). */
    private readonly endOffset: (topic: string, partition: number) => Promise<number>,
  ) {
    this.memberOffsets = new MemberOffsets(connection.cluster);
  }

  async produce(outputs: readonly TopicRecords[]): Promise<readonly LogRecord[]> {
    const planned = await this.plan(outputs);
    return planned.length === 0 ? [] : this.produceWith(planned);
  }

  async commit(commit: Commit): Promise<readonly LogRecord[]> {
    const planned = await this.plan(commit.outputs);
    // After validation and before any write, as Kafka Streams flushes its stores before it
    // commits: when it fails, nothing has been written. (Making state durable in the same
    // transaction is the changelog topics' job.)
    commit.state?.();
    switch (this.options.processingGuarantee) {
      case 'at_least_once': {
        const appended = planned.length === 0 ? [] : await this.produceWith(planned);
        // Only after the outputs are in: a crash here replays the batch rather than losing it.
        const positions = [...commit.positions, ...outputEnds(appended, commit.outputPositions)];
        if (positions.length > 0) await this.commitOffsets(commit.groupId, positions, commit.member);
        return appended;
      }
      case 'exactly_once_v2':
        return this.commitTransaction(commit.groupId, planned, commit.positions, commit.outputPositions, commit.member, commit.task);
      default: {
        const never: never = this.options.processingGuarantee;
        throw new Error(`unknown processing guarantee ${String(never)}`);
      }
    }
  }

  async committed(groupId: string): Promise<readonly Position[]> {
    const { responses } = await this.withCoordinator(groupId, (b) => b.offsetFetch({ groupId, topics: [] }));
    const out: Position[] = [];
    for (const { topic, partitions } of responses) {
      for (const { partition, offset } of partitions) {
        const n = Number(offset);
        if (n >= 0) out.push({ topic, partition, offset: n }); // -1: no committed offset
      }
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  async deleteGroup(groupId: string): Promise<void> {
    for (const [key, slot] of this.transactional) if (slot.groupId === groupId) this.transactional.delete(key);
    const { results } = await this.withCoordinator(groupId, (b) => b.deleteGroups([groupId]));
    const result = results.find((r) => r.groupId === groupId);
    if (result === undefined || result.errorCode === 0 || errorType(result.error) === 'GROUP_ID_NOT_FOUND') return;
    // Scale-out: other instances still run the query's tasks until they follow the TERMINATE
    // (engine/command-follower.ts); each deletes the group after leaving it, the last one for good.
    if (errorType(result.error) === 'NON_EMPTY_GROUP') return;
    throw result.error ?? new Error(`deleting group ${groupId} failed with error code ${result.errorCode}`);
  }

  forget(topic: string): void {
    this.roundRobin.delete(topic);
  }

  /** Resolves every record's partition, failing before anything is written. */
  private async plan(outputs: readonly TopicRecords[]): Promise<Planned[]> {
    const planned: Planned[] = [];
    for (const { topic, records } of outputs) {
      const partitions = await this.metadata.partitionCount(topic);
      let counter = this.roundRobin.get(topic);
      if (counter === undefined) this.roundRobin.set(topic, (counter = new RoundRobinCounter()));
      for (const record of records) {
        const partition = record.partition ?? partitionFor(record.key, partitions, counter);
        if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
          throw new RangeError(`topic ${topic} has no partition ${partition} (it has ${partitions})`);
        }
        if (!Number.isSafeInteger(record.timestamp)) {
          throw new Error(`topic ${topic}: timestamp must be an integer of epoch ms, got ${record.timestamp}`);
        }
        planned.push({ topic, partition, record });
      }
    }
    return planned;
  }

  private async produceWith(planned: readonly Planned[]): Promise<readonly LogRecord[]> {
    const producer = await this.plainProducer();
    try {
      return await this.send(planned, (topicMessages) => producer.sendBatch({ topicMessages: typed(topicMessages), acks: -1 }));
    } catch (e) {
      throw await this.explain(e, planned);
    }
  }

  /** A send that failed because a topic was deleted meanwhile fails as UnknownTopicError. */
  private async explain(e: unknown, planned: readonly Planned[]): Promise<unknown> {
    if (errorType(e) !== 'UNKNOWN_TOPIC_OR_PARTITION') return e;
    await this.metadata.refresh(); // also repairs the producer's metadata (metadata.ts)
    for (const topic of new Set(planned.map((p) => p.topic))) {
      try {
        await this.metadata.partitions(topic);
      } catch (missing) {
        return missing;
      }
    }
    return e;
  }

  /**
   * Sends in chunks, in order, and numbers the records from each partition's base offset: a
   * partition's records of one request form one record batch, in the order given.
   */
  private async send(planned: readonly Planned[], send: Send): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    for (let start = 0; start < planned.length; ) {
      let end = start;
      let bytes = 0;
      while (end < planned.length && end - start < CHUNK_RECORDS && (end === start || bytes < CHUNK_BYTES)) {
        bytes += recordSize(planned[end]!.record);
        end++;
      }
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (let i = start; i < end; i++) {
        const { topic, partition, record } = planned[i]!;
        let messages = byTopic.get(topic);
        if (messages === undefined) byTopic.set(topic, (messages = []));
        messages.push(toOutgoing(record, partition));
      }
      const metadata = await send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      const next = new Map<string, number>();
      for (const m of metadata) next.set(`${m.topicName}\0${m.partition}`, Number(m.baseOffset));
      for (let i = start; i < end; i++) {
        const { topic, partition, record } = planned[i]!;
        const k = `${topic}\0${partition}`;
        const offset = next.get(k);
        if (offset === undefined) throw new Error(`no offset for ${topic} partition ${partition} in the produce response`);
        next.set(k, offset + 1);
        out.push({
          topic,
          partition,
          offset,
          timestamp: record.timestamp,
          key: record.key,
          value: record.value,
          headers: record.headers ?? [],
        });
      }
      start = end;
    }
    return out;
  }

  private async commitTransaction(
    groupId: string,
    planned: readonly Planned[],
    inputPositions: readonly Position[],
    outputPositions: readonly string[] | undefined,
    member: GroupMember | undefined,
    task: string | undefined,
  ): Promise<readonly LogRecord[]> {
    if (planned.length === 0 && inputPositions.length === 0) return [];
    const key = task === undefined ? groupId : `${groupId}\0${task}`;
    const slot = this.transactionalSlot(groupId, task);
    let positions: readonly Position[] = inputPositions;
    const run = slot.queue.then(async () => {
      const txn = await slot.producer.transaction();
      try {
        const appended = await this.send(planned, (topicMessages) => txn.sendBatch({ topicMessages: typed(topicMessages), acks: -1 }));
        positions = [...inputPositions, ...outputEnds(appended, outputPositions)];
        if (positions.length > 0) {
          const topics = offsetTopics(positions);
          const send = () => retryConcurrent(() => txn.sendOffsets({ consumerGroupId: groupId, topics }));
          await (member === undefined ? send() : this.memberOffsets.as(slot.transactionalId, member, send));
        }
        if (member !== undefined && !(await this.withCoordinator(groupId, async (b) => MemberOffsets.supported(b)))) {
          await this.checkMember(groupId, member);
        }
        await txn.commit();
        return appended;
      } catch (e) {
        await txn.abort().catch(() => undefined);
        throw e;
      }
    });
    slot.queue = run.catch(() => undefined);
    let appended: LogRecord[];
    try {
      appended = await run;
    } catch (e) {
      e = await this.explain(e, planned);
      // A fenced or confused producer is not reused: the next commit starts a new one, whose
      // InitProducerId also finishes whatever this one left open.
      if (this.transactional.get(key) === slot) this.transactional.delete(key);
      throw e;
    }
    // Best effort: the transaction is committed, and a failure to watch it become visible must
    // not make the caller retry (and write) the batch again.
    await this.awaitVisible(groupId, appended, positions).catch(() => undefined);
    return appended;
  }

  /**
   * Kafka answers EndTxn before the commit markers reach the partitions and the group, so
   * for a moment a read_committed reader would not see what was just committed. A commit
   * returns once it is visible, so that a caller reads its own writes (as in embedded mode).
   */
  private async awaitVisible(groupId: string, appended: readonly LogRecord[], positions: readonly Position[]): Promise<void> {
    const pending = new Map<string, { topic: string; partition: number; last: number }>();
    for (const r of appended) pending.set(`${r.topic}\0${r.partition}`, { topic: r.topic, partition: r.partition, last: r.offset });
    let positionsPending = positions.length > 0;
    const deadline = Date.now() + VISIBILITY_WAIT_MS;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      const checks: Promise<void>[] = [...pending].map(async ([k, p]) => {
        if ((await this.endOffset(p.topic, p.partition)) > p.last) pending.delete(k);
      });
      if (positionsPending) {
        checks.push(
          this.committed(groupId).then((committed) => {
            positionsPending = !positions.every((p) =>
              committed.some((c) => c.topic === p.topic && c.partition === p.partition && c.offset === p.offset),
            );
          }),
        );
      }
      await Promise.all(checks);
      // Past the deadline the data is still committed, only late to show: return anyway.
      if ((pending.size === 0 && !positionsPending) || Date.now() > deadline) return;
      await sleep(delay);
    }
  }

  private async commitOffsets(groupId: string, positions: readonly Position[], member: GroupMember | undefined): Promise<void> {
    // Without a member, as a standalone group (generation -1), which an active group rejects.
    const groupGenerationId = member?.generationId ?? -1;
    const memberId = member?.memberId ?? '';
    await this.withCoordinator(groupId, (b) => b.offsetCommit({ groupId, groupGenerationId, memberId, topics: offsetTopics(positions) }));
  }

  /** Fails unless the member is in the group's current generation (brokers without v3, see the top). */
  private async checkMember(groupId: string, member: GroupMember): Promise<void> {
    try {
      await this.withCoordinator(groupId, (b) =>
        b.heartbeat({ groupId, groupGenerationId: member.generationId, memberId: member.memberId }),
      );
    } catch (e) {
      // The coordinator is collecting members for the next generation: this one still holds.
      if (errorType(e) !== 'REBALANCE_IN_PROGRESS') throw e;
    }
  }

  private plainProducer(): Promise<Producer> {
    this.plain ??= (async () => {
      const producer = createClusterProducer(this.connection, { retry: PRODUCE_RETRY });
      await producer.connect();
      return producer;
    })();
    this.plain.catch(() => (this.plain = undefined));
    return this.plain;
  }

  private transactionalSlot(groupId: string, task: string | undefined): TransactionalSlot {
    const key = task === undefined ? groupId : `${groupId}\0${task}`;
    let slot = this.transactional.get(key);
    if (slot === undefined) {
      const transactionalId = `${this.options.transactionalIdPrefix}${groupId}${task === undefined ? '' : `#${task}`}`;
      const producer = createClusterProducer(this.connection, { transactionalId, retry: PRODUCE_RETRY });
      slot = { groupId, transactionalId, producer, queue: producer.connect() };
      this.transactional.set(key, slot);
    }
    return slot;
  }

  /** A request to the group's coordinator, finding it again when it moved. */
  private async withCoordinator<T>(groupId: string, request: (coordinator: KBroker) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        let coordinator = this.coordinators.get(groupId);
        if (coordinator === undefined) {
          coordinator = await this.connection.cluster.findGroupCoordinator({ groupId });
          this.coordinators.set(groupId, coordinator);
        }
        return await request(coordinator);
      } catch (e) {
        this.coordinators.delete(groupId);
        if (attempt >= COORDINATOR_ATTEMPTS || !isRetriable(e)) throw e;
        await this.metadata.refresh();
        await sleep(Math.min(50 * 2 ** attempt, 1_000));
      }
    }
  }
}

/** kafkajs's types know nothing of the ordered headers under ORDERED_HEADERS (kafkajs-records.ts). */
const typed = (topicMessages: { topic: string; messages: OutgoingMessage[] }[]): TopicMessages[] =>
  topicMessages as unknown as TopicMessages[];

function offsetTopics(positions: readonly Position[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const p of positions) {
    let partitions = byTopic.get(p.topic);
    if (partitions === undefined) byTopic.set(p.topic, (partitions = []));
    partitions.push({ partition: p.partition, offset: String(p.offset) });
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * Errors of adding offsets to a transaction that clear by themselves: retry, in the same
 * transaction. kafkajs names the group coordinator's errors GROUP_* (its own retry list for
 * TxnOffsetCommit uses other names, so it never retries them).
 */
const OFFSETS_RETRIABLE = new Set([
  'CONCURRENT_TRANSACTIONS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_LOAD_IN_PROGRESS',
]);

/**
 * kafkajs retries CONCURRENT_TRANSACTIONS when adding partitions, not when adding offsets; nor
 * a group coordinator that is moving or loading.
 */
async function retryConcurrent<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (e) {
      if (!OFFSETS_RETRIABLE.has(errorType(e) ?? '') || attempt >= CONCURRENT_ATTEMPTS) throw e;
      await sleep(Math.min(5 * attempt, 50));
    }
  }
}
