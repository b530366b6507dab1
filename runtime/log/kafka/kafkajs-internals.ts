// kafkajs's public API has a Consumer that must join a group (no assign(), no fetch at an offset)
// and a Producer whose metadata breaks for good once one of its topics is deleted. Under both
// sits its Cluster/Broker layer, which its own consumer and producer are built on and which
// speaks the protocol requests the Log needs (Fetch, ListOffsets, OffsetCommit, ...) one by one.
// kafkajs ships that layer as plain CommonJS without an "exports" map; this file is the one
// place that loads it and types the small part used, so a kafkajs upgrade that moves these
// files fails here, at load time.
import { visibleRecords } from './visible-records.js';
import { createRequire } from 'node:module';
import type { Producer, RetryOptions, SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import type { Header } from '../log.js';

import { ORDERED_HEADERS, installRecordCodec } from './kafkajs-records.js';

const require = createRequire(import.meta.url);
// Before any request is encoded or decoded: see kafkajs-records.ts.
installRecordCodec();

export const ISOLATION = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;
export type IsolationLevel = (typeof ISOLATION)[keyof typeof ISOLATION];

/** ListOffsets' special timestamps. */
export const LATEST = -1;
export const EARLIEST = -2;

/** DescribeConfigs: the resource type of a topic, and the source of a topic-level setting. */
export const TOPIC_RESOURCE = 2;
export const TOPIC_CONFIG_SOURCE = 1;

/** A record as kafkajs decodes it: offsets and timestamps as decimal strings. */
export interface KMessage {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly [ORDERED_HEADERS]: readonly Header[];
  readonly isControlRecord: boolean;
  readonly batchContext: {
    readonly firstOffset: string;
    readonly lastOffsetDelta: number;
    readonly producerId: string;
    readonly inTransaction: boolean;
  };
}

export interface KFetchPartition {
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: string;
  readonly lastStableOffset: string;
  readonly abortedTransactions: readonly { readonly producerId: string; readonly firstOffset: string }[];
  readonly messages: readonly KMessage[];
}

export interface KFetchRequest {
  readonly isolationLevel: IsolationLevel;
  readonly maxWaitTime: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly topics: readonly {
    readonly topic: string;
    readonly partitions: readonly { readonly partition: number; readonly fetchOffset: string; readonly maxBytes: number }[];
  }[];
}

export interface KPartitionMetadata {
  readonly partitionId: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly partitionErrorCode: number;
}

export interface KTopicMetadata {
  readonly topic: string;
  readonly isInternal: boolean;
  readonly partitionMetadata: readonly KPartitionMetadata[];
}

export interface KMetadata {
  readonly topicMetadata: readonly KTopicMetadata[];
}

export interface KTopicOffsets {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}

export interface KBroker {
  readonly nodeId: number;
  metadata(topics: string[]): Promise<KMetadata>;
  fetch(request: KFetchRequest): Promise<{ responses: { topicName: string; partitions: KFetchPartition[] }[] }>;
  listOffsets(request: {
    isolationLevel: IsolationLevel;
    topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[];
  }): Promise<{ responses: { topic: string; partitions: { partition: number; offset: string }[] }[] }>;
  createTopics(request: {
    topics: {
      topic: string;
      numPartitions: number;
      replicationFactor: number;
      configEntries: { name: string; value: string }[];
    }[];
    timeout?: number;
  }): Promise<unknown>;
  deleteTopics(request: { topics: string[]; timeout?: number }): Promise<unknown>;
  describeConfigs(request: { resources: { type: number; name: string; configNames: string[] }[] }): Promise<{
    resources: {
      errorCode: number;
      resourceName: string;
      configEntries: { configName: string; configValue: string; configSource: number }[];
    }[];
  }>;
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<unknown>;
  // The classic group protocol (group.ts): JoinGroup answers the MEMBER_ID_REQUIRED round itself.
  joinGroup(request: {
    groupId: string;
    sessionTimeout: number;
    rebalanceTimeout: number;
    memberId: string;
    protocolType: string;
    groupProtocols: { name: string; metadata: Buffer }[];
  }): Promise<{
    generationId: number;
    groupProtocol: string;
    leaderId: string;
    memberId: string;
    members: { memberId: string; memberMetadata: Buffer }[];
  }>;
  syncGroup(request: {
    groupId: string;
    generationId: number;
    memberId: string;
    groupAssignment: { memberId: string; memberAssignment: Buffer }[];
  }): Promise<{ memberAssignment: Buffer }>;
  heartbeat(request: { groupId: string; groupGenerationId: number; memberId: string }): Promise<unknown>;
  leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown>;
  offsetFetch(request: { groupId: string; topics: [] }): Promise<{ responses: KTopicOffsets[] }>;
  deleteGroups(groupIds: string[]): Promise<{ results: { groupId: string; errorCode: number; error?: Error }[] }>;
}

export interface KCluster {
  /** Topics whose metadata every refresh asks for; empty asks for all topics. */
  targetTopics: Set<string>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  /** Adds a topic to targetTopics, refreshing metadata when the set grew. */
  addTargetTopic(topic: string): Promise<void>;
  findBroker(query: { nodeId: number | string }): Promise<KBroker>;
  /** The brokers of the last metadata (ids as strings). */
  getNodeIds(): string[];
  findControllerBroker(): Promise<KBroker>;
  findTopicPartitionMetadata(topic: string): readonly KPartitionMetadata[];
  findGroupCoordinator(query: { groupId: string }): Promise<KBroker>;
}

export interface ClusterOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl?: ConnectionOptions | boolean;
  readonly sasl?: SASLOptions;
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly retry?: RetryOptions;
  readonly isolationLevel: IsolationLevel;
  readonly logLevel: number;
  readonly logCreator: (level: number) => (entry: { namespace: string; level: number; label: string; log: { message: string } }) => void;
}

