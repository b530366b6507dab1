// CREATE / DROP / ALTER of sources and types.

import type { AlterSource, CreateSource, CreateType, DropSource, DropType } from '../../../grammar/ast.js';
import { analyzeCreateSource } from '../../../planner/analyze/create-source.js';
import { SemanticError } from '../../../planner/errors.js';
import { resolveType } from '../../../planner/resolve-type.js';
import { formatType } from '../../../planner/types.js';
import type { StatementResult } from '../api.js';
import type { EngineContext } from '../context.js';
import { validateFormats } from './validate-formats.js';
import { dropMaterialization, startMaterializer } from '../materialize.js';

type Status = Extract<StatementResult, { type: 'currentStatus' }>;

export function status(text: string, message: string, queryId?: string): Status {
  return { type: 'currentStatus', statementText: text, status: 'SUCCESS', message, ...(queryId ? { queryId } : {}) };
}

export async function createSource(ctx: EngineContext, stmt: CreateSource, text: string): Promise<StatementResult> {
  const plan = analyzeCreateSource(stmt, text, ctx.metastore, ctx.plannerConfig());
  const kind = stmt.sourceType === 'STREAM' ? 'Stream' : 'Table';
  const existing = ctx.metastore.source(stmt.name);
  if (existing && stmt.ifNotExists) return status(text, `A ${existing.type.toLowerCase()} with the same name already exists`);
  validateFormats(plan.source, plan.source.columns, stmt.span);
  const topic = await ctx.log.describeTopic(plan.topic.name);
  if (!topic) {
    if (plan.topic.partitions === undefined) {
      throw new SemanticError(
        `Topic '${plan.topic.name}' does not exist. If you want to create a new topic for the ${kind.toLowerCase()} please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: CREATE ${stmt.sourceType} ${stmt.name} (ID INT ${stmt.sourceType === 'STREAM' ? 'KEY' : 'PRIMARY KEY'}, VAL STRING) WITH (KAFKA_TOPIC='${plan.topic.name}', PARTITIONS=2, REPLICAS=1, FORMAT='JSON');`,
        stmt.span,
      );
    }
    await ctx.log.createTopic(plan.topic.name, {
      partitions: plan.topic.partitions,
      replicas: plan.topic.replicas ?? 1,
      ...(plan.topic.retentionMs !== undefined ? { retentionMs: plan.topic.retentionMs } : {}),
      cleanupPolicy: stmt.sourceType === 'TABLE' ? 'compact' : 'delete',
    });
  } else if (plan.topic.partitions !== undefined && topic.partitions !== plan.topic.partitions && !ctx.restoring) {
    throw new SemanticError(
      `A Kafka topic with the name '${plan.topic.name}' already exists, with different partition/replica configuration than required. KSQL expects ${plan.topic.partitions} partitions (topic has ${topic.partitions}).`,
      stmt.span,
    );
  }
  if (existing && stmt.orReplace) {
    const writers = [...ctx.queries.values()].filter((q) => q.sink.sink === existing.name);
    if (writers.length > 0) {
      throw new SemanticError(`Cannot replace ${existing.name}: it is the sink of ${writers.map((q) => q.id).join(', ')}`, stmt.span);
    }
  }
  if (existing) await dropMaterialization(ctx, existing.name);
  ctx.metastore.putSource(plan.source);
  if (plan.source.type === 'TABLE') await startMaterializer(ctx, plan.source);
  if (!ctx.restoring) await ctx.commandLog.append({ sql: text, properties: Object.fromEntries(ctx.properties) });
  return status(text, `${kind} created`);
}

