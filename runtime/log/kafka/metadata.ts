// Which partitions a topic has and which broker leads each, from a kafkajs Cluster's cache.
//
// kafkajs refreshes metadata for a set of "target topics" and fails the whole refresh when one
// of them no longer exists, so a single deleted topic (deleted by anyone) would break every
// later request. `heal` empties the set, which makes the next refresh ask for all topics, and
// topics are added back as they are used.
import { UnknownTopicError } from '../log.js';
import { isUnknownTopic } from './errors.js';
import type { KBroker, KCluster, KPartitionMetadata } from './kafkajs-internals.js';

export class PartitionMetadata {
  constructor(readonly cluster: KCluster) {}

  /** The topic's partitions, loading its metadata on first use; UnknownTopicError if absent. */
  async partitions(topic: string): Promise<readonly KPartitionMetadata[]> {
    const cached = this.cached(topic);
    if (cached.length > 0) return cached;
    await this.track(topic);
    const loaded = this.cached(topic);
    if (loaded.length === 0) throw new UnknownTopicError(`topic ${topic} does not exist`);
    return loaded;
  }

  async partitionCount(topic: string): Promise<number> {
    return (await this.partitions(topic)).length;
  }

  /** Throws like the embedded log for a partition the topic does not have. */
  async checkPartition(topic: string, partition: number): Promise<void> {
    const count = await this.partitionCount(topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
      throw new RangeError(`topic ${topic} has no partition ${partition} (it has ${count})`);
    }
  }

  /** The broker leading a partition (the partition must exist: see checkPartition). */
  async leader(topic: string, partition: number): Promise<KBroker> {
    const meta = (await this.partitions(topic)).find((p) => p.partitionId === partition);
    if (meta === undefined || meta.leader < 0) {
      await this.refresh();
      const again = this.cached(topic).find((p) => p.partitionId === partition);
      if (again === undefined || again.leader < 0) throw new Error(`topic ${topic} partition ${partition} has no leader`);
      return this.cluster.findBroker({ nodeId: again.leader });
    }
    return this.cluster.findBroker({ nodeId: meta.leader });
  }

  /** Any broker, for requests that every broker answers (metadata, admin requests it forwards). */
  async anyBroker(): Promise<KBroker> {
    try {
      return await this.cluster.findControllerBroker();
    } catch {
      await this.refresh();
      return this.cluster.findControllerBroker();
    }
  }

  async refresh(): Promise<void> {
    try {
      await this.cluster.refreshMetadata();
    } catch (e) {
      if (!isUnknownTopic(e)) throw e;
      await this.heal();
    }
  }

  /** Stops asking for a topic that was deleted. */
  async forget(topic: string): Promise<void> {
    this.cluster.targetTopics.delete(topic);
    await this.refresh();
  }

  private cached(topic: string): readonly KPartitionMetadata[] {
    try {
      return this.cluster.findTopicPartitionMetadata(topic);
    } catch {
      return []; // no metadata loaded yet
    }
  }

  private async track(topic: string): Promise<void> {
    try {
      await this.cluster.connect();
      await addTarget(this.cluster, topic);
    } catch (e) {
      if (!isUnknownTopic(e)) throw e;
      // Either this topic is missing, or another target was deleted: tell the two apart.
      await this.heal();
      try {
        await addTarget(this.cluster, topic);
      } catch (again) {
        if (isUnknownTopic(again)) throw new UnknownTopicError(`topic ${topic} does not exist`);
        throw again;
      }
    }
  }

  private async heal(): Promise<void> {
    this.cluster.targetTopics.clear();
    await this.cluster.refreshMetadata();
  }
}

async function addTarget(cluster: KCluster, topic: string): Promise<void> {
  // kafkajs only refreshes when the target set grows: a topic that is a target but missing
  // from the cache (created after the last refresh) needs an explicit refresh.
  if (cluster.targetTopics.has(topic)) await cluster.refreshMetadata();
  else await cluster.addTargetTopic(topic);
}
