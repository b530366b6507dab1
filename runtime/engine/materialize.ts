// Keeping tables materialised: every table (source tables and CTAS results) has a typed
// SQLite table for pull queries. A CTAS query writes its own; a source table gets an internal
// query that reads its topic and maintains the view (not listed in SHOW QUERIES).

import type { Query } from '../../grammar/ast.js';
import { analyzeQuery } from '../../planner/analyze/query.js';
import type { SourceInfo } from '../../planner/catalog.js';
import type { SinkStep } from '../../planner/steps.js';
import { MaterializedTable } from '../materialize/materialized-table.js';
import { PersistentQuery } from '../query/persistent-query.js';
import type { EngineContext } from './context.js';

/** The materialised table of a source, created on first use. */
export function materializedTable(ctx: EngineContext, source: SourceInfo): MaterializedTable {
  let t = ctx.materialized.get(source.name);
  if (!t) {
    t = new MaterializedTable(ctx.storage.database, source);
    ctx.materialized.set(source.name, t);
  }
  return t;
}

export async function startMaterializer(ctx: EngineContext, source: SourceInfo): Promise<void> {
  const table = materializedTable(ctx, source);
  const span = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
  const query: Query = {
    kind: 'Query',
    select: [{ kind: 'AllColumns', source: undefined, span }],
    from: { kind: 'TableRef', name: source.name, alias: undefined, span },
    window: undefined,
    where: undefined,
    groupBy: undefined,
    partitionBy: undefined,
    having: undefined,
    emit: 'CHANGES',
    limit: undefined,
    span,
  };
  const analyzed = analyzeQuery(query, ctx.metastore, undefined);
  const sink: SinkStep = {
    kind: 'TableSink',
    input: analyzed.root,
    sink: source.name,
    topic: source.topic,
    formats: source,
    timestampColumn: undefined,
    timestampFormat: undefined,
    windowType: source.windowType,
    windowSize: source.windowSize,
    schema: analyzed.schema,
  };
  const id = `_MATERIALIZE_${source.name}`;
  const groupId = ctx.groupId(id);
  const q = new PersistentQuery({
    id,
    groupId,
    storage: ctx.storage.forQuery(groupId),
    commitIntervalMs: ctx.commitIntervalMs,
    ...(ctx.scaleOut ? { scaleOut: ctx.scaleOut } : {}),
    sql: source.sql,
    sink,
    sources: [source.name],
    catalog: ctx.metastore,
    log: ctx.log,
    offsetReset: 'earliest',
    materialize: table,
    writeOutputs: false,
  });
  // Replaying the command log: resumeQueries starts it once the catalog is whole.
  if (!ctx.restoring) await q.init();
  ctx.materializers.set(source.name, q);
  if (!ctx.restoring) q.start();
}

/** DROP TABLE: stop the materialiser and delete the view. */
export async function dropMaterialization(ctx: EngineContext, name: string): Promise<void> {
  const q = ctx.materializers.get(name);
  if (q) {
    await q.destroy();
    await ctx.log.deleteGroup(q.groupId);
    ctx.materializers.delete(name);
  }
  ctx.materialized.get(name)?.destroy();
  ctx.materialized.delete(name);
}
