// The Engine facade's public types. The CLI, REPL, server, tests, conformance runner and
// benchmarks all go through `Engine` (runtime/engine/engine.ts) and these types.

import type { SqlType } from '../../planner/types.js';
import type { KafkaLogOptions } from '../log/kafka/options.js';
import type { Log } from '../log/log.js';

export interface EngineOptions {
  /**
   * Embedded: the log's data directory. Kafka mode: the local state directory, holding
   * `state-<serviceId>.db` (stores and materialised tables). Default ./sluice-data.
   */
  readonly dataDir?: string;
  /** Embedded: an in-memory log. Kafka mode: local state in memory (restored from the changelogs at every start). */
  readonly memory?: boolean;
  /** Bring your own Log. */
  readonly log?: Log;
  /**
   * Kafka mode: every topic lives in Kafka, reached through kafkajs (`ssl` and `sasl` are
   * kafkajs's own options, passed through). The processing guarantee is the property
   * `processing.guarantee` ('at_least_once', the default, or 'exactly_once_v2').
   */
  readonly kafka?: KafkaEngineOptions;
  /**
   * Kafka mode: instances with the same service id share one catalog (the command topic
   * `_sluice_<serviceId>_commands`), consumer groups and internal topics. Default 'default'.
   */
  readonly serviceId?: string;
  /**
   * Kafka mode: the URL other instances of the service reach this one's REST API at, to
   * forward pull queries for keys whose state lives here (ksqlDB's ksql.advertised.listener).
   */
  readonly advertisedUrl?: string;
  /**
   * GROUP BY and joins on non-key columns go through internal repartition topics
   * (`<group>-Aggregate-GroupBy-repartition`, …) instead of re-keying in-process. Default: on in
   * Kafka mode, where a query's tasks may run on several instances; off embedded, where one task
   * runs them all (tests turn it on to check both give the same results).
   */
  readonly repartitionTopics?: boolean;
  /** Initial session/config properties, e.g. {'auto.offset.reset': 'earliest'}. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** How to reach Kafka: KafkaLog's options, less what the engine decides itself. */
export type KafkaEngineOptions = Omit<KafkaLogOptions, 'processingGuarantee' | 'transactionalIdPrefix'>;

export type { ColumnInfo, ColumnRole, WindowKind, SourceInfo } from '../../planner/catalog.js';
import type { SourceInfo } from '../../planner/catalog.js';

export interface QueryInfo {
  readonly id: string;
  readonly sql: string;
  readonly sinks: readonly string[];
  readonly sources: readonly string[];
  readonly state: 'RUNNING' | 'ERROR';
  readonly queryType: 'PERSISTENT' | 'PUSH';
}

/**
 * One result per statement. `type` follows ksqlDB's REST entity names (`@type`), so the
 * server can serve them almost as they are.
 */
export type StatementResult =
  | {
      readonly type: 'currentStatus';
      readonly statementText: string;
      readonly status: 'SUCCESS';
      readonly message: string;
      readonly queryId?: string;
    }
  | { readonly type: 'streams'; readonly statementText: string; readonly sources: readonly SourceInfo[] }
  | { readonly type: 'tables'; readonly statementText: string; readonly sources: readonly SourceInfo[] }
  | {
      readonly type: 'kafka_topics';
      readonly statementText: string;
      readonly topics: readonly { readonly name: string; readonly partitions: number; readonly replicas: number }[];
    }
  | { readonly type: 'queries'; readonly statementText: string; readonly queries: readonly QueryInfo[] }
  | { readonly type: 'properties'; readonly statementText: string; readonly properties: Readonly<Record<string, string>> }
  | {
      readonly type: 'function_names';
      readonly statementText: string;
      readonly functions: readonly { readonly name: string; readonly type: 'SCALAR' | 'AGGREGATE' | 'TABLE'; readonly category: string }[];
    }
  | { readonly type: 'type_list'; readonly statementText: string; readonly types: Readonly<Record<string, string>> }
  | { readonly type: 'variables'; readonly statementText: string; readonly variables: Readonly<Record<string, string>> }
  | {
      readonly type: 'sourceDescription';
      readonly statementText: string;
      readonly source: SourceInfo;
      readonly extended: boolean;
      readonly readQueries: readonly string[];
      readonly writeQueries: readonly string[];
    }
  | {
      readonly type: 'describe_function';
      readonly statementText: string;
      readonly name: string;
      readonly description: string;
      readonly functionType: 'SCALAR' | 'AGGREGATE' | 'TABLE';
      readonly variants: readonly { readonly signature: string; readonly returnType: string; readonly description: string }[];
    }
  | { readonly type: 'queryDescription'; readonly statementText: string; readonly queryId: string | undefined; readonly plan: string }
  | {
      readonly type: 'rows';
      readonly statementText: string;
      readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
      readonly rows: readonly (readonly unknown[])[];
    }
  | { readonly type: 'print'; readonly statementText: string; readonly lines: readonly string[] };

/** A user-facing error: a message with the line:col it points at. Never a stack trace. */
export class SluiceError extends Error {
  override readonly name = 'SluiceError';
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly statementText?: string,
    readonly expected?: readonly string[],
  ) {
    super(message);
  }
  /** `line:col: message` (or just the message when there is no position). */
  override toString(): string {
    return this.line !== undefined ? `${this.line}:${this.column}: ${this.message}` : this.message;
  }
}
