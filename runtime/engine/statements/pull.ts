// Pull queries: a SELECT given to execute(). On a table, the answer comes from its SQLite
// materialisation — as one SELECT with Sluice's functions registered in SQLite where the plan
// allows it (materialize/pull-sql.ts), else through the row pipeline over SQLite's rows — and
// the plan is cached for statements that differ only in their literals (pull-cache.ts). On a
// stream, it is a bounded scan of what the topic holds now. Joins of two materialised tables
// are hash-joined (materialize/pull-join.ts).

import type { Expression, Query, Statement } from '../../../grammar/ast.js';
import { ROWOFFSET, ROWPARTITION } from '../../../planner/pseudo-columns.js';
import { replaceTopDown } from '../../../planner/rewrite/map-expression.js';
import { analyzeQuery, type AnalyzedQuery } from '../../../planner/analyze/query.js';
import { SemanticError } from '../../../planner/errors.js';
import { sourceSteps } from '../../../planner/steps.js';
import type { MaterializedTable } from '../../materialize/materialized-table.js';
import { runPullJoin } from '../../materialize/pull-join.js';
import { isKeyLookup, orderAndPage, runPullQuery } from '../../materialize/pull-query.js';
import { planSqlPull, runSqlPull, type SqlPull } from '../../materialize/pull-sql.js';
import { isAggregation } from '../../query/aggregate-pipeline.js';
import { findJoin } from '../../query/join-pipeline.js';
import { buildPipeline } from '../../query/pipeline.js';
import { runTransientQuery } from '../../query/push-query.js';
import type { StatementResult } from '../api.js';
import type { EngineContext } from '../context.js';
import type { PullCache } from './pull-cache.js';

type QueryStatement = Extract<Statement, { kind: 'QueryStatement' }>;
type Columns = Extract<StatementResult, { type: 'rows' }>['columns'];

/** How a pull query on a table is answered. */
export interface TablePull {
  /** `sqlite`: one SELECT (`sql`); `javascript`: the row pipeline over the table's rows. */
  readonly path: 'sqlite' | 'javascript';
  readonly sql: SqlPull | undefined;
  readonly columns: Columns;
  /** Runs the plan; `params` are the SELECT's, in the order of `sql.slots`. */
  run(params: readonly unknown[]): unknown[][];
}

/** What EXPLAIN-like introspection shows of a pull query's plan. */
export interface PullPlanInfo {
  readonly path: 'sqlite' | 'javascript';
  /** The SELECT SQLite runs (with `?` for the query's literals). */
  readonly sql?: string;
  /** Where ORDER BY, LIMIT and OFFSET are applied, when the query has any. */
  readonly ordering?: 'sqlite' | 'javascript';
  /** A plan made for an earlier statement (equal up to its literals) would answer it. */
  readonly cached: boolean;
}

export async function pullQuery(ctx: EngineContext, stmt: QueryStatement, text: string, cache: PullCache): Promise<StatementResult> {
  const analyzed = analyzeStatement(ctx, stmt);
  if (analyzed.source.type === 'TABLE') refuseRecordColumns(stmt);
  if (isTableJoin(analyzed)) {
    return {
      type: 'rows',
      statementText: text,
      columns: columnsOf(analyzed),
      rows: runPullJoin(analyzed, stmt.query, ctx.metastore, (n) => ctx.materialized.get(n)),
    };
  }
  if (analyzed.source.type === 'TABLE') {
    const table = tableFor(ctx, stmt, analyzed);
    const plan = planTablePull(ctx, analyzed, stmt.query, table);
    const version = ctx.metastore.version;
    const result = (rows: unknown[][], statementText: string): StatementResult => ({ type: 'rows', statementText, columns: plan.columns, rows });
    cache.store(ctx, text, stmt, plan.sql?.slots ?? [], plan.sql?.fixed ?? [], (bindings) => ({
      bindings,
      valid: (c) => c.metastore.version === version && c.materialized.get(analyzed.source.name) === table,
      run: (params, statementText) => result(plan.run(params), statementText),
    }));
    return result(plan.run(plan.sql?.slots.map((s) => s.value) ?? []), text);
  }
  if (isAggregation(analyzed.root)) {
    throw new SemanticError('Aggregation in a pull query on a stream is not supported yet: aggregate into a table, then query it', stmt.span);
  }
  const ordered = stmt.query.orderBy !== undefined || stmt.query.offset !== undefined;
  const handle = await runTransientQuery({
    root: analyzed.root,
    catalog: ctx.metastore,
    log: ctx.log,
    offsetReset: 'earliest',
    limit: ordered ? undefined : analyzed.limit,
    bounded: true,
    columns: analyzed.schema.columns,
    ...(analyzed.outputOrder ? { order: analyzed.outputOrder } : {}),
  });
  const rows: unknown[][] = [];
  for await (const r of handle) rows.push(r);
  return {
    type: 'rows',
    statementText: text,
    columns: handle.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: ordered ? orderAndPage(rows, analyzed, stmt.query, ctx.metastore) : rows,
  };
}

