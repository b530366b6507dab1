// How a KafkaLog connects and what it guarantees. `ssl` and `sasl` are kafkajs's own options,
// passed through unchanged, so every mechanism kafkajs supports (PLAIN, SCRAM, OAUTHBEARER,
// AWS, mutual TLS) works without Sluice knowing about it.
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';

/**
 * - `at_least_once` (the default): outputs are produced, then input positions are committed;
 *   a crash in between replays the batch. Readers see every record (read_uncommitted).
 * - `exactly_once_v2`: outputs and input positions are committed in one Kafka transaction, and
 *   readers only see committed transactions (read_committed).
 */
export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaLogOptions {
  /** Bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly ssl?: ConnectionOptions | boolean;
  readonly sasl?: SASLOptions;
  readonly processingGuarantee?: ProcessingGuarantee;
  /**
   * Prefix of the transactional ids (exactly_once_v2): `${prefix}${groupId}`. Two processes
   * committing for the same group with the same prefix fence each other, as zombies must be.
   */
  readonly transactionalIdPrefix?: string;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /**
   * A prefix on every topic and consumer group, which callers never see: topics outside it are
   * not listed, and names in records, positions and errors come back without it.
   */
  readonly namespace?: string;
  /**
   * kafkajs logs retries it recovers from as errors; the Log reports failures by throwing, so
   * by default nothing is printed. Anything else prints one line per entry to stderr.
   */
  readonly logLevel?: KafkaLogLevel;
}

export interface ResolvedKafkaLogOptions extends KafkaLogOptions {
  readonly clientId: string;
  readonly processingGuarantee: ProcessingGuarantee;
  readonly transactionalIdPrefix: string;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly logLevel: KafkaLogLevel;
}

export function resolveOptions(options: KafkaLogOptions): ResolvedKafkaLogOptions {
  if (options.brokers.length === 0) throw new Error('Kafka log: at least one broker (host:port) is needed');
  const clientId = options.clientId ?? 'sluice';
  return {
    ...options,
    clientId,
    processingGuarantee: options.processingGuarantee ?? 'at_least_once',
    transactionalIdPrefix: options.transactionalIdPrefix ?? `${clientId}-`,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    logLevel: options.logLevel ?? 'nothing',
  };
}
