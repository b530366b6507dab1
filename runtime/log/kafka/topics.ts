// Topic administration against the brokers: create, delete, describe and list, with the
// settings the Log reports (partitions, replicas, retention.ms, cleanup.policy).
import { TopicExistsError, UnknownTopicError, type TopicConfig, type TopicInfo } from '../log.js';
import { checkTopicName } from '../embedded/topic-name.js';
import { errorType, isRetriable, isUnknownTopic, sleep } from './errors.js';
import { TOPIC_CONFIG_SOURCE, TOPIC_RESOURCE, type KBroker, type KTopicMetadata } from './kafkajs-internals.js';
import type { PartitionMetadata } from './metadata.js';

const CONFIG_NAMES = ['retention.ms', 'cleanup.policy'];
/** Kafka's own topics (Topic.INTERNAL_TOPICS); the metadata's isInternal flag marks them too. */
const KAFKA_INTERNAL = new Set(['__consumer_offsets', '__transaction_state']);
/** How long a created or deleted topic may take to appear in (or leave) the brokers' metadata. */
const PROPAGATION_MS = 15_000;
const LIST_ATTEMPTS = 5;

export class TopicAdmin {
  constructor(
    private readonly metadata: PartitionMetadata,
    private readonly requestTimeoutMs: number,
  ) {}

  async create(name: string, config: TopicConfig): Promise<void> {
    checkTopicName(name);
    if (!Number.isInteger(config.partitions) || config.partitions < 1) {
      throw new Error(`topic ${name}: partitions must be a positive integer, got ${config.partitions}`);
    }
    const configEntries: { name: string; value: string }[] = [];
    if (config.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(config.retentionMs) });
    if (config.cleanupPolicy !== undefined) configEntries.push({ name: 'cleanup.policy', value: config.cleanupPolicy });
    const broker = await this.metadata.anyBroker();
    try {
      await broker.createTopics({
        topics: [
          {
            topic: name,
            numPartitions: config.partitions,
            // -1: the cluster's default.replication.factor, as a Kafka admin client would use.
            replicationFactor: config.replicas ?? -1,
            configEntries,
          },
        ],
        timeout: this.requestTimeoutMs,
      });
    } catch (e) {
      if (errorType(e) === 'TOPIC_ALREADY_EXISTS') throw new TopicExistsError(`topic ${name} already exists`);
      throw e;
    }
    // The controller has committed the topic; each broker learns of it a moment later, and
    // metadata requests go to any of them. Callers use a topic right after creating it, so
    // wait until every broker knows it with a leader for every partition.
    await this.untilEveryBroker(
      (topic) => topic !== undefined && topic.partitionMetadata.length === config.partitions,
      name,
      `topic ${name} to get leaders`,
    );
    await this.metadata.partitions(name);
  }

  async delete(name: string): Promise<void> {
    const broker = await this.metadata.anyBroker();
    try {
      await broker.deleteTopics({ topics: [name], timeout: this.requestTimeoutMs });
    } catch (e) {
      if (isUnknownTopic(e)) throw new UnknownTopicError(`topic ${name} does not exist`);
      throw e;
    }
    // So that describe, list and a re-create right after see the topic gone.
    await this.untilEveryBroker((topic) => topic === undefined, name, `topic ${name} to be deleted`);
    await this.metadata.forget(name);
  }

  async describe(name: string): Promise<TopicInfo | undefined> {
    const topic = await this.fetchTopic(name);
    if (topic === undefined) return undefined;
    const [info] = await this.withConfigs([topic]);
    return info;
  }

  /** Every topic (that `wanted` accepts), with its settings. */
  async list(wanted: (name: string) => boolean = () => true): Promise<readonly TopicInfo[]> {
    for (let attempt = 1; ; attempt++) {
      const broker = await this.metadata.anyBroker();
      const { topicMetadata } = await broker.metadata([]);
      const topics = topicMetadata.filter((t) => !t.isInternal && !KAFKA_INTERNAL.has(t.topic) && wanted(t.topic));
      try {
        const infos = await this.withConfigs(topics);
        return infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (e) {
        // A topic deleted (by anyone) between the two requests: list again without it.
        if (!isUnknownTopic(e) || attempt >= LIST_ATTEMPTS) throw e;
      }
    }
  }

  /** Fresh metadata of one topic from a broker (not the cache), or undefined if it is absent. */
  private async fetchTopic(name: string, from?: KBroker): Promise<KTopicMetadata | undefined> {
    const broker = from ?? (await this.metadata.anyBroker());
    try {
      const { topicMetadata } = await broker.metadata([name]);
      return topicMetadata.find((t) => t.topic === name);
    } catch (e) {
      if (isUnknownTopic(e)) return undefined;
      // A topic still being created has partitions without a leader yet.
      if (errorType(e) === 'LEADER_NOT_AVAILABLE') return { topic: name, isInternal: false, partitionMetadata: [] };
      throw e;
    }
  }

  private async withConfigs(topics: readonly KTopicMetadata[]): Promise<TopicInfo[]> {
    if (topics.length === 0) return [];
    const broker: KBroker = await this.metadata.anyBroker();
    const { resources } = await broker.describeConfigs({
      resources: topics.map((t) => ({ type: TOPIC_RESOURCE, name: t.topic, configNames: CONFIG_NAMES })),
    });
    const byName = new Map(resources.map((r) => [r.resourceName, r]));
    const infos: TopicInfo[] = [];
    for (const t of topics) {
      const entries = byName.get(t.topic)?.configEntries ?? [];
      const retention = entries.find((e) => e.configName === 'retention.ms');
      const cleanup = entries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? 'delete';
      infos.push({
        name: t.topic,
        partitions: t.partitionMetadata.length,
        replicas: t.partitionMetadata[0]?.replicas.length ?? 0,
        // Only a retention set on the topic, as the embedded log reports only what was declared.
        ...(retention !== undefined && retention.configSource === TOPIC_CONFIG_SOURCE
          ? { retentionMs: Number(retention.configValue) }
          : {}),
        cleanupPolicy: cleanup.split(',').includes('compact') ? 'compact' : 'delete',
      });
    }
    return infos;
  }

  /** Waits until every broker that answers agrees on the topic (a broker that is down is not asked). */
  private async untilEveryBroker(
    done: (topic: KTopicMetadata | undefined) => boolean,
    name: string,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + PROPAGATION_MS;
    const cluster = this.metadata.cluster;
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      await this.metadata.anyBroker(); // loads the broker list on first use
      const answers = await Promise.all(
        cluster.getNodeIds().map(async (nodeId) => {
          try {
            return done(await this.fetchTopic(name, await cluster.findBroker({ nodeId })));
          } catch (e) {
            if (isRetriable(e) && !isUnknownTopic(e)) return true; // unreachable: it catches up when back
            throw e;
          }
        }),
      );
      if (answers.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(delay);
    }
  }
}
