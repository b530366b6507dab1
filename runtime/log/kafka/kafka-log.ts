// The Log on Apache Kafka, through kafkajs. Every topic is a Kafka topic; consumer positions are
// a consumer group's committed offsets; commits follow the processing guarantee (writer.ts).
//
// Two kafkajs Clusters (sets of connections) are used: one for admin requests, produce, reads
// and offsets, and one only for waitForData's long-poll Fetches, which a broker holds for up to
// half a second and which would otherwise queue every read behind them.
import type { Commit, Log, LogRecord, Position, ProducerRecord, TopicConfig, TopicInfo } from '../log.js';
import { Fetcher } from './fetcher.js';
import { ISOLATION, LATEST, createCluster, type Connection, type IsolationLevel } from './kafkajs-internals.js';
import { kafkajsLevel, lineLogCreator } from './logger.js';
import { PartitionMetadata } from './metadata.js';
import { resolveOptions, type KafkaLogOptions, type ProcessingGuarantee, type ResolvedKafkaLogOptions } from './options.js';
import { TopicAdmin } from './topics.js';
import { DataWatcher } from './watcher.js';
import { Writer } from './writer.js';

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
  private closed = false;

  private constructor(options: ResolvedKafkaLogOptions) {
    this.processingGuarantee = options.processingGuarantee;
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

  createTopic(name: string, config: TopicConfig): Promise<void> {
    return this.topics.create(name, config);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.topics.delete(name);
    this.fetcher.forget(name);
    this.writer.forget(name);
    this.watcher.forget(name);
  }

  describeTopic(name: string): Promise<TopicInfo | undefined> {
    return this.topics.describe(name);
  }

  listTopics(): Promise<readonly TopicInfo[]> {
    return this.topics.list();
  }

  async produce(topic: string, records: readonly ProducerRecord[]): Promise<readonly LogRecord[]> {
    const appended = await this.writer.produce([{ topic, records }]);
    if (appended.length > 0) this.watcher.notify(topic);
    return appended;
  }

  fetch(topic: string, partition: number, offset: number, maxRecords: number): Promise<readonly LogRecord[]> {
    return this.fetcher.fetch(topic, partition, offset, maxRecords);
  }

  async endOffset(topic: string, partition: number): Promise<number> {
    await this.metadata.checkPartition(topic, partition);
    return this.fetcher.listOffset(topic, partition, LATEST);
  }

  async startOffset(topic: string, partition: number): Promise<number> {
    await this.metadata.checkPartition(topic, partition);
    return this.fetcher.startOffset(topic, partition);
  }

  committed(groupId: string): Promise<readonly Position[]> {
    return this.writer.committed(groupId);
  }

  async commit(commit: Commit): Promise<readonly LogRecord[]> {
    const appended = await this.writer.commit(commit);
    for (const output of commit.outputs) if (output.records.length > 0) this.watcher.notify(output.topic);
    return appended;
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.writer.deleteGroup(groupId);
  }

  waitForData(topics: readonly string[], timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.watcher.wait(topics, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Disconnecting fails the watcher's Fetch in flight, so its loop ends at once.
    const watching = this.watcher.close();
    await Promise.allSettled([this.watch.cluster.disconnect(), this.main.cluster.disconnect()]);
    await watching;
  }
}