export async function dropSource(ctx: EngineContext, stmt: DropSource, text: string): Promise<StatementResult> {
  const src = ctx.metastore.source(stmt.name);
  const kind = stmt.sourceType === 'STREAM' ? 'stream' : 'table';
  if (!src) {
    if (stmt.ifExists) return status(text, `Source ${stmt.name} does not exist.`);
    throw new SemanticError(`Source ${stmt.name} does not exist.`, stmt.span);
  }
  if (src.type !== stmt.sourceType) {
    throw new SemanticError(`Incompatible data source type is ${src.type}, but statement was DROP ${stmt.sourceType}`, stmt.span);
  }
  const readers = [...ctx.queries.values()].filter((q) => q.sources.includes(src.name)).map((q) => q.id);
  const writers = [...ctx.queries.values()].filter((q) => q.sink.sink === src.name).map((q) => q.id);
  if (readers.length + writers.length > 0) {
    throw new SemanticError(
      `Cannot drop ${src.name}.\nThe following queries read from this source: [${readers.join(', ')}].\nThe following queries write into this source: [${writers.join(', ')}].\nYou need to terminate them before dropping ${src.name}.`,
      stmt.span,
    );
  }
  ctx.metastore.dropSource(src.name);
  await dropMaterialization(ctx, src.name);
  if (stmt.deleteTopic) {
    const stillUsed = ctx.metastore.sources().some((s) => s.topic === src.topic);
    if (!stillUsed && (await ctx.log.describeTopic(src.topic))) await ctx.log.deleteTopic(src.topic);
  }
  if (!ctx.restoring) await ctx.commandLog.append({ sql: text, properties: Object.fromEntries(ctx.properties) });
  return status(text, `Source \`${src.name}\` (topic: ${src.topic}) was dropped.`.replace('Source', kind === 'stream' ? 'Source' : 'Source'));
}

export async function createType(ctx: EngineContext, stmt: CreateType, text: string): Promise<StatementResult> {
  const existing = ctx.metastore.customType(stmt.name);
  if (existing) {
    if (stmt.ifNotExists) return status(text, `Type ${stmt.name} already exists`);
    throw new SemanticError(`Cannot register custom type '${stmt.name}' since it is already registered with type: ${formatType(existing)}`, stmt.span);
  }
  const t = resolveType(stmt.type, (n) => ctx.metastore.customType(n));
  ctx.metastore.putType(stmt.name, t);
  if (!ctx.restoring) await ctx.commandLog.append({ sql: text, properties: {} });
  return status(text, `Registered custom type with name '${stmt.name}' and SQL type ${formatType(t)}`);
}

export async function dropType(ctx: EngineContext, stmt: DropType, text: string): Promise<StatementResult> {
  if (!ctx.metastore.dropType(stmt.name)) {
    if (stmt.ifExists) return status(text, `Type ${stmt.name} does not exist`);
    throw new SemanticError(`Type ${stmt.name} does not exist.`, stmt.span);
  }
  if (!ctx.restoring) await ctx.commandLog.append({ sql: text, properties: {} });
  return status(text, `Dropped type '${stmt.name}'`);
}

export async function alterSource(ctx: EngineContext, stmt: AlterSource, text: string): Promise<StatementResult> {
  const src = ctx.metastore.source(stmt.name);
  if (!src) throw new SemanticError(`Source ${stmt.name} does not exist.`, stmt.span);
  if (src.type !== stmt.sourceType) {
    throw new SemanticError(`Incompatible data source type is ${src.type}, but statement was ALTER ${stmt.sourceType}`, stmt.span);
  }
  if ([...ctx.queries.values()].some((q) => q.sink.sink === src.name)) {
    throw new SemanticError(`ALTER command is not supported for CREATE ... AS statements.`, stmt.span);
  }
  const columns = [...src.columns];
  for (const c of stmt.addColumns) {
    if (columns.some((x) => x.name === c.name)) {
      throw new SemanticError(`Cannot add column \`${c.name}\` to schema. A column with the same name already exists.`, c.span);
    }
    columns.push({ name: c.name, type: resolveType(c.type, (n) => ctx.metastore.customType(n)), role: 'VALUE' });
  }
  const next = { ...src, columns };
  validateFormats(next, columns, stmt.span);
  ctx.metastore.putSource(next);
  if (!ctx.restoring) await ctx.commandLog.append({ sql: text, properties: Object.fromEntries(ctx.properties) });
  return status(text, `${src.type === 'STREAM' ? 'Stream' : 'Table'} ${src.name} altered.`);
}
