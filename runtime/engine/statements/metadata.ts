// SHOW / LIST, DESCRIBE, DESCRIBE FUNCTION and EXPLAIN.

import type { Describe, DescribeFunction, Explain, Show } from '../../../grammar/ast.js';
import { assertNever } from '../../../grammar/ast.js';
import { SemanticError } from '../../../planner/errors.js';
import { explainPlan } from '../../../planner/explain.js';
import type { FunctionDef } from '../../../planner/functions.js';
import { formatSignature } from '../../functions/resolve.js';
import { formatType } from '../../../planner/types.js';
import { analyzeCreateAsSelect, analyzeInsertInto } from '../../../planner/analyze/persistent.js';
import { analyzeQuery } from '../../../planner/analyze/query.js';
import type { StatementResult } from '../api.js';
import { queryInfo } from '../../query/persistent-query.js';
import type { EngineContext } from '../context.js';
import { explainRunning } from './query-stages.js';

function visibleTopics(name: string): boolean {
  return !name.startsWith('_');
}

export async function show(ctx: EngineContext, stmt: Show, text: string): Promise<StatementResult> {
  switch (stmt.target) {
    case 'STREAMS':
      return { type: 'streams', statementText: text, sources: ctx.metastore.sources().filter((s) => s.type === 'STREAM') };
    case 'TABLES':
      return { type: 'tables', statementText: text, sources: ctx.metastore.sources().filter((s) => s.type === 'TABLE') };
    case 'TOPICS': {
      const topics = (await ctx.log.listTopics()).filter((t) => stmt.all || visibleTopics(t.name));
      return {
        type: 'kafka_topics',
        statementText: text,
        topics: topics.map((t) => ({ name: t.name, partitions: t.partitions, replicas: t.replicas })),
      };
    }
    case 'QUERIES':
      return {
        type: 'queries',
        statementText: text,
        queries: [...ctx.queries.values()].map(queryInfo),
      };
    case 'PROPERTIES':
      return { type: 'properties', statementText: text, properties: Object.fromEntries(ctx.properties) };
    case 'FUNCTIONS':
      return {
        type: 'function_names',
        statementText: text,
        functions: [...ctx.metastore.functions.list()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((f) => ({ name: f.name, type: functionType(f), category: f.category })),
      };
    case 'TYPES':
      return {
        type: 'type_list',
        statementText: text,
        types: Object.fromEntries([...ctx.metastore.types()].map(([n, t]) => [n, formatType(t)])),
      };
    case 'VARIABLES':
      return { type: 'variables', statementText: text, variables: Object.fromEntries(ctx.variables) };
    default:
      return assertNever(stmt.target, 'SHOW target');
  }
}

function functionType(f: FunctionDef): 'SCALAR' | 'AGGREGATE' | 'TABLE' {
  return f.kind === 'scalar' ? 'SCALAR' : f.kind === 'aggregate' ? 'AGGREGATE' : 'TABLE';
}

export function describeFunction(ctx: EngineContext, stmt: DescribeFunction, text: string): StatementResult {
  const f = ctx.metastore.functions.lookup(stmt.name.toUpperCase());
  if (!f) throw new SemanticError(`Can't find any functions with the name '${stmt.name}'`, stmt.span);
  const variants = f.overloads.map((o) => {
    return {
      signature: formatSignature(f, o).replace(/^[^(]*/, f.name),
      returnType: typeof o.returns === 'function' ? 'depends on the arguments' : formatType(o.returns),
      description: o.description ?? '',
    };
  });
  return {
    type: 'describe_function',
    statementText: text,
    name: f.name,
    description: f.description,
    functionType: functionType(f),
    variants,
  };
}

export function describe(ctx: EngineContext, stmt: Describe, text: string): StatementResult {
  if (stmt.name === undefined) {
    const type = stmt.listOf === 'TABLES' ? 'TABLE' : 'STREAM';
    return {
      type: type === 'TABLE' ? 'tables' : 'streams',
      statementText: text,
      sources: ctx.metastore.sources().filter((s) => s.type === type),
    };
  }
  const src = ctx.metastore.source(stmt.name);
  if (!src) throw new SemanticError(`Could not find STREAM/TABLE '${stmt.name}' in the Metastore`, stmt.span);
  const queries = [...ctx.queries.values()];
  return {
    type: 'sourceDescription',
    statementText: text,
    source: src,
    extended: stmt.extended,
    readQueries: queries.filter((q) => q.sources.includes(src.name)).map((q) => q.id),
    writeQueries: queries.filter((q) => q.sink.sink === src.name).map((q) => q.id),
  };
}

export function explain(ctx: EngineContext, stmt: Explain, text: string): StatementResult {
  const target = stmt.target;
  if (target.kind === 'QueryId') {
    const q = ctx.queries.get(target.id.toUpperCase());
    if (!q) throw new SemanticError(`Query with id:${target.id} does not exist, use SHOW QUERIES to view the full set of queries.`, stmt.span);
    return { type: 'queryDescription', statementText: text, queryId: q.id, plan: `${q.sql}\n\n${explainRunning(q)}` };
  }
  const inner = target.statement;
  const cfg = ctx.plannerConfig();
  let plan: string;
  switch (inner.kind) {
    case 'CreateAsSelect':
      plan = explainPlan(analyzeCreateAsSelect(inner, text, ctx.metastore, cfg).sink);
      break;
    case 'InsertInto':
      plan = explainPlan(analyzeInsertInto(inner, ctx.metastore).sink);
      break;
    case 'QueryStatement':
      plan = explainPlan(analyzeQuery(inner.query, ctx.metastore, undefined).root);
      break;
    default:
      throw new SemanticError('EXPLAIN is supported for queries, CREATE ... AS SELECT and INSERT INTO ... SELECT', stmt.span);
  }
  return { type: 'queryDescription', statementText: text, queryId: undefined, plan };
}
