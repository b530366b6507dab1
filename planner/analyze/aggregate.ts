// SELECT ... [WINDOW ...] GROUP BY ... [HAVING ...]: the aggregation part of the plan.
//
// The projection and HAVING are rewritten over the aggregate's output row: each aggregate call
// becomes a KSQL_AGG_VARIABLE_i column and each GROUP BY expression (wherever it appears
// whole) a KSQL_GROUPBY_j column. Anything still reading a source column afterwards is not
// part of the GROUP BY, which ksqlDB rejects.

import type { Duration, Expression, Query, Span, WindowExpression } from '../../grammar/ast.js';
import type { Catalog, SourceInfo } from '../catalog.js';
import { SemanticError } from '../errors.js';
import { formatExpression } from '../format-expression.js';
import { typeAggregateCall } from '../expressions/typer.js';
import type { TypedFunctionCall } from '../expressions/typed.js';
import { checkAggregateStateFormat } from './aggregate-format.js';
import type { Scope } from '../expressions/scope.js';
import { replaceTopDown } from '../rewrite/map-expression.js';
import type { SelectItem, Step, StepColumn, StepSchema, WindowSpec } from '../steps.js';
import { BIGINT, containsMap, formatType, type SqlType } from '../types.js';
import { ColumnNamer } from './column-names.js';
import { selectOrder } from './output-order.js';
import { schemaScope } from './schema-scope.js';
import { checkPredicate, typeOf } from './typing.js';
import type { AnalyzedQuery } from './query.js';

const UNIT_MS: Record<Duration['unit'], number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
  WEEKS: 7 * 86_400_000,
  MONTHS: 30 * 86_400_000,
  YEARS: 365 * 86_400_000,
};

export function durationMs(d: Duration): number {
  return Math.floor(d.value * UNIT_MS[d.unit]);
}

function windowSpec(w: WindowExpression): WindowSpec {
  const grace = w.grace ? durationMs(w.grace) : undefined;
  const retention = w.retention ? durationMs(w.retention) : undefined;
  switch (w.kind) {
    case 'TumblingWindow':
      return { kind: 'TUMBLING', size: durationMs(w.size), advance: durationMs(w.size), grace, retention };
    case 'HoppingWindow': {
      const size = durationMs(w.size);
      const advance = durationMs(w.advance);
      if (advance <= 0 || advance > size) {
        throw new SemanticError(`Window advance must be positive and no more than the window size`, w.span);
      }
      return { kind: 'HOPPING', size, advance, grace, retention };
    }
    case 'SessionWindow':
      return { kind: 'SESSION', size: durationMs(w.gap), advance: 0, grace, retention };
  }
}

export interface AggregateContext {
  readonly query: Query;
  readonly catalog: Catalog;
  readonly sinkName: string | undefined;
  readonly source: SourceInfo;
  readonly alias: string;
  readonly inSchema: StepSchema;
  readonly scope: Scope;
  readonly input: Step;
}

function isAggregate(e: Expression, catalog: Catalog): e is Extract<Expression, { kind: 'FunctionCall' }> {
  return e.kind === 'FunctionCall' && catalog.functions.lookup(e.name)?.kind === 'aggregate';
}

