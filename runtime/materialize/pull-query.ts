// Pull queries over a materialised table: read the committed rows from SQLite (narrowed in
// SQL by key equality where the WHERE clause allows it), then run the same compiled filter
// and projection a push query would. The answer reflects one committed batch.

import type { Expression, Query } from '../../grammar/ast.js';
import type { Catalog } from '../../planner/catalog.js';
import type { AnalyzedQuery } from '../../planner/analyze/query.js';
import type { StepColumn } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import { buildPipeline } from '../query/pipeline.js';
import { isAggregation } from '../query/aggregate-pipeline.js';
import { compileOver } from '../query/expressions.js';
import { compareNullsLast } from '../functions/values.js';
import { stringifyJsonExact } from '../serde/json-exact.js';
import type { ProcessingError } from '../query/errors.js';
import type { MaterializedTable } from './materialized-table.js';
import { toSql } from './sql-values.js';

/** A literal's value for a key column of the given type, or undefined when not translatable. */
function literalFor(e: Expression, col: StepColumn): unknown | undefined {
  switch (col.type.kind) {
    case 'INT':
      return e.kind === 'IntegerLiteral' ? Number(e.text) : undefined;
    case 'BIGINT':
      return e.kind === 'IntegerLiteral' ? BigInt(e.text) : undefined;
    case 'STRING':
      return e.kind === 'StringLiteral' ? e.value : undefined;
    default:
      return undefined;
  }
}

function conjuncts(e: Expression): Expression[] {
  return e.kind === 'Logical' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/**
 * SQL narrowing for `key = literal` and `key IN (literals)` conjuncts. It only ever selects a
 * superset of the answer: the full predicate still runs on every row read.
 */
export function keyConditions(where: Expression | undefined, table: MaterializedTable): { sql: string; params: unknown[] } {
  if (!where) return { sql: '', params: [] };
  const cols = table.schema.columns;
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const c of conjuncts(where)) {
    let ref: Expression | undefined;
    let values: Expression[] = [];
    if (c.kind === 'Comparison' && c.op === '=') {
      if (c.left.kind === 'ColumnRef') [ref, values] = [c.left, [c.right]];
      else if (c.right.kind === 'ColumnRef') [ref, values] = [c.right, [c.left]];
    } else if (c.kind === 'InList' && !c.negated && c.value.kind === 'ColumnRef') {
      [ref, values] = [c.value, [...c.list]];
    }
    if (!ref || ref.kind !== 'ColumnRef') continue;
    const idx = cols.findIndex((x) => x.name === (ref as { name: string }).name && x.role === 'KEY');
    if (idx < 0) continue;
    const lits = values.map((v) => literalFor(v, cols[idx]!));
    if (lits.some((l) => l === undefined)) continue;
    parts.push(`"${cols[idx]!.name.replace(/"/g, '""')}" IN (${lits.map(() => '?').join(', ')})`);
    params.push(...lits.map((l) => toSql(l, cols[idx]!.type)));
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * ORDER BY (over the result's columns), then OFFSET and LIMIT: what Sluice's pull queries
 * add to ksqlDB's.
 */
export function orderAndPage(
  rows: unknown[][],
  analyzed: AnalyzedQuery,
  query: Query,
  catalog: Catalog,
): unknown[][] {
  let out = rows;
  if (query.orderBy && query.orderBy.length > 0) {
    const keys = query.orderBy.map((o) => ({
      fn: compileOver(o.expr, analyzed.schema, [], catalog).fn,
      sign: o.descending ? -1 : 1,
    }));
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
  const from = query.offset ?? 0;
  return out.slice(from, query.limit !== undefined ? from + query.limit : undefined);
}

export function runPullQuery(
  analyzed: AnalyzedQuery,
  query: Query,
  table: MaterializedTable,
  catalog: Catalog,
): { rows: unknown[][]; errors: ProcessingError[] } {
  const pipeline = buildPipeline(analyzed.root, catalog, undefined, 'pull');
  const aggregating = isAggregation(analyzed.root);
  // Without ORDER BY or GROUP BY, LIMIT can stop the scan early.
  const stopAt = !aggregating && !query.orderBy && query.limit !== undefined ? (query.offset ?? 0) + query.limit : undefined;
  const { sql, params } = keyConditions(query.where, table);
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
  return { rows: orderAndPage(aggregating ? [...groups.values()] : rows, analyzed, query, catalog), errors };
}
