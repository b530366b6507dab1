// A pull query over one materialised table as one SQLite SELECT: WHERE, the projection,
// GROUP BY with Sluice's aggregates and HAVING, ORDER BY, LIMIT and OFFSET, with Sluice's
// functions registered in SQLite (sql-functions.ts) so the answer is the one the row-by-row
// pipeline gives (sql-expr.ts says which rule decides what). The statement is prepared once
// per plan; its parameters are the query's literals, so a plan cache can rerun it for
// another statement that differs only in them.
//
// The SELECT is layered so each layer names only what the one below produced:
//   aggregation?  SELECT g AS c0, …, agg(args) AS ck, … FROM mv WHERE … GROUP BY g, …
//   result        SELECT item AS r0, … FROM (mv | aggregation) [WHERE having]
//   order?        SELECT * FROM (result) ORDER BY key [NULLS …], … [LIMIT ? OFFSET ?]
// SQLite flattens the layers; the table's index still serves key conditions.
//
// What stays in JavaScript: windowed aggregations (their windows come from ROWTIME, which the
// pipeline assigns), and ORDER BY on a type SQLite can't be given Sluice's order for
// (DECIMAL, ARRAY, MAP, STRUCT): SQLite then answers everything else, and the rows are sorted
// and paged here.

import type { Span, Query, FunctionCall } from '../../grammar/ast.js';
import type { AnalyzedQuery } from '../../planner/analyze/query.js';
import { schemaScope } from '../../planner/analyze/schema-scope.js';
import type { Catalog } from '../../planner/catalog.js';
import type { TypedExpr } from '../../planner/expressions/typed.js';
import { typeAggregateCall, typeExpression } from '../../planner/expressions/typer.js';
import type { StepSchema } from '../../planner/steps.js';
import type { SqlType } from '../../planner/types.js';
import type Database from 'better-sqlite3';
import { planParts } from '../query/plan-parts.js';
import type { MaterializedTable } from './materialized-table.js';
import { compileOrderAndPage, orderByExpressions } from './pull-query.js';
import { SORT_KEYS, SqlFunctions, type SortKey } from './sql-functions.js';
import { SqlExpressions, type Fragment, type ParamSlot, type SqlScope } from './sql-expr.js';
import { fromSql } from './sql-values.js';
import { typedNodes } from './typed-children.js';

