// A persistent query that re-keys, run as stages joined by internal repartition topics
// (planner/repartition.ts): the internal topics are created with the query and deleted with it,
// and the stages are PersistentQuery objects of their own (each its own consumer group, so its
// tasks are shared out like any query's) behind the one query the catalog, SHOW QUERIES and
// TERMINATE know.

import { explainPlan } from '../../../planner/explain.js';
import { splitRepartitions, type RepartitionTopic } from '../../../planner/repartition.js';
import { TopicExistsError, UnknownTopicError, type Log } from '../../log/log.js';
import { groupIdFor, PersistentQuery, type PersistentQueryOptions } from '../../query/persistent-query.js';
import { referencedColumns } from '../../query/referenced-columns.js';
import type { EngineContext } from '../context.js';

/**
 * The query for `options`: staged when the engine uses repartition topics and the plan re-keys
 * (its internal topics are created here), else a plain PersistentQuery.
 */
export async function newPersistentQuery(ctx: EngineContext, options: PersistentQueryOptions): Promise<PersistentQuery> {
  if (!ctx.repartitionTopics) return new PersistentQuery(options);
  const groupId = options.groupId ?? groupIdFor(options.id);
  const staged = splitRepartitions(options.sink, groupId, referencedColumns);
  if (staged === undefined) return new PersistentQuery(options);
  // In stage order: a topic may take its partition count from an earlier one.
  for (const stage of staged.pre) await createInternalTopic(ctx.log, stage.topic);
  // A stage writes its internal topic and nothing else: the materialised table is the main stage's.
  const { materialize: _materialize, writeOutputs: _writeOutputs, ...common } = options;
  const stages = staged.pre.map(
    (s) => new PersistentQuery({ ...common, sink: s.sink, groupId: s.groupId, storage: ctx.storage.forQuery(s.groupId) }),
  );
  return new StagedQuery({ ...options, sink: staged.main }, stages, staged.pre.map((s) => s.topic.name));
}

/**
 * The main stage, which the engine holds as the query, with the stages feeding it: each call
 * reaches every stage, upstream first. Its record counts are the main stage's (the records
 * reaching the sink's stage, and the sink's), its error count all stages'.
 */
export class StagedQuery extends PersistentQuery {
  constructor(
    options: PersistentQueryOptions,
    /** The stages writing internal topics, upstream first. */
    readonly stages: readonly PersistentQuery[],
    readonly internalTopics: readonly string[],
  ) {
    super(options);
    // A record a stage could not process is the query's error (the processing log names the
    // query too): the count the engine reports includes the stages'. PersistentQuery counts
    // with `errorCount++`, which this accessor keeps working (get, then set, synchronously).
    let own = this.errorCount;
    const ofStages = (): number => stages.reduce((n, s) => n + s.errorCount, 0);
    Object.defineProperty(this, 'errorCount', {
      get: () => own + ofStages(),
      set: (total: number) => {
        own = total - ofStages();
      },
    });
  }

  override async init(): Promise<void> {
    for (const s of this.stages) await s.init();
    await super.init();
  }

  /**
   * A batch of each stage, upstream first, so that one call moves records through to the sink
   * (Engine.drain). The main stage's own loop calls it too: the stages' loops then compete for
   * nothing but their batches, which never overlap.
   */
  override async runOnce(): Promise<number> {
    let n = 0;
    for (const s of this.stages) n += await s.runOnce();
    return n + (await super.runOnce());
  }

  override start(): void {
    for (const s of this.stages) s.start();
    super.start();
  }

  override async stop(): Promise<void> {
    for (const s of this.stages) await s.stop();
    await super.stop();
  }

  override async destroy(): Promise<void> {
    for (const s of this.stages) await s.destroy();
    await super.destroy();
  }

  override async caughtUp(): Promise<boolean> {
    for (const s of this.stages) if (!(await s.caughtUp())) return false;
    return super.caughtUp();
  }
}

/**
 * TERMINATE, after the query was destroyed: its stages' consumer groups and internal topics go
 * too (the main stage's group is the query's, which the caller deletes).
 */
export async function dropStages(ctx: EngineContext, query: PersistentQuery): Promise<void> {
  if (!(query instanceof StagedQuery)) return;
  for (const s of query.stages) await ctx.log.deleteGroup(s.groupId);
  for (const topic of query.internalTopics) {
    // Another instance of the service, terminating the same query, may delete it first.
    await ctx.log.deleteTopic(topic).catch((e: unknown) => {
      if (!(e instanceof UnknownTopicError)) throw e;
    });
  }
}

async function createInternalTopic(log: Log, topic: RepartitionTopic): Promise<void> {
  // A restart, or another instance of the service, created it already.
  if (await log.describeTopic(topic.name)) return;
  let partitions = 1;
  for (const t of topic.partitionsLike) {
    const info = await log.describeTopic(t);
    if (!info) throw new Error(`Topic ${t} does not exist`);
    partitions = Math.max(partitions, info.partitions);
  }
  try {
    await log.createTopic(topic.name, { partitions, replicas: 1, cleanupPolicy: 'delete' });
  } catch (e) {
    if (!(e instanceof TopicExistsError)) throw e;
  }
}

/**
 * EXPLAIN's plan of a running query. A staged query shows every stage, upstream first (each
 * one's sink is the internal topic it writes), and then the main stage, which reads them:
 * that is how the query runs, as ksqlDB's EXPLAIN shows its repartition sub-topologies.
 */
export function explainRunning(query: PersistentQuery): string {
  if (!(query instanceof StagedQuery)) return explainPlan(query.sink);
  const stages = query.stages.map((s, i) => `Stage ${i + 1} of ${query.stages.length + 1} (repartition):\n${explainPlan(s.sink)}`);
  return [...stages, `Stage ${query.stages.length + 1} of ${query.stages.length + 1}:\n${explainPlan(query.sink)}`].join('\n\n');
}