/** How a pull query would be answered, without running it. */
export function explainPull(ctx: EngineContext, stmt: QueryStatement, text: string, cache: PullCache): PullPlanInfo {
  const analyzed = analyzeStatement(ctx, stmt);
  const cached = cache.has(ctx, text);
  if (isTableJoin(analyzed) || analyzed.source.type !== 'TABLE') return { path: 'javascript', cached };
  const plan = planTablePull(ctx, analyzed, stmt.query, tableFor(ctx, stmt, analyzed));
  const paged = stmt.query.orderBy !== undefined || stmt.query.limit !== undefined || stmt.query.offset !== undefined;
  if (!plan.sql) return { path: 'javascript', cached, ...(paged ? { ordering: 'javascript' } : {}) };
  return { path: 'sqlite', sql: plan.sql.sql, cached, ...(paged ? { ordering: plan.sql.finish ? 'javascript' : 'sqlite' } : {}) };
}

function analyzeStatement(ctx: EngineContext, stmt: QueryStatement): AnalyzedQuery {
  if (stmt.query.emit !== undefined) {
    throw new SemanticError('Push queries (EMIT CHANGES) stream their rows: run them with Engine.query()', stmt.span);
  }
  if (stmt.query.limit !== undefined && String(ctx.properties.get('ksql.query.pull.limit.clause.enabled') ?? 'true').toLowerCase() === 'false') {
    throw new SemanticError(
      'LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.',
      stmt.span,
    );
  }
  return analyzeQuery(stmt.query, ctx.metastore, undefined);
}

function isTableJoin(analyzed: AnalyzedQuery): boolean {
  return findJoin(analyzed.root) !== undefined && sourceSteps(analyzed.root).every((st) => st.kind === 'TableSource');
}

function columnsOf(analyzed: AnalyzedQuery): Columns {
  return analyzed.schema.columns.map((c) => ({ name: c.name, type: c.type }));
}

/** The table's materialisation, after ksqlDB's checks of what a pull query may do with it. */
function tableFor(ctx: EngineContext, stmt: QueryStatement, analyzed: AnalyzedQuery): MaterializedTable {
  const table = ctx.materialized.get(analyzed.source.name);
  if (!table) throw new SemanticError(`Table ${analyzed.source.name} is not materialised: pull queries need the embedded log`, stmt.span);
  if (String(ctx.properties.get('ksql.query.pull.table.scan.enabled') ?? 'true').toLowerCase() === 'false') {
    const keyCols = analyzed.source.columns.filter((c) => c.role === 'KEY');
    // ksqlDB range-scans a key only when it is a single STRING key of an unwindowed table.
    const ranges =
      String(ctx.properties.get('ksql.query.pull.range.scan.enabled') ?? 'true').toLowerCase() !== 'false' &&
      keyCols.length === 1 &&
      keyCols[0]!.type.kind === 'STRING' &&
      analyzed.source.windowType === undefined;
    if (!isKeyLookup(stmt.query.where, keyCols.map((c) => c.name), ranges)) {
      throw new SemanticError(
        'Query requires table scan to be enabled. Timeout and memory usage may be high if table is large. Table scans are disabled by ksql.query.pull.table.scan.enabled.',
        stmt.span,
      );
    }
  }
  return table;
}

/** One SELECT when the plan translates to SQLite, else the row pipeline over the table's rows. */
function planTablePull(ctx: EngineContext, analyzed: AnalyzedQuery, query: Query, table: MaterializedTable): TablePull {
  const columns = columnsOf(analyzed);
  let sql: SqlPull | undefined;
  try {
    sql = planSqlPull(analyzed, query, table, ctx.metastore);
  } catch (e) {
    // better-sqlite3 can't register functions while another statement iterates on the
    // connection; the pipeline needs none. Anything else is a real error.
    if (!(e instanceof TypeError && /busy/.test(e.message))) throw e;
  }
  if (sql) {
    const plan = sql;
    return { path: 'sqlite', sql: plan, columns, run: (params) => runSqlPull(plan, params) };
  }
  const pipeline = isAggregation(analyzed.root) ? undefined : buildPipeline(analyzed.root, ctx.metastore, undefined, 'pull');
  return {
    path: 'javascript',
    sql: undefined,
    columns,
    run: () => runPullQuery(analyzed, query, table, ctx.metastore, pipeline).rows,
  };
}

/**
 * A table's row is the latest of many records, from no one partition and offset: ksqlDB
 * refuses ROWPARTITION and ROWOFFSET in its pull queries rather than answer null. (A pull
 * query on a stream reads records, whose partition and offset Sluice does show.)
 */
function refuseRecordColumns(stmt: QueryStatement): void {
  const named = (exprs: readonly Expression[]): string[] => {
    const found = new Set<string>();
    for (const e of exprs) {
      replaceTopDown(e, (x) => {
        if (x.kind === 'ColumnRef' && (x.name === ROWPARTITION || x.name === ROWOFFSET)) found.add(x.name);
        return undefined;
      });
    }
    return [...found];
  };
  const select = named(stmt.query.select.flatMap((item) => (item.kind === 'SelectExpr' ? [item.expr] : [])));
  if (select.length > 0) {
    throw new SemanticError(`Pull queries don't support the following columns in SELECT clauses: ${select.map((n) => `\`${n}\``).join(', ')}`, stmt.span);
  }
  const where = named(stmt.query.where ? [stmt.query.where] : []);
  if (where.length > 0) {
    throw new SemanticError(`Pull queries don't support the following columns in WHERE clauses: ${where.map((n) => `\`${n}\``).join(', ')}`, stmt.span);
  }
}
