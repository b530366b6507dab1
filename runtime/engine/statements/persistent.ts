// CREATE ... AS SELECT, INSERT INTO ... SELECT and TERMINATE: starting and stopping
// persistent queries.

import type { CreateAsSelect, InsertInto, Terminate } from '../../../grammar/ast.js';
import { analyzeCreateAsSelect, analyzeInsertInto, type PersistentQueryPlan } from '../../../planner/analyze/persistent.js';
import { SemanticError } from '../../../planner/errors.js';
import { copartitionError } from '../../query/join-copartition.js';
import { dropStages, newPersistentQuery } from './query-stages.js';
import type { PersistentQuery } from '../../query/persistent-query.js';
import type { StatementResult } from '../api.js';
import { offsetReset, type EngineContext } from '../context.js';
import { status } from './ddl.js';
import { validateFormats } from './validate-formats.js';
import { dropMaterialization, materializedTable } from '../materialize.js';
import type { Span } from '../../../grammar/ast.js';
import { schemaColumns } from '../../../planner/analyze/persistent.js';

function nextQueryId(ctx: EngineContext, plan: PersistentQueryPlan): string {
  const n = ctx.nextQueryNumber++;
  switch (plan.kind) {
    case 'CSAS':
      return `CSAS_${plan.sink.sink}_${n}`;
    case 'CTAS':
      return `CTAS_${plan.sink.sink}_${n}`;
    case 'INSERT':
      return `INSERTQUERY_${n}`;
  }
}

async function startQuery(
  ctx: EngineContext,
  plan: PersistentQueryPlan,
  text: string,
  span: Span,
  restoredId: string | undefined,
): Promise<string> {
  validateFormats(plan.sink.formats, schemaColumns(plan.sink.schema), span);
  const input = await ctx.log.describeTopic(plan.inputTopic);
  if (!input) throw new SemanticError(`Kafka topic does not exist: ${plan.inputTopic}`, span);
  const copartition = await copartitionError(plan.sink, ctx.log);
  if (copartition !== undefined) throw new SemanticError(copartition, span);
  const sinkTopic = await ctx.log.describeTopic(plan.topic.name);
  if (!sinkTopic) {
    await ctx.log.createTopic(plan.topic.name, {
      partitions: plan.topic.partitions ?? input.partitions,
      replicas: plan.topic.replicas ?? 1,
      ...(plan.topic.retentionMs !== undefined ? { retentionMs: plan.topic.retentionMs } : {}),
      cleanupPolicy: plan.kind === 'CTAS' ? 'compact' : 'delete',
    });
  }
  let id = restoredId ?? plan.queryId?.toUpperCase() ?? nextQueryId(ctx, plan);
  if (restoredId) {
    const m = /_(\d+)$/.exec(restoredId);
    if (m) ctx.nextQueryNumber = Math.max(ctx.nextQueryNumber, Number(m[1]) + 1);
  }
  if (ctx.queries.has(id)) throw new SemanticError(`Query ID '${id}' already exists.`, span);
  const materialize = plan.newSource?.type === 'TABLE' ? materializedTable(ctx, plan.newSource) : undefined;
  const groupId = ctx.groupId(id);
  const query = await newPersistentQuery(ctx, {
    id,
    groupId,
    ...(materialize ? { materialize } : {}),
    sql: text,
    sink: plan.sink,
    sources: plan.sources,
    catalog: ctx.metastore,
    log: ctx.log,
    storage: ctx.storage.forQuery(groupId),
    commitIntervalMs: ctx.commitIntervalMs,
    ...(ctx.scaleOut ? { scaleOut: ctx.scaleOut } : {}),
    offsetReset: offsetReset(ctx),
  });
  // While the command log is replayed, queries are only registered: a later command may
  // terminate one, and none may run before the catalog is whole (resumeQueries).
  if (!ctx.restoring) await query.init();
  if (plan.newSource) ctx.metastore.putSource(plan.newSource);
  ctx.queries.set(id, query);
  if (!ctx.restoring) {
    await ctx.commandLog.append({ sql: text, properties: Object.fromEntries(ctx.properties), queryId: id });
  }
  if (!ctx.restoring) query.start();
  return id;
}

/**
 * After a restart has replayed the command log: restores every query's state and positions,
 * so that the engine answers pull queries from the committed state once it is ready, then
 * starts them all.
 */
export async function resumeQueries(ctx: EngineContext): Promise<void> {
  const all = [...ctx.materializers.values(), ...ctx.queries.values()];
  for (const q of all) {
    // A query that cannot start (say its topic is gone) retries in its own loop, in ERROR.
    await q.init().catch(() => undefined);
  }
  for (const q of all) q.start();
}

export async function createAsSelect(
  ctx: EngineContext,
  stmt: CreateAsSelect,
  text: string,
  restoredId?: string,
): Promise<StatementResult> {
  const existing = ctx.metastore.source(stmt.name);
  if (existing && stmt.ifNotExists) return status(text, `A ${existing.type.toLowerCase()} with the same name already exists`);
  const plan = analyzeCreateAsSelect(stmt, text, ctx.metastore, ctx.plannerConfig());
  if (existing && stmt.orReplace) {
    await dropMaterialization(ctx, existing.name);
    // Replacing a query's result: the new query takes over its sink and starts afresh, so the
    // old one goes as TERMINATE would take it, with its state, consumer group and internal topics.
    for (const q of [...ctx.queries.values()]) {
      if (q.sink.sink === existing.name && q.id.startsWith('C')) await removeQuery(ctx, q);
    }
  }
  const id = await startQuery(ctx, plan, text, stmt.span, restoredId);
  return status(text, `Created query with ID ${id}`, id);
}

export async function insertInto(ctx: EngineContext, stmt: InsertInto, text: string, restoredId?: string): Promise<StatementResult> {
  const plan = analyzeInsertInto(stmt, ctx.metastore);
  const id = await startQuery(ctx, plan, text, stmt.span, restoredId);
  return status(text, `Created query with ID ${id}`, id);
}

export async function terminate(ctx: EngineContext, stmt: Terminate, text: string): Promise<StatementResult> {
  const ids = stmt.queryId === undefined ? [...ctx.queries.keys()] : [stmt.queryId.toUpperCase()];
  for (const id of ids) {
    const q = ctx.queries.get(id);
    if (!q) throw new SemanticError(`Unknown queryId: ${id}`, stmt.span);
    await removeQuery(ctx, q);
  }
  if (!ctx.restoring) await ctx.commandLog.append({ sql: text, properties: {} });
  return status(text, stmt.queryId === undefined ? 'All queries terminated.' : 'Query terminated.');
}

/** Stops a query for good: its state, its consumer group and its stages' internal topics go. */
async function removeQuery(ctx: EngineContext, q: PersistentQuery): Promise<void> {
  await q.destroy();
  q.state = 'TERMINATED';
  ctx.queries.delete(q.id);
  await ctx.log.deleteGroup(q.groupId);
  await dropStages(ctx, q);
}
