// What an Engine runs on: its Log, its state storage, and the names that depend on the mode.
//   embedded: the SQLite log, state in the same database, the command topic of old;
//   Kafka:    KafkaLog, state in `<dataDir>/state-<serviceId>.db` mirrored to changelogs,
//             `_sluice_<serviceId>_...` consumer groups and command topic.

import { EmbeddedLog } from '../log/embedded/embedded-log.js';
import { KafkaLog } from '../log/kafka/kafka-log.js';
import type { ProcessingGuarantee } from '../log/kafka/options.js';
import type { Log } from '../log/log.js';
import { groupIdFor, type ScaleOut } from '../query/persistent-query.js';
import type { GroupOptions } from '../log/log.js';
import type { StateStorage } from '../state/storage.js';
import type { EngineOptions } from './api.js';
import { COMMAND_TOPIC, kafkaCommandTopic } from './command-log.js';
import { EmbeddedStateStorage } from './state/embedded-storage.js';
import { KafkaStateStorage } from './state/kafka-storage.js';
import { LocalDatabase } from './state/local-database.js';

export const DEFAULT_SERVICE_ID = 'default';
/** Kafka Streams' commit.interval.ms: a Kafka commit (a transaction) costs tens of ms. */
const KAFKA_COMMIT_INTERVAL_MS = 100;
const GUARANTEE_PROPERTIES = ['processing.guarantee', 'ksql.streams.processing.guarantee'];
const COMMIT_INTERVAL_PROPERTIES = ['commit.interval.ms', 'ksql.streams.commit.interval.ms'];

export interface EngineBackend {
  readonly log: Log;
  readonly storage: StateStorage;
  readonly commandTopic: string;
  groupId(queryId: string): string;
  readonly commitIntervalMs: number;
  /** Kafka mode: queries share their tasks with the service's other instances. */
  readonly scaleOut?: ScaleOut;
}

export async function openBackend(options: EngineOptions, properties: ReadonlyMap<string, string>): Promise<EngineBackend> {
  if (options.kafka === undefined && options.log === undefined) {
    const log = options.memory ? EmbeddedLog.open({ memory: true }) : EmbeddedLog.open({ dataDir: options.dataDir ?? './sluice-data' });
    return embedded(log);
  }
  if (options.log instanceof EmbeddedLog) return embedded(options.log);
  const serviceId = checkServiceId(options.serviceId ?? DEFAULT_SERVICE_ID);
  const log =
    options.log ??
    (await KafkaLog.connect({ ...options.kafka!, clientId: options.kafka!.clientId ?? `sluice-${serviceId}`, processingGuarantee: guarantee(properties) }));
  try {
    const local = LocalDatabase.open(options.memory ? { memory: true } : { dataDir: options.dataDir ?? './sluice-data', serviceId });
    return {
      log,
      storage: new KafkaStateStorage(log, local),
      commandTopic: kafkaCommandTopic(serviceId),
      groupId: (queryId) => `_sluice_${serviceId}_query_${queryId}`,
      commitIntervalMs: commitInterval(properties),
      scaleOut: { endpoint: options.advertisedUrl ?? '', group: groupOptions(properties), taskTransactions: guarantee(properties) === 'exactly_once_v2' },
    };
  } catch (e) {
    if (options.log === undefined) await log.close();
    throw e;
  }
}

function embedded(log: EmbeddedLog): EngineBackend {
  return { log, storage: new EmbeddedStateStorage(log), commandTopic: COMMAND_TOPIC, groupId: groupIdFor, commitIntervalMs: 0 };
}

function checkServiceId(id: string): string {
  // It is part of topic and group names, and of the local file's name.
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`service id '${id}': use letters, digits, '.', '_' and '-' only`);
  return id;
}

function property(properties: ReadonlyMap<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = properties.get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

function guarantee(properties: ReadonlyMap<string, string>): ProcessingGuarantee {
  const value = (property(properties, GUARANTEE_PROPERTIES) ?? 'at_least_once').toLowerCase();
  switch (value) {
    case 'at_least_once':
    case 'exactly_once_v2':
      return value;
    // ksqlDB still accepts the old name; Kafka Streams runs it as v2.
    case 'exactly_once':
      return 'exactly_once_v2';
    default:
      throw new Error(`processing.guarantee '${value}': use 'at_least_once' or 'exactly_once_v2'`);
  }
}

function commitInterval(properties: ReadonlyMap<string, string>): number {
  const value = property(properties, COMMIT_INTERVAL_PROPERTIES);
  if (value === undefined) return KAFKA_COMMIT_INTERVAL_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`commit.interval.ms '${value}': a number of milliseconds`);
  return ms;
}

/**
 * The group membership's timeouts, from Kafka's consumer properties as ksqlDB passes them
 * (`session.timeout.ms`, also prefixed `ksql.streams.` or `ksql.streams.consumer.`): how long a
 * dead instance keeps its tasks before the others take them over.
 */
function groupOptions(properties: ReadonlyMap<string, string>): GroupOptions {
  const ms = (name: string): number | undefined => {
    const value = property(properties, [name, `ksql.streams.${name}`, `ksql.streams.consumer.${name}`]);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} '${value}': a number of milliseconds`);
    return n;
  };
  const session = ms('session.timeout.ms');
  const heartbeat = ms('heartbeat.interval.ms');
  return { ...(session !== undefined ? { sessionTimeoutMs: session } : {}), ...(heartbeat !== undefined ? { heartbeatIntervalMs: heartbeat } : {}) };
}
