// The Log on Apache Kafka, through kafkajs. Every topic is a Kafka topic; consumer positions are
// a consumer group's committed offsets; commits follow the processing guarantee (writer.ts).
//
// Two kafkajs Clusters (sets of connections) are used: one for admin requests, produce, reads
// and offsets, and one only for waitForData's long-poll Fetches, which a broker holds for up to
// half a second and which would otherwise queue every read behind them.
import type { Commit, GroupListener, GroupMembership, GroupOptions, Log, LogRecord, Position, ProducerRecord, ReadResult, TopicConfig, TopicInfo } from '../log.js';
import { isRetriable, sleep } from './errors.js';
import { Fetcher } from './fetcher.js';
import { KafkaGroupMember } from './group.js';
import { ISOLATION, LATEST, createCluster, type Connection, type IsolationLevel } from './kafkajs-internals.js';
import { kafkajsLevel, lineLogCreator } from './logger.js';
import { PartitionMetadata } from './metadata.js';
import { Namespace } from './namespace.js';
import { resolveOptions, type KafkaLogOptions, type ProcessingGuarantee, type ResolvedKafkaLogOptions } from './options.js';
import { TopicAdmin } from './topics.js';
import { DataWatcher } from './watcher.js';
import { Writer } from './writer.js';

/** How long a created topic may take to be served by its leaders. */
const SERVING_WAIT_MS = 15_000;

export class KafkaLog implements Log {
  readonly kind = 'kafka';
  readonly processingGuarantee: ProcessingGuarantee;

  private readonly main: Connection;
  private readonly watch: Connection;
  private readonly metadata: PartitionMetadata;
  private readonly topics: TopicAdmin;
  private readonly fetcher: Fetcher;
  private readonly writer: Writer;
  private readonly watcher: DataWatcher;
  private readonly ns: Namespace;
  /** A new set of connections (a Cluster) under a client id. */
  private readonly connection: (clientId: string) => Connection;
  private readonly clientId: string;
  private readonly memberships = new Set<KafkaGroupMember>();
  private closed = false;

  private constructor(options: ResolvedKafkaLogOptions) {
    this.processingGuarantee = options.processingGuarantee;
    this.ns = new Namespace(options.namespace ?? '');
    // Readers see what the guarantee promises: under exactly-once, only committed transactions.
    const isolation: IsolationLevel =
      options.processingGuarantee === 'exactly_once_v2' ? ISOLATION.READ_COMMITTED : ISOLATION.READ_UNCOMMITTED;
    const cluster = (clientId: string): Connection =>
      createCluster({
        brokers: options.brokers,
        clientId,
        ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
        ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
        connectionTimeout: options.connectionTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
        isolationLevel: isolation,
        logLevel: kafkajsLevel(options.logLevel),
        logCreator: lineLogCreator,
      });
    this.connection = cluster;
    this.clientId = options.clientId;
    this.main = cluster(options.clientId);
    this.watch = cluster(`${options.clientId}-watch`);
    this.metadata = new PartitionMetadata(this.main.cluster);
    this.topics = new TopicAdmin(this.metadata, options.requestTimeoutMs);
    this.fetcher = new Fetcher(this.metadata, isolation);
    const latest = (topic: string, partition: number): Promise<number> => this.fetcher.listOffset(topic, partition, LATEST);
    this.writer = new Writer(this.main, this.metadata, options, latest);
    this.watcher = new DataWatcher(
      new PartitionMetadata(this.watch.cluster),
      (topic) => this.metadata.partitionCount(topic),
      isolation,
      async (topic, partition) => this.fetcher.seenEnd(topic, partition) ?? latest(topic, partition),
      latest,
    );
  }

  /** Connects to the cluster (failing fast when no broker answers). */
  static async connect(options: KafkaLogOptions): Promise<KafkaLog> {
    const log = new KafkaLog(resolveOptions(options));
    try {
      await log.main.cluster.connect();
      await log.metadata.refresh();
    } catch (e) {
      await log.close();
      throw e;
    }
    return log;
  }

