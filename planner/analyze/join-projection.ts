// WHERE, PARTITION BY and the projection over a join's rows, and the result's key.
//
// A join's result is keyed by its join expression. The projection must select one of the
// columns equal to it (either side's column, or the synthetic ROWKEY); that item becomes the
// key column and reads the join's key slot, which, unlike the side columns, is set even when
// its side is missing from an outer join's row. A foreign-key join is keyed by the left
// table's primary key, all of whose columns the projection must select.

import type { ColumnRef, Expression, SelectItem as AstSelectItem, Span } from '../../grammar/ast.js';
import { SemanticError } from '../errors.js';
import { formatExpression, sameExpression } from '../format-expression.js';
import { isReservedColumnName } from '../pseudo-columns.js';
import { convertMagicTimestamps } from '../rewrite/convert-magic-timestamps.js';
import type { SelectItem, Step, StepColumn, StepSchema } from '../steps.js';
import { containsMap, formatType, type SqlType } from '../types.js';
import { analyzeAggregate, isAggregating } from './aggregate.js';
import { ColumnNamer } from './column-names.js';
import type { JoinContext, JoinedRelation } from './join.js';
import type { JoinNames } from './join-sources.js';
import type { AnalyzedQuery } from './query.js';
import { schemaScope } from './schema-scope.js';
import { checkPredicate, typeOf } from './typing.js';

interface Item {
  readonly name: string;
  expr: Expression;
  readonly type: SqlType | null;
  readonly span: Span;
  readonly fromStar: boolean;
}

const colRef = (name: string, span: Span): ColumnRef => ({ kind: 'ColumnRef', source: undefined, name, span });