type ClusterConstructor = new (options: Record<string, unknown>) => KCluster;
type CreateProducer = (options: Record<string, unknown>) => Producer;
type CreateLogger = (options: { level: number; logCreator: ClusterOptions['logCreator'] }) => unknown;
type SocketFactory = () => unknown;

const Cluster = require('kafkajs/src/cluster/index.js') as ClusterConstructor;
const createProducer = require('kafkajs/src/producer/index.js') as CreateProducer;
const { createLogger } = require('kafkajs/src/loggers/index.js') as { createLogger: CreateLogger };
const defaultSocketFactory = require('kafkajs/src/network/socketFactory.js') as SocketFactory;

/** Drops control records, aborted transactions' records and records before the fetch offset (visible-records.ts). */
export function visibleMessages(_topic: string, fetchedOffset: number, partition: KFetchPartition): readonly KMessage[] {
  return visibleRecords(fetchedOffset, partition);
}

export interface Connection {
  readonly cluster: KCluster;
  readonly logger: unknown;
}

/** A Cluster with its own connections (one per broker for fetches, one for everything else). */
export function createCluster(options: ClusterOptions): Connection {
  const logger = createLogger({ level: options.logLevel, logCreator: options.logCreator });
  const cluster = new Cluster({
    logger,
    socketFactory: defaultSocketFactory(),
    brokers: [...options.brokers],
    ssl: options.ssl,
    sasl: options.sasl,
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeout,
    requestTimeout: options.requestTimeout,
    enforceRequestTimeout: true,
    retry: options.retry,
    // A typo in a topic name must fail, not create a topic on a broker that allows it.
    allowAutoTopicCreation: false,
    isolationLevel: options.isolationLevel,
    metadataMaxAge: 300_000,
  });
  return { cluster, logger };
}

/** A kafkajs producer on a Cluster we own, so that we can repair its metadata (see topics.ts). */
export function createClusterProducer(
  connection: Connection,
  options: { readonly transactionalId?: string; readonly retry?: RetryOptions },
): Producer {
  return createProducer({
    cluster: connection.cluster,
    logger: connection.logger,
    // Every record arrives with its partition already chosen by our murmur2 partitioner.
    createPartitioner: () => (args: { message: { partition: number } }) => args.message.partition,
    retry: options.retry,
    // Idempotent even for at-least-once: a retried request (a partition whose leader was not
    // ready yet, a lost response) must not write its records twice.
    idempotent: true,
    transactionalId: options.transactionalId,
  });
}
