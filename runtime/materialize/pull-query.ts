// Pull queries over a materialised table: read the committed rows from SQLite (narrowed in
// SQL, on the table's index, as far as the WHERE clause allows), then run the same compiled
// filter and projection a push query would. The answer reflects one committed batch.

import type { Expression, Query } from '../../grammar/ast.js';
import type { Catalog } from '../../planner/catalog.js';
import type { AnalyzedQuery } from '../../planner/analyze/query.js';
import type { StepColumn } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import { buildPipeline, type Pipeline } from '../query/pipeline.js';
import { isAggregation } from '../query/aggregate-pipeline.js';
import { compileOver } from '../query/expressions.js';
import { mapExpression, replaceTopDown } from '../../planner/rewrite/map-expression.js';
import { compareNullsLast } from '../functions/values.js';
import { stringifyJsonExact } from '../serde/json-exact.js';
import type { ProcessingError } from '../query/errors.js';
import type { MaterializedTable } from './materialized-table.js';
import { toSql } from './sql-values.js';

/** A literal's value comparable in SQLite with a column of the given type, or undefined. */
function literalFor(e: Expression, col: StepColumn): unknown | undefined {
  switch (col.type.kind) {
    case 'INT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return e.kind === 'IntegerLiteral' ? Number(e.text) : undefined;
    case 'BIGINT':
      return e.kind === 'IntegerLiteral' ? BigInt(e.text) : undefined;
    case 'DOUBLE':
      return e.kind === 'IntegerLiteral' || e.kind === 'DecimalLiteral' || e.kind === 'DoubleLiteral' ? Number(e.text) : undefined;
    case 'STRING':
      return e.kind === 'StringLiteral' ? e.value : undefined;
    default:
      // DECIMAL is stored as text and nested types as JSON: SQLite can't order them.
      return undefined;
  }
}