export interface SqlPull {
  /** The SELECT, with `?` for each parameter. */
  readonly sql: string;
  /** The parameters in the order of their `?`. */
  readonly slots: readonly ParamSlot[];
  /** Spans of the literals the plan depends on by value (compiled into functions). */
  readonly fixed: readonly Span[];
  /** Result column types, in SELECT order. */
  readonly types: readonly SqlType[];
  /** Set when ORDER BY / LIMIT / OFFSET run in JavaScript on SQLite's rows. */
  readonly finish: ((rows: unknown[][]) => unknown[][]) | undefined;
  readonly statement: Database.Statement;
  readonly functions: SqlFunctions;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** SQLite orders these types as Sluice does, directly or through a sort key. */
function sortKeyOf(type: SqlType | null): SortKey | 'native' | undefined {
  switch (type?.kind) {
    case undefined:
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return 'native';
    case 'DOUBLE':
      return 'double';
    case 'STRING':
      return 'string';
    case 'BYTES':
      return 'bytes';
    default:
      return undefined;
  }
}

/** A name for the table's rowid that no column shadows, if there is one. */
function rowidName(table: MaterializedTable): string | undefined {
  const taken = new Set(table.schema.columns.map((c) => c.name.toLowerCase()));
  return ['rowid', '_rowid_', 'oid'].find((n) => !taken.has(n));
}

/**
 * Aliases for a layer's columns that no column of the table can be mistaken for (SQLite
 * matches names case-insensitively and may resolve an alias where a column was meant).
 */
function aliasPrefix(base: string, table: MaterializedTable): string {
  const taken = new Set(table.schema.columns.map((c) => c.name.toLowerCase()));
  let prefix = base;
  while ([...taken].some((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))) prefix = `_${prefix}`;
  return prefix;
}

/** The SQLite plan for a pull query on `table`, or undefined when it must run in JavaScript. */
export function planSqlPull(analyzed: AnalyzedQuery, query: Query, table: MaterializedTable, catalog: Catalog): SqlPull | undefined {
  const parts = planParts(analyzed.root);
  if (parts.join || parts.rekeyed || parts.tableFunctions.length > 0 || parts.aggregate?.window) return undefined;
  const source = parts.source;
  const inSchema = source.schema;
  if (inSchema.columns.length !== table.schema.columns.length || inSchema.columns.some((c, i) => c.name !== table.schema.columns[i]!.name)) {
    return undefined;
  }
  const db = table.database;
  const x = new SqlExpressions(SqlFunctions.for(db), catalog.functions);
  const env = { functions: catalog.functions, resolveType: (n: string) => catalog.customType(n) };
  const quals = [source.alias, source.source];
  const typed = (e: Parameters<typeof typeExpression>[0], schema: StepSchema, qualifiers: readonly string[]): TypedExpr =>
    typeExpression(e, schemaScope(schema, qualifiers), env);
  const tableScope: SqlScope = { column: (i) => quote(table.schema.columns[i]!.name) };
  const c = aliasPrefix('c', table);
  const r = aliasPrefix('r', table);

  // WHERE: each top-level conjunct on its own, so SQLite sees the ones an index can serve.
  const where: string[] = [];
  for (const p of parts.predicates) {
    for (const conjunct of conjuncts(typed(p, inSchema, quals))) where.push(x.wrap(x.translate(conjunct, tableScope, true), 'truth'));
  }

  let from: string;
  let itemScope: SqlScope;
  let itemSchema: StepSchema;
  let having: string | undefined;
  const agg = parts.aggregate;
  if (agg) {
    const scope = schemaScope(inSchema, quals);
    // ksqlDB drops a row whose grouping is null (or fails): a table can't have a null key.
    const groups = agg.groupBy.map((g) => x.wrap(x.translate(typed(g, inSchema, quals), tableScope, false), 'null'));
    const position = rowidName(table);
    const calls: string[] = [];
    for (const a of agg.aggregates) {
      const call = typeAggregateCall(a.call as FunctionCall, scope, env);
      const { name, ordered } = SqlFunctions.for(db).aggregate(call, catalog.functions);
      if (ordered && position === undefined) return undefined;
      // An argument that fails fails the query, as the pipeline's does.
      const args = x.aggregateArgs(call.args, tableScope).map((f) => x.wrap(f, 'throw'));
      calls.push(`${name}(${[...(ordered ? [position!] : []), ...args].join(', ')})`);
    }
    const cols = [...groups, ...calls].map((sql, i) => `${sql} AS ${c}${i}`);
    const filter = [...where, ...groups.map((g) => `${g} IS NOT NULL`)];
    // Without GROUP BY the whole table is one group: as in SQL, an empty table answers one row.
    const whereSql = filter.length > 0 ? ` WHERE ${filter.join(' AND ')}` : '';
    const groupSql = groups.length > 0 ? ` GROUP BY ${groups.join(', ')}` : '';
    from = `(SELECT ${cols.join(', ')} FROM ${quote(table.table)}${whereSql}${groupSql})`;
    itemSchema = agg.schema;
    itemScope = { column: (i) => `${c}${i}` };
    if (parts.having) having = x.wrap(x.translate(typed(parts.having, agg.schema, quals), itemScope, true), 'truth');
  } else {
    from = `${quote(table.table)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
    itemSchema = parts.selectSchema ?? inSchema;
    itemScope = tableScope;
  }

  // The projection, in SELECT order (the pipeline computes key columns first).
  const items = parts.items.map((i) => x.wrap(x.translate(typed(i.expr, itemSchema, quals), itemScope, false), 'null'));
  const order = analyzed.outputOrder ?? items.map((_, i) => i);
  const types = analyzed.schema.columns.map((col) => col.type);
  let sql = `SELECT ${order.map((at, i) => `${items[at]} AS ${r}${i}`).join(', ')} FROM ${from}${having ? ` WHERE ${having}` : ''}`;

  const resultScope: SqlScope = { column: (i) => `${r}${i}` };
  const keys = orderByExpressions(analyzed, query).map((o) => ({ typed: typed(o.expr, analyzed.schema, []), descending: o.descending }));
  let finish: SqlPull['finish'];
  if (keys.some((k) => sortKeyOf(k.typed.type) === undefined)) {
    finish = compileOrderAndPage(analyzed, query, catalog);
    for (const k of keys) for (const n of typedNodes(k.typed)) if (n.kind === 'Literal') x.fixed.push(n.span);
  } else {
    if (keys.length > 0) {
      // Nulls sort last ascending and first descending: Sluice sorts them as the largest value.
      const by = keys.map((k) => {
        const f: Fragment = x.translate(k.typed, resultScope, false);
        const kind = sortKeyOf(k.typed.type)!;
        const value = x.wrap(f, 'throw');
        const key = kind === 'native' ? value : `${SORT_KEYS[kind]}(${value})`;
        return `${key} ${k.descending ? 'DESC NULLS FIRST' : 'ASC NULLS LAST'}`;
      });
      sql = `SELECT * FROM (${sql}) ORDER BY ${by.join(', ')}`;
    }
    if (query.limit !== undefined || query.offset !== undefined) {
      const limit = query.limit !== undefined ? x.param(BigInt(query.limit), { kind: 'clause', clause: 'LIMIT' }) : '-1';
      const offset = query.offset !== undefined ? ` OFFSET ${x.param(BigInt(query.offset), { kind: 'clause', clause: 'OFFSET' })}` : '';
      sql += ` LIMIT ${limit}${offset}`;
    }
  }
  const done = x.finish(sql);
  const statement = db.prepare(done.sql).raw(true).safeIntegers(true);
  return { sql: done.sql, slots: done.slots, fixed: x.fixed, types, finish, statement, functions: SqlFunctions.for(db) };
}

/** Runs the plan with the given parameter values (in slot order) and decodes the rows. */
export function runSqlPull(plan: SqlPull, params: readonly unknown[]): unknown[][] {
  plan.functions.reset();
  const raw = plan.statement.all(...params) as unknown[][];
  const types = plan.types;
  const rows = raw.map((row) => {
    for (let i = 0; i < row.length; i++) row[i] = fromSql(row[i], types[i]!);
    return row;
  });
  return plan.finish ? plan.finish(rows) : rows;
}

function conjuncts(e: TypedExpr): TypedExpr[] {
  return e.kind === 'Logical' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}