  async createTopic(name: string, config: TopicConfig): Promise<void> {
    const topic = this.ns.outer(name);
    await this.named(this.topics.create(topic, config));
    // A broker publishes new metadata before it has created the partitions it leads: for that
    // moment, reads and writes fail as if the topic did not exist. Created means usable.
    const deadline = Date.now() + SERVING_WAIT_MS;
    for (let p = 0; p < config.partitions; p++) {
      for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
        try {
          await this.fetcher.listOffset(topic, p, LATEST);
          break;
        } catch (e) {
          if (!isRetriable(e) || Date.now() > deadline) throw this.ns.error(e);
          await sleep(delay);
        }
      }
    }
  }

  async deleteTopic(name: string): Promise<void> {
    const topic = this.ns.outer(name);
    await this.named(this.topics.delete(topic));
    this.fetcher.forget(topic);
    this.writer.forget(topic);
    this.watcher.forget(topic);
  }

  async describeTopic(name: string): Promise<TopicInfo | undefined> {
    const info = await this.topics.describe(this.ns.outer(name));
    return info && this.ns.info(info);
  }

  async listTopics(): Promise<readonly TopicInfo[]> {
    if (this.ns.empty) return this.topics.list();
    return (await this.topics.list((name) => this.ns.owns(name))).map((t) => this.ns.info(t));
  }

  async produce(topic: string, records: readonly ProducerRecord[]): Promise<readonly LogRecord[]> {
    const outer = this.ns.outer(topic);
    const appended = await this.named(this.writer.produce([{ topic: outer, records }]));
    if (appended.length > 0) this.watcher.notify(outer);
    return this.ns.records(appended);
  }

  async fetch(topic: string, partition: number, offset: number, maxRecords: number): Promise<readonly LogRecord[]> {
    return (await this.read(topic, partition, offset, maxRecords)).records;
  }

  async read(topic: string, partition: number, offset: number, maxRecords: number): Promise<ReadResult> {
    const result = await this.named(this.fetcher.fetch(this.ns.outer(topic), partition, offset, maxRecords));
    return this.ns.empty ? result : { records: this.ns.records(result.records), next: result.next };
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    const outer = this.ns.outer(topic);
    await this.named(this.metadata.checkPartition(outer, partition));
    return this.fetcher.listOffset(outer, partition, LATEST);
  }

  async startOffset(topic: string, partition: number): Promise<number> {
    const outer = this.ns.outer(topic);
    await this.named(this.metadata.checkPartition(outer, partition));
    return this.fetcher.startOffset(outer, partition);
  }

  async committed(groupId: string): Promise<readonly Position[]> {
    return this.ns.innerPositions(await this.writer.committed(this.ns.outer(groupId)));
  }

  async commit(commit: Commit): Promise<readonly LogRecord[]> {
    if (commit.member !== undefined && commit.member.groupId !== commit.groupId) {
      throw new Error(`a member of group ${commit.member.groupId} cannot commit for group ${commit.groupId}`);
    }
    const outer: Commit = this.ns.empty
      ? commit
      : {
          ...commit,
          groupId: this.ns.outer(commit.groupId),
          outputs: commit.outputs.map((o) => ({ topic: this.ns.outer(o.topic), records: o.records })),
          positions: this.ns.outerPositions(commit.positions),
          ...(commit.outputPositions ? { outputPositions: commit.outputPositions.map((t) => this.ns.outer(t)) } : {}),
        };
    const appended = await this.named(this.writer.commit(outer));
    for (const output of outer.outputs) if (output.records.length > 0) this.watcher.notify(output.topic);
    return this.ns.records(appended);
  }

  /**
   * Joins `groupId` as a member sharing the topics' partitions (group.ts). Its commits pass the
   * member given to onAssigned as `Commit.member`.
   */
  async joinGroup(
    groupId: string,
    topics: readonly string[],
    listener: GroupListener,
    options?: GroupOptions,
  ): Promise<GroupMembership> {
    if (this.closed) throw new Error('the Kafka log is closed');
    const outerTopics = topics.map((t) => this.ns.outer(t));
    // The topics must exist: the leader assigns their partitions from the metadata.
    for (const topic of outerTopics) await this.named(this.metadata.partitionCount(topic));
    const member = new KafkaGroupMember(
      this.connection(`${this.clientId}-group`),
      groupId,
      outerTopics,
      listener,
      { outer: (name) => this.ns.outer(name), inner: (name) => this.ns.inner(name) },
      options,
    );
    await member.start();
    this.memberships.add(member);
    return {
      member: () => member.member(),
      assignment: () => member.assignment(),
      owners: () => member.owners(),
      leave: async () => {
        this.memberships.delete(member);
        await member.leave();
      },
    };
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.writer.deleteGroup(this.ns.outer(groupId));
  }

  waitForData(topics: readonly string[], timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.watcher.wait(
      topics.map((t) => this.ns.outer(t)),
      timeoutMs,
    );
  }

  /** Errors of a request name topics as the caller knows them (see Namespace). */
  private async named<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (e) {
      throw this.ns.error(e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Members leave first: their last commits (onRevoked) still need the main connection.
    await Promise.allSettled([...this.memberships].map((m) => m.leave()));
    this.memberships.clear();
    // Disconnecting fails the watcher's Fetch in flight, so its loop ends at once.
    const watching = this.watcher.close();
    await Promise.allSettled([this.watch.cluster.disconnect(), this.main.cluster.disconnect()]);
    await watching;
  }
}
