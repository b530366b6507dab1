// Pull queries over a materialised table: read the committed rows from SQLite (narrowed in
// SQL by key equality where the WHERE clause allows it), then run the same compiled filter
// and projection a push query would. The answer reflects one committed batch.

import type { Expression } from '../../grammar/ast.js';
import type { Catalog } from '../../planner/catalog.js';
import type { AnalyzedQuery } from '../../planner/analyze/query.js';
import type { StepColumn } from '../../planner/steps.js';
import type { LogRecord } from '../log/log.js';
import { buildPipeline } from '../query/pipeline.js';
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

export function runPullQuery(
  analyzed: AnalyzedQuery,
  where: Expression | undefined,
  table: MaterializedTable,
  catalog: Catalog,
): { rows: unknown[][]; errors: ProcessingError[] } {
  const pipeline = buildPipeline(analyzed.root, catalog, undefined, 'pull');
  const { sql, params } = keyConditions(where, table);
  const out: unknown[][] = [];
  const errors: ProcessingError[] = [];
  const limit = analyzed.limit;
  const fake: LogRecord = { topic: analyzed.source.topic, partition: 0, offset: 0, timestamp: 0, key: null, value: null, headers: [] };
  for (const row of table.scan(sql || undefined, params)) {
    if (limit !== undefined && out.length >= limit) break;
    pipeline.processRow!(row, fake, (e) => errors.push(e), (key, value) => {
      if (value !== null) out.push([...key, ...value]);
    });
  }
  return { rows: limit !== undefined ? out.slice(0, limit) : out, errors };
}