function conjuncts(e: Expression): Expression[] {
  return e.kind === 'Logical' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

const FLIP = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

/**
 * Pushes the WHERE clause's simple conjuncts into SQLite — `col op literal`, `col IN (...)`,
 * `col BETWEEN a AND b`, `col IS [NOT] NULL`, on columns whose SQLite order is Sluice's — so
 * key lookups and ranges use the table's index. It only ever selects a superset of the answer:
 * the full predicate still runs on every row read.
 */
export function sqlConditions(where: Expression | undefined, table: MaterializedTable): { sql: string; params: unknown[] } {
  if (!where) return { sql: '', params: [] };
  const cols = table.schema.columns;
  const parts: string[] = [];
  const params: unknown[] = [];
  const column = (e: Expression) => {
    if (e.kind !== 'ColumnRef') return undefined;
    const idx = cols.findIndex((x) => x.name === e.name);
    return idx < 0 ? undefined : cols[idx]!;
  };
  const quoted = (c: StepColumn) => `"${c.name.replace(/"/g, '""')}"`;
  const push = (c: StepColumn, sql: string, lits: readonly Expression[]): void => {
    const values = lits.map((l) => literalFor(l, c));
    if (values.some((v) => v === undefined)) return;
    parts.push(sql);
    params.push(...values.map((v) => toSql(v, c.type)));
  };
  for (const e of conjuncts(where)) {
    switch (e.kind) {
      case 'Comparison': {
        const [c, op, lit] = column(e.left) ? [column(e.left), e.op, e.right] : [column(e.right), FLIP[e.op], e.left];
        // SQLite orders text by UTF-8 bytes, Sluice by UTF-16 units: strings only compare equal.
        if (c && (op === '=' || c.type.kind !== 'STRING')) push(c, `${quoted(c)} ${op} ?`, [lit]);
        break;
      }
      case 'InList': {
        const c = column(e.value);
        if (c && !e.negated) push(c, `${quoted(c)} IN (${e.list.map(() => '?').join(', ')})`, e.list);
        break;
      }
      case 'Between': {
        const c = column(e.value);
        if (c && !e.negated && c.type.kind !== 'STRING') push(c, `${quoted(c)} BETWEEN ? AND ?`, [e.low, e.high]);
        break;
      }
      case 'IsNull': {
        const c = column(e.operand);
        if (c) parts.push(`${quoted(c)} IS ${e.negated ? 'NOT ' : ''}NULL`);
        break;
      }
      default:
        break;
    }
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * The ORDER BY expressions, over the result's columns: ORDER BY names result columns, and
 * `a.col` is accepted for a column the result calls COL or A_COL.
 */
export function orderByExpressions(analyzed: AnalyzedQuery, query: Query): { expr: Expression; descending: boolean }[] {
  const names = new Set(analyzed.schema.columns.map((c) => c.name));
  const unqualify = (e: Expression) =>
    mapExpression(e, (x) => {
      if (x.kind !== 'ColumnRef' || x.source === undefined) return x;
      const name = names.has(x.name) ? x.name : names.has(`${x.source}_${x.name}`) ? `${x.source}_${x.name}` : x.name;
      return { ...x, source: undefined, name };
    });
  return (query.orderBy ?? []).map((o) => ({ expr: unqualify(o.expr), descending: o.descending }));
}

/**
 * ORDER BY (over the result's columns), then OFFSET and LIMIT: what Sluice's pull queries
 * add to ksqlDB's. Compiled once; the function sorts and pages any rows of the result.
 */
export function compileOrderAndPage(
  analyzed: AnalyzedQuery,
  query: Query,
  catalog: Catalog,
): (rows: unknown[][]) => unknown[][] {
  const keys = orderByExpressions(analyzed, query).map((o) => ({
    fn: compileOver(o.expr, analyzed.schema, [], catalog).fn,
    sign: o.descending ? -1 : 1,
  }));
  const from = query.offset ?? 0;
  const to = query.limit !== undefined ? from + query.limit : undefined;
  return (rows) => {
    let out = rows;
    if (keys.length > 0) {
      const decorated = out.map((r) => ({ r, k: keys.map((k) => k.fn(r)) }));
      decorated.sort((a, b) => {
        for (let i = 0; i < keys.length; i++) {
          const c = compareNullsLast(a.k[i], b.k[i]);
          if (c !== 0) return c * keys[i]!.sign;
        }
        return 0;
      });
      out = decorated.map((d) => d.r);
    }
    return out.slice(from, to);
  };
}

export function orderAndPage(rows: unknown[][], analyzed: AnalyzedQuery, query: Query, catalog: Catalog): unknown[][] {
  return compileOrderAndPage(analyzed, query, catalog)(rows);
}

export function runPullQuery(
  analyzed: AnalyzedQuery,
  query: Query,
  table: MaterializedTable,
  catalog: Catalog,
  /** A stateless pipeline built earlier for the same query (plan cache); aggregations need a fresh one. */
  cached?: Pipeline,
): { rows: unknown[][]; errors: ProcessingError[] } {
  const aggregating = isAggregation(analyzed.root);
  const pipeline = !aggregating && cached ? cached : buildPipeline(analyzed.root, catalog, undefined, 'pull');
  // Without ORDER BY or GROUP BY, LIMIT can stop the scan early.
  const stopAt = !aggregating && !query.orderBy && query.limit !== undefined ? (query.offset ?? 0) + query.limit : undefined;
  const { sql, params } = sqlConditions(query.where, table);
  const rows: unknown[][] = [];
  // A GROUP BY result is a table: keep each key's latest row, drop deleted keys.
  const groups = new Map<string, unknown[]>();
  const errors: ProcessingError[] = [];
  const fake: LogRecord = { topic: analyzed.source.topic, partition: 0, offset: 0, timestamp: 0, key: null, value: null, headers: [] };
  for (const row of table.scan(sql || undefined, params)) {
    if (stopAt !== undefined && rows.length >= stopAt) break;
    pipeline.processRow!(row, fake, (e) => errors.push(e), (key, value, meta) => {
      if (aggregating) {
        const id = stringifyJsonExact([key, meta.window ?? null]);
        if (value === null) groups.delete(id);
        else groups.set(id, [...key, ...value]);
      } else if (value !== null) rows.push([...key, ...value]);
    });
  }
  const ordered = analyzed.outputOrder;
  const result = aggregating ? [...groups.values()] : rows;
  const inSelectOrder = ordered ? result.map((r) => ordered.map((i) => r[i])) : result;
  return { rows: orderAndPage(inSelectOrder, analyzed, query, catalog), errors };
}

/**
 * A value known before any row is read: no column in it. `ID = 10 + 1` is a key lookup, as
 * ksqlDB resolves the constant expression to the key 11.
 */
function isConstant(e: Expression): boolean {
  let column = false;
  replaceTopDown(e, (x) => {
    if (x.kind === 'ColumnRef') column = true;
    return column ? x : undefined;
  });
  return !column && e.kind !== 'NullLiteral';
}

/**
 * True when the WHERE clause constrains every key column with a comparison or IN over
 * constants — a lookup or a key range, answered from the key index — which is what ksqlDB
 * allows with table scans disabled. Other conjuncts may filter further.
 */
export function isKeyLookup(where: Expression | undefined, keyColumns: readonly string[], rangesAllowed = true): boolean {
  if (!where) return keyColumns.length === 0;
  const constrained = new Set<string>();
  const seen = new Map<string, number>();
  const keyName = (e: Expression) => (e.kind === 'ColumnRef' && keyColumns.includes(e.name) ? e.name : undefined);
  for (const c of conjuncts(where)) {
    if (c.kind === 'Comparison' && (c.op === '=' || (rangesAllowed && c.op !== '<>'))) {
      const k = keyName(c.left) ?? keyName(c.right);
      const other = keyName(c.left) ? c.right : c.left;
      if (k && isConstant(other)) constrained.add(k);
    } else if (c.kind === 'InList' && !c.negated && c.list.every(isConstant)) {
      const k = keyName(c.value);
      if (k) constrained.add(k);
    } else if (rangesAllowed && c.kind === 'Between' && !c.negated && isConstant(c.low) && isConstant(c.high)) {
      const k = keyName(c.value);
      if (k) constrained.add(k);
    }
  }
  // ksqlDB takes one condition per key column: `'0' < ID AND ID < '9'` needs a table scan.
  for (const c of conjuncts(where)) {
    const names = new Set<string>();
    const visit = (e: Expression) => {
      const k = keyName(e);
      if (k) names.add(k);
    };
    if (c.kind === 'Comparison') [c.left, c.right].forEach(visit);
    else if (c.kind === 'InList' || c.kind === 'Between') visit(c.value);
    for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  return keyColumns.every((k) => constrained.has(k) && (seen.get(k) ?? 0) === 1);
}