/** Strips `source.` qualifiers so `a.ID` and `ID` compare equal in a one-source query. */
function key(e: Expression): string {
  return formatExpression(e).replace(/(^|[^A-Z0-9_`'])[A-Z_][A-Z0-9_]*\./g, '$1');
}

export function containsAggregate(e: Expression, catalog: Catalog): boolean {
  let found = false;
  replaceTopDown(e, (x) => {
    if (isAggregate(x, catalog)) found = true;
    return found ? x : undefined;
  });
  return found;
}

export function analyzeAggregate(ctx: AggregateContext): AnalyzedQuery {
  const { query, catalog, sinkName, source, alias, inSchema, scope } = ctx;
  const env = { functions: catalog.functions, resolveType: (n: string) => catalog.customType(n) };
  if (query.partitionBy) throw new SemanticError('PARTITION BY is not valid with GROUP BY: the grouping sets the key', query.span);
  if (query.window && !query.groupBy) throw new SemanticError('WINDOW clause requires a GROUP BY clause.', query.window.span);
  // A push query may aggregate without GROUP BY, as in ksqlDB: every row is in one group,
  // and the result has no key. A persistent table needs a key, so it needs a GROUP BY.
  if (!query.groupBy && sinkName !== undefined) {
    throw new SemanticError('Aggregate functions need a GROUP BY clause', query.span);
  }
  if (source.windowType && query.window === undefined) {
    // A windowed source re-grouped would need repartitioning windowed data.
    throw new SemanticError('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.', query.span);
  }
  if (source.valueFormat === 'KAFKA') {
    throw new SemanticError(`Source(s) ${source.name} are using the 'KAFKA' value format. This format does not yet support GROUP BY.`, query.span);
  }
  const groupBy = query.groupBy ?? [];
  const groupTypes: SqlType[] = [];
  for (const g of groupBy) {
    if (containsAggregate(g, catalog)) {
      throw new SemanticError(`GROUP BY does not support aggregate functions: ${(g as { name?: string }).name ?? formatExpression(g)} is an aggregate function.`, g.span);
    }
    const t = typeOf(g, scope, catalog);
    if (t === null) throw new SemanticError('GROUP BY NULL is not supported', g.span);
    groupTypes.push(t);
  }

  // Collect the aggregate calls (deduplicated by text) from the projection and HAVING.
  const aggregates: { name: string; call: Expression; type: SqlType; typed: TypedFunctionCall }[] = [];
  const aggIndex = new Map<string, number>();
  const groupIndex = new Map(groupBy.map((g, j) => [key(g), j]));
  const rewrite = (e: Expression): Expression =>
    replaceTopDown(e, (x) => {
      const j = groupIndex.get(key(x));
      if (j !== undefined) return { kind: 'ColumnRef', source: undefined, name: `KSQL_GROUPBY_${j}`, span: x.span };
      if (isAggregate(x, catalog)) {
        for (const a of x.args) {
          if (containsAggregate(a, catalog)) throw new SemanticError(`Aggregate functions can not be nested: ${formatExpression(x)}`, x.span);
        }
        const k = key(x);
        let i = aggIndex.get(k);
        if (i === undefined) {
          const typed = typeAggregateCall(x, scope, env);
          i = aggregates.length;
          aggIndex.set(k, i);
          aggregates.push({ name: `KSQL_AGG_VARIABLE_${i}`, call: x, type: typed.type, typed });
        }
        return { kind: 'ColumnRef', source: undefined, name: `KSQL_AGG_VARIABLE_${i}`, span: x.span };
      }
      return undefined;
    });

  const spec = query.window ? windowSpec(query.window) : undefined;
  const windowed = spec !== undefined || source.windowType !== undefined;
  const aggColumns: StepColumn[] = [
    ...groupBy.map((_, j) => ({ name: `KSQL_GROUPBY_${j}`, type: groupTypes[j]!, role: 'KEY' as const })),
  ];
  // Items and HAVING are rewritten first (that registers the aggregates), then typed.
  const namer = new ColumnNamer(new Set(inSchema.columns.map((c) => c.name)));
  const raw: { name: string; expr: Expression; original: Expression; span: Span }[] = [];
  // `*` stands for every source column; each must then be a GROUP BY expression.
  const selected: { expr: Expression; alias: string | undefined; span: Span }[] = [];
  for (const item of query.select) {
    switch (item.kind) {
      case 'AllColumns':
        for (const c of source.columns.filter((c) => c.role === 'KEY' || c.role === 'VALUE')) {
          selected.push({ expr: { kind: 'ColumnRef', source: undefined, name: c.name, span: item.span }, alias: c.name, span: item.span });
        }
        break;
      case 'StructAll':
        throw new SemanticError('->* is not supported with GROUP BY', item.span);
      case 'SelectExpr':
        selected.push({ expr: item.expr, alias: item.alias, span: item.span });
        break;
    }
  }
  for (const item of selected) {
    raw.push({ name: '', expr: rewrite(item.expr), original: item.expr, span: item.span });
    if (item.alias !== undefined) namer.use(item.alias);
  }
  selected.forEach((item, i) => {
    raw[i]!.name = item.alias ?? namer.use(namer.nameFor(item.expr));
  });
  const having = query.having ? rewrite(query.having) : undefined;
  if (aggregates.length === 0) {
    throw new SemanticError('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.', query.span);
  }
  checkAggregateStateFormat(
    aggregates.map((a) => a.typed),
    source.valueFormat,
    catalog.functions,
    query.span,
  );
  aggColumns.push(...aggregates.map((a) => ({ name: a.name, type: a.type, role: 'VALUE' as const })));
  if (windowed) {
    aggColumns.push({ name: 'WINDOWSTART', type: BIGINT, role: 'WINDOW' }, { name: 'WINDOWEND', type: BIGINT, role: 'WINDOW' });
  }
  const aggSchema: StepSchema = { columns: aggColumns };
  const aggScope = schemaScope(aggSchema, [alias, source.name]);

  const nonAggregate = (e: Expression, clause: string) => {
    const missing: string[] = [];
    replaceTopDown(e, (x) => {
      if (x.kind === 'ColumnRef' && !aggColumns.some((c) => c.name === x.name)) missing.push(formatExpression(x));
      return undefined;
    });
    if (missing.length > 0) {
      throw new SemanticError(`Non-aggregate ${clause} expression(s) not part of GROUP BY: ${[...new Set(missing)].join(', ')}`, e.span);
    }
  };
  const items: { name: string; expr: Expression; type: SqlType; span: Span; group: number }[] = raw.map((r) => {
    nonAggregate(r.expr, 'SELECT');
    const t = typeOf(r.expr, aggScope, catalog);
    if (t === null) throw new SemanticError(`Can't infer a type of null. Please explicitly cast it to the required type, e.g. CAST(null AS VARCHAR).`, r.span);
    const m = r.expr.kind === 'ColumnRef' ? /^KSQL_GROUPBY_(\d+)$/.exec(r.expr.name) : null;
    return { name: r.name, expr: r.expr, type: t, span: r.span, group: m ? Number(m[1]) : -1 };
  });
  if (having) {
    nonAggregate(having, 'HAVING');
    checkPredicate(having, aggScope, catalog, 'HAVING');
  }

  // Key columns: the items that are a whole GROUP BY expression, one per expression.
  const keyFlags = items.map(() => false);
  groupBy.forEach((g, j) => {
    const hits = items.map((it, i) => ({ it, i })).filter((h) => h.it.group === j);
    if (hits.length === 0) {
      if (sinkName !== undefined) {
        throw new SemanticError(
          `The query used to build \`${sinkName}\` must include the grouping expression ${formatExpression(g)} in its projection (eg, SELECT ${formatExpression(g)}...).`,
          g.span,
        );
      }
      return;
    }
    if (hits.length > 1 && sinkName !== undefined) {
      throw new SemanticError(
        `The projection contains a key column (\`${hits[0]!.it.name}\`) more than once, aliased as: ${hits.map((h) => h.it.name).join(' and ')}.`,
        query.span,
      );
    }
    keyFlags[hits[0]!.i] = true;
  });
  if (sinkName !== undefined && !keyFlags.some((k) => !k)) throw new SemanticError('The projection contains no value columns.', query.span);
  const names = new Set<string>();
  for (const it of items) {
    if (names.has(it.name)) throw new SemanticError(`Duplicate column names in the projection: ${it.name}`, it.span);
    names.add(it.name);
    if (containsMap(it.type) && keyFlags[items.indexOf(it)]) {
      throw new SemanticError(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${it.name}\`. Column type: ${formatType(it.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
        it.span,
      );
    }
  }

  let step: Step = {
    kind: source.type === 'STREAM' ? 'StreamAggregate' : 'TableAggregate',
    input: ctx.input,
    groupBy,
    aggregates: aggregates.map((a) => ({ name: a.name, call: a.call })),
    window: spec,
    emitFinal: query.emit === 'FINAL',
    schema: aggSchema,
  };
  if (query.emit === 'FINAL' && !spec) throw new SemanticError('EMIT FINAL is only supported for windowed aggregations.', query.span);
  if (having) step = { kind: 'TableFilter', input: step, predicate: having, schema: aggSchema };
  // Key columns come in GROUP BY order.
  const keyItems = items.filter((_, i) => keyFlags[i]).sort((a, b) => a.group - b.group);
  const selectItems: SelectItem[] = [
    ...keyItems.map((it) => ({ name: it.name, expr: it.expr, key: true })),
    ...items.filter((_, i) => !keyFlags[i]).map((it) => ({ name: it.name, expr: it.expr, key: false })),
  ];
  const schema: StepSchema = {
    columns: [
      ...keyItems.map((it) => ({ name: it.name, type: it.type, role: 'KEY' as const })),
      ...items.filter((_, i) => !keyFlags[i]).map((it) => ({ name: it.name, type: it.type, role: 'VALUE' as const })),
    ],
  };
  step = { kind: 'TableSelect', input: step, items: selectItems, schema };
  if (sinkName === undefined) {
    const o = selectOrder(schema, items.map((it) => it.name));
    return { root: step, source, schema: o.schema, outputOrder: o.order, sourceType: 'TABLE', limit: query.limit, emit: query.emit, window: spec };
  }
  return { root: step, source, schema, sourceType: 'TABLE', limit: query.limit, emit: query.emit, window: spec };
}

/** Whether a SELECT aggregates: GROUP BY, WINDOW, HAVING, or an aggregate call in the projection. */
export function isAggregating(query: Query, catalog: Catalog): boolean {
  return (
    query.groupBy !== undefined ||
    query.window !== undefined ||
    query.having !== undefined ||
    query.select.some((i) => i.kind === 'SelectExpr' && containsAggregate(i.expr, catalog))
  );
}
