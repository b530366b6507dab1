// The Log: topics of partitions of records, shaped like Kafka from the start so that the
// embedded (SQLite) and Kafka (kafkajs) implementations pass the same contract tests.

export interface Header {
  readonly key: string;
  readonly value: Buffer | null;
}

/** A record as written by a producer. Without `partition`, the log picks one from the key
 * with murmur2, like Kafka's default partitioner (keyless records go round-robin). */
export interface ProducerRecord {
  readonly partition?: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly Header[];
}

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number; // < 2^53: safe as a JS number
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly Header[];
}

export interface TopicConfig {
  readonly partitions: number;
  readonly replicas?: number;
  readonly retentionMs?: number;
  readonly cleanupPolicy?: 'delete' | 'compact';
}

export interface TopicInfo {
  readonly name: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly retentionMs?: number;
  readonly cleanupPolicy: 'delete' | 'compact';
}

/** A consumer position: the next offset to read. */
export interface Position {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** What `read` returns: records, and where the next read of the partition starts. */
export interface ReadResult {
  readonly records: readonly LogRecord[];
  /**
   * The offset to read from next: after the last record returned, or, when none was, past any
   * offsets that hold nothing a reader sees (Kafka's transaction markers and aborted records
   * under read_committed). A reader that keeps `next` reaches `endOffset` even when offsets
   * aren't dense; one that keeps "last offset + 1" may wait there forever.
   */
  readonly next: number;
}

export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly ProducerRecord[];
}

/**
 * Output records and input positions committed together: all or nothing. In embedded mode
 * this is one SQLite transaction; in Kafka mode a producer transaction with sendOffsets.
 * `state` lets the embedded implementation run extra writes (state stores, materialised
 * tables) inside the same transaction; the Kafka implementation mirrors state elsewhere.
 */
export interface Commit {
  readonly groupId: string;
  readonly outputs: readonly TopicRecords[];
  readonly positions: readonly Position[];
  readonly state?: () => void;
  /**
   * The caller will not read the records commit() returns (a persistent query): the log may
   * return none instead of a copy of every output with its offset.
   */
  readonly discardAppended?: boolean;
  /**
   * Output topics whose new end is also committed as the group's position, on each partition
   * this commit writes to, in the same commit. A changelog's committed position is then the
   * bound of the state that was committed: a restore reads the changelog up to it and no
   * further, so records of a batch whose commit did not complete are never applied.
   */
  readonly outputPositions?: readonly string[];
  /**
   * The consumer-group member committing (scale-out, see GroupMembership): its positions are
   * accepted only while it is a member of the group's current generation, so a member whose
   * partitions moved elsewhere cannot overwrite its successor's positions.
   */
  readonly member?: GroupMember;
  /**
   * The task committing (e.g. a query's partition number): under exactly_once_v2 the
   * transactional id is per task, so the task's next owner fences this one's transactions.
   */
  readonly task?: string;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** One generation of one member of a consumer group: what a member's commits carry. */
export interface GroupMember {
  readonly groupId: string;
  readonly memberId: string;
  readonly generationId: number;
}

/**
 * Callbacks of a group member. Rebalances are eager: every partition is revoked before the
 * member rejoins, so a partition is never processed by two members at once. Both callbacks are
 * awaited: onRevoked is the last moment to commit with the old generation.
 */
export interface GroupListener {
  onAssigned(partitions: readonly TopicPartition[], member: GroupMember): void | Promise<void>;
  onRevoked(partitions: readonly TopicPartition[]): void | Promise<void>;
}

export interface GroupOptions {
  /** The coordinator drops a member that has not heartbeated for this long (default 10 s). */
  readonly sessionTimeoutMs?: number;
  /** How long a rebalance waits for every member to rejoin (default 30 s). */
  readonly rebalanceTimeoutMs?: number;
  /** Default: a third of the session timeout. */
  readonly heartbeatIntervalMs?: number;
  /**
   * This member's REST URL: the leader hands every member the map of which URL owns which
   * partition number (GroupMembership.owners), so a pull query can go to the key's owner.
   */
  readonly endpoint?: string;
  /**
   * All partitions of all topics go to one member: a query whose state cannot be split by
   * partition (it re-keys in-process) runs as one task.
   */
  readonly oneTask?: boolean;
}

export interface GroupMembership {
  /** The current generation's identity, undefined while the member (re)joins. */
  member(): GroupMember | undefined;
  /** The partitions assigned in the current generation. */
  assignment(): readonly TopicPartition[];
  /** Partition number → the endpoint of the member it is assigned to, in the current generation. */
  owners(): ReadonlyMap<number, string>;
  /** Revokes the assignment (awaiting onRevoked), then leaves the group at once. */
  leave(): Promise<void>;
}

export class TopicExistsError extends Error {
  override readonly name = 'TopicExistsError';
}
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
}
/** Another process holds the data directory for writing. */
export class LogLockedError extends Error {
  override readonly name = 'LogLockedError';
}

export interface Log {
  readonly kind: 'embedded' | 'kafka';

  createTopic(name: string, config: TopicConfig): Promise<void>; // TopicExistsError if present
  deleteTopic(name: string): Promise<void>; // UnknownTopicError if absent
  describeTopic(name: string): Promise<TopicInfo | undefined>;
  listTopics(): Promise<readonly TopicInfo[]>;

  /** Appends records (non-transactionally, each call atomic in embedded mode). Returns them with offsets. */
  produce(topic: string, records: readonly ProducerRecord[]): Promise<readonly LogRecord[]>;

  /** Reads up to `maxRecords` records of one partition from `offset` on (may return fewer, or none). */
  fetch(topic: string, partition: number, offset: number, maxRecords: number): Promise<readonly LogRecord[]>;

  /** As fetch, and where the next read starts (see ReadResult). */
  read(topic: string, partition: number, offset: number, maxRecords: number): Promise<ReadResult>;

  /** The offset the next record of the partition will get (the "high watermark"). */
  endOffset(topic: string, partition: number): Promise<number>;
  /** The first offset still present (after retention). */
  startOffset(topic: string, partition: number): Promise<number>;

  /** The committed positions of a consumer group (empty when it never committed). */
  committed(groupId: string): Promise<readonly Position[]>;
  /** Writes outputs and positions atomically (see Commit). */
  commit(commit: Commit): Promise<readonly LogRecord[]>;
  /** Forget a consumer group's positions (TERMINATE / DROP). */
  deleteGroup(groupId: string): Promise<void>;

  /**
   * Joins a consumer group that shares the topics' partitions between its members (scale-out);
   * resolves after the first assignment. Optional: a single embedded process owns everything.
   */
  joinGroup?(groupId: string, topics: readonly string[], listener: GroupListener, options?: GroupOptions): Promise<GroupMembership>;

  /** Resolves once any of the topics gets a new record, or after `timeoutMs`. */
  waitForData(topics: readonly string[], timeoutMs: number): Promise<void>;

  close(): Promise<void>;
}