function listLabels(labels: readonly string[]): string {
  return labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]!}`;
}

export function analyzeJoinProjection(ctx: JoinContext & { readonly joined: JoinedRelation; readonly names: JoinNames }): AnalyzedQuery {
  const { query, catalog, sinkName, joined, names } = ctx;
  const schema = joined.schema;
  const scope = schemaScope(schema, []);
  const stream = joined.kind === 'STREAM';
  let step: Step = joined.step;
  if (query.where) {
    const where = names.rewrite(convertMagicTimestamps(query.where).expr, 'WHERE');
    checkPredicate(where, scope, catalog, 'WHERE');
    step = { kind: stream ? 'StreamFilter' : 'TableFilter', input: step, predicate: where, schema };
  }

  if (isAggregating(query, catalog)) {
    // The aggregation reads the joined rows, whose columns carry their ALIAS_ names.
    const aliased = query.select.map((item): AstSelectItem => {
      if (item.kind !== 'SelectExpr') return item;
      const expr = names.rewrite(item.expr, 'SELECT');
      const alias = item.alias ?? (item.expr.kind === 'ColumnRef' ? names.itemName(item.expr, 'SELECT') : undefined);
      return { ...item, expr, alias };
    });
    return analyzeAggregate({
      query: {
        ...query,
        select: aliased,
        groupBy: query.groupBy?.map((g) => names.rewrite(g, 'GROUP BY')),
        having: query.having && names.rewrite(query.having, 'HAVING'),
        where: undefined,
      },
      catalog,
      sinkName,
      source: joined.sources[0]!.info,
      alias: joined.sources[0]!.alias,
      inSchema: schema,
      scope,
      input: step,
    });
  }

  const partition = query.partitionBy?.filter((p) => p.kind !== 'NullLiteral').map((p) => names.rewrite(p, 'PARTITION BY'));
  if (query.partitionBy && !stream) throw new SemanticError('PARTITION BY is not supported on tables: use GROUP BY to re-key a table.', query.span);
  if (query.partitionBy && partition!.length !== query.partitionBy.length && query.partitionBy.length > 1) {
    throw new SemanticError('PARTITION BY NULL cannot be combined with other expressions', query.span);
  }
  for (const p of partition ?? []) typeOf(p, scope, catalog);

  // Expand the projection.
  const namer = new ColumnNamer(new Set([...schema.columns.map((c) => c.name), ...joined.sources.flatMap((s) => s.info.columns.map((c) => c.name))]));
  const items: Item[] = [];
  const push = (name: string, expr: Expression, type: SqlType | null, span: Span, fromStar = false) => {
    items.push({ name, expr, type, span, fromStar });
    namer.use(name);
  };
  const pushColumns = (cols: readonly StepColumn[], span: Span) => {
    for (const c of cols) push(c.name, colRef(c.name, span), c.type, span, true);
  };
  for (const item of query.select) {
    switch (item.kind) {
      case 'AllColumns': {
        const sources = item.source === undefined ? joined.sources : [names.source(item.source, item.span)];
        if (item.source === undefined && joined.synthetic && !partition) {
          push(joined.keyName!, colRef(joined.keyName!, item.span), schema.columns[0]!.type, item.span);
        }
        for (const s of sources) pushColumns(partition ? names.repartitionedStarColumns(s) : names.starColumns(s), item.span);
        break;
      }
      case 'StructAll': {
        const base = names.rewrite(item.expr, 'SELECT');
        const t = typeOf(base, scope, catalog);
        if (!t || t.kind !== 'STRUCT') throw new SemanticError(`Expected STRUCT for ->*, got ${t ? formatType(t) : 'NULL'}`, item.span);
        for (const f of t.fields) push(f.name, { kind: 'Dereference', base, field: f.name, span: item.span }, f.type, item.span);
        break;
      }
      case 'SelectExpr': {
        const expr = names.rewrite(item.expr, 'SELECT');
        const type = typeOf(expr, scope, catalog);
        if (item.alias !== undefined && isReservedColumnName(item.alias)) {
          throw new SemanticError(`Reserved column name in select: \`${item.alias}\`. Please remove or alias the column.`, item.span);
        }
        const name = item.alias ?? (item.expr.kind === 'ColumnRef' ? names.itemName(item.expr, 'SELECT') : namer.nameFor(item.expr));
        push(name, expr, type, item.span);
        break;
      }
    }
  }
  // A star after PARTITION BY leaves out the column that became the key.
  if (partition && query.select.some((i) => i.kind === 'AllColumns')) {
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i]!;
      if (it.fromStar && partition.some((p) => sameExpression(p, it.expr))) items.splice(i, 1);
    }
    items.unshift(
      ...partition.map((p) => ({ name: p.kind === 'ColumnRef' ? p.name : namer.generated(), expr: p, type: typeOf(p, scope, catalog), span: query.span, fromStar: true })),
    );
  }
  const seen = new Set<string>();
  for (const i of items) {
    if (seen.has(i.name)) throw new SemanticError(`Duplicate column names in the projection: ${i.name}`, i.span);
    seen.add(i.name);
  }

  const keyIdx = partition ? partitionKeys(partition, items, sinkName, query.span) : joinKeys(joined, items, sinkName, query.span);
  if (partition) step = { kind: 'StreamSelectKey', input: step, keyExpressions: partition, schema };
  const isKey = items.map((_, i) => keyIdx.includes(i));
  if (sinkName !== undefined) {
    if (!isKey.some((k) => !k)) throw new SemanticError('The projection contains no value columns.', query.span);
    for (const i of keyIdx) {
      const t = items[i]!.type;
      if (t && containsMap(t)) {
        throw new SemanticError(
          `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${items[i]!.name}\`. Column type: ${formatType(t)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
          query.span,
        );
      }
    }
  }
  for (const i of items) {
    if (i.type === null) throw new SemanticError(`Can't infer a type of null. Please explicitly cast it to the required type, e.g. CAST(null AS VARCHAR).`, i.span);
  }
  const values = items.filter((_, i) => !isKey[i]);
  const selectItems: SelectItem[] = [
    ...keyIdx.map((i) => ({ name: items[i]!.name, expr: items[i]!.expr, key: true })),
    ...values.map((it) => ({ name: it.name, expr: it.expr, key: false })),
  ];
  const outSchema: StepSchema = {
    columns: [
      ...keyIdx.map((i) => ({ name: items[i]!.name, type: items[i]!.type!, role: 'KEY' as const })),
      ...values.map((it) => ({ name: it.name, type: it.type!, role: 'VALUE' as const })),
    ],
  };
  step = { kind: stream ? 'StreamSelect' : 'TableSelect', input: step, items: selectItems, schema: outSchema };
  return { root: step, source: joined.sources[0]!.info, schema: outSchema, sourceType: joined.kind, limit: query.limit, emit: query.emit };
}

/** The items keyed by PARTITION BY: one per expression, in its order. */
function partitionKeys(partition: readonly Expression[], items: readonly Item[], sinkName: string | undefined, span: Span): number[] {
  const out: number[] = [];
  for (const p of partition) {
    const hits = items.map((it, i) => ({ it, i })).filter(({ it }) => sameExpression(it.expr, p));
    if (hits.length === 0) {
      if (sinkName === undefined) continue;
      throw new SemanticError(
        `The query used to build \`${sinkName}\` must include the partitioning expression ${formatExpression(p)} in its projection (eg, SELECT ${formatExpression(p)}...).`,
        span,
      );
    }
    if (hits.length > 1 && sinkName !== undefined) {
      throw new SemanticError(`The projection contains a key column (\`${hits[0]!.it.name}\`) more than once, aliased as: ${hits.map((h) => h.it.name).join(' and ')}.`, span);
    }
    out.push(hits[0]!.i);
  }
  return out;
}

/** The items keyed by the join; a chosen primary-key item is pointed at the key slot. */
function joinKeys(joined: JoinedRelation, items: Item[], sinkName: string | undefined, span: Span): number[] {
  const refName = (e: Expression) => (e.kind === 'ColumnRef' ? e.name : undefined);
  const duplicates = (name: string) => {
    const hits = items.filter((it) => refName(it.expr) === name);
    if (hits.length > 1 && sinkName !== undefined) {
      throw new SemanticError(`The projection contains a key column (\`${name}\`) more than once, aliased as: ${hits.map((h) => h.name).join(' and ')}.`, span);
    }
  };
  if (joined.keyName === undefined) {
    // A foreign-key join: keyed by every primary-key column of the left table.
    const out: number[] = [];
    const missing: string[] = [];
    for (const ref of joined.keyRefs) {
      const i = items.findIndex((it) => refName(it.expr) === ref.name);
      if (i < 0) missing.push(ref.label.slice(ref.label.indexOf('.') + 1));
      else {
        duplicates(ref.name);
        out.push(i);
      }
    }
    if (missing.length > 0 && sinkName !== undefined) {
      const left = joined.sources[0]!.alias;
      const plural = missing.length > 1;
      throw new SemanticError(
        `Primary key column${plural ? 's' : ''} missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (\`${left}\`). Missing column${plural ? 's' : ''}: ${missing.map((m) => `\`${m}\``).join(', ')}.`,
        span,
      );
    }
    return missing.length > 0 ? [] : out;
  }
  // The first key column (in join order) the projection selects becomes the key.
  const viable = joined.synthetic ? [joined.keyName] : joined.keyRefs.map((r) => r.name);
  const found = viable.map((name) => items.findIndex((it) => refName(it.expr) === name)).find((i) => i >= 0);
  if (found === undefined) {
    if (sinkName === undefined) return [];
    if (joined.synthetic) {
      const k = joined.keyName;
      throw new SemanticError(
        `Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build \`${sinkName}\` must include the join expression ${k} in its projection (eg, SELECT ${k}...).\n${k} was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased.`,
        span,
      );
    }
    const labels = joined.keyRefs.map((r) => r.label);
    throw new SemanticError(
      `The query used to build \`${sinkName}\` must include the join expression${labels.length > 1 ? 's' : ''} ${listLabels(labels)} in its projection (eg, SELECT ${labels[0]}...).`,
      span,
    );
  }
  duplicates(refName(items[found]!.expr)!);
  items[found]!.expr = colRef(joined.keyName, items[found]!.span);
  return [found];
}
