// What statement handlers share: the log, catalog, running queries and session state.

import type { PlannerConfig } from '../../planner/config.js';
import type { Log } from '../log/log.js';
import type { PersistentQuery, ScaleOut } from '../query/persistent-query.js';
import type { MaterializedTable } from '../materialize/materialized-table.js';
import type { StateStorage } from '../state/storage.js';
import type { CommandLog } from './command-log.js';
import type { MetaStore } from './metastore.js';

export interface EngineContext {
  readonly log: Log;
  /** Where persistent queries keep state and materialised tables (see runtime/state/storage.ts). */
  readonly storage: StateStorage;
  /** A persistent query's consumer group, which also names its state stores and changelogs. */
  groupId(queryId: string): string;
  /** How often a busy persistent query commits (0: after every batch). */
  readonly commitIntervalMs: number;
  /** Kafka mode: persistent queries share their tasks with the service's other instances. */
  readonly scaleOut: ScaleOut | undefined;
  /**
   * Re-keying queries run as stages joined by internal repartition topics (query-stages.ts), so
   * their tasks can be spread over instances: true in Kafka mode, EngineOptions.repartitionTopics.
   */
  readonly repartitionTopics: boolean;
  readonly metastore: MetaStore;
  readonly commandLog: CommandLog;
  readonly queries: Map<string, PersistentQuery>;
  /** Materialised tables by source name (source tables and CTAS results). */
  readonly materialized: Map<string, MaterializedTable>;
  /** The internal queries keeping source tables' materialisations up to date. */
  readonly materializers: Map<string, PersistentQuery>;
  /** Server config overlaid with SET session properties. */
  readonly properties: Map<string, string>;
  readonly variables: Map<string, string>;
  /** True while the command log is being replayed at startup. */
  restoring: boolean;
  nextQueryNumber: number;
  plannerConfig(): PlannerConfig;
  /** Runs a script's text (RUN SCRIPT). */
  executeText(text: string): Promise<import('./api.js').StatementResult[]>;
}

export function offsetReset(ctx: EngineContext): 'earliest' | 'latest' {
  return (ctx.properties.get('auto.offset.reset') ?? 'latest').toLowerCase() === 'earliest' ? 'earliest' : 'latest';
}
