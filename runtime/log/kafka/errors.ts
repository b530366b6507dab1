// What kafkajs's errors mean to the Log. kafkajs throws KafkaJSProtocolError with the broker's
// error name in `type`, and its own KafkaJS* errors (named by `name`) for client-side failures.

interface KafkaJsLikeError {
  readonly name?: string;
  /** KafkaJSNumberOfRetriesExceeded: the last error retried. */
  readonly cause?: unknown;
  readonly type?: string;
  readonly retriable?: boolean;
  readonly errors?: readonly unknown[];
  readonly topic?: string;
  readonly partition?: number;
}

const asError = (e: unknown): KafkaJsLikeError => (typeof e === 'object' && e !== null ? (e as KafkaJsLikeError) : {});

/** The broker's error name (e.g. UNKNOWN_TOPIC_OR_PARTITION), also inside an aggregate error. */
export function errorType(e: unknown): string | undefined {
  const err = asError(e);
  if (err.type !== undefined) return err.type;
  if (err.cause !== undefined && err.cause !== e) return errorType(err.cause);
  const first = err.errors?.[0];
  return first === undefined ? undefined : asError(first).type;
}

export const isUnknownTopic = (e: unknown): boolean => errorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION';

export const isOffsetOutOfRange = (e: unknown): boolean =>
  asError(e).name === 'KafkaJSOffsetOutOfRange' || errorType(e) === 'OFFSET_OUT_OF_RANGE';

/** The partition an OffsetOutOfRange error names. */
export function outOfRangePartition(e: unknown): { topic: string; partition: number } | undefined {
  const { topic, partition } = asError(e);
  return topic !== undefined && partition !== undefined ? { topic, partition } : undefined;
}

const STALE_METADATA = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_LEADER_FOR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'NOT_COORDINATOR',
  'NOT_COORDINATOR_FOR_GROUP',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
]);

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/** Errors that a metadata refresh (new leader, new coordinator, reconnect) may cure. */
export function isRetriable(e: unknown): boolean {
  const err = asError(e);
  const type = errorType(e);
  return (type !== undefined && STALE_METADATA.has(type)) || CONNECTION_ERRORS.has(err.name ?? '') || err.retriable === true;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
