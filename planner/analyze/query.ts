// SELECT → steps. This issue covers stateless queries over one source: WHERE, projection,
// PARTITION BY. Aggregations, windows and joins are refused with a clear error until the
// issues that build them land.

import type { Expression, Query, SelectItem as AstSelectItem, Span } from '../../grammar/ast.js';
import type { Catalog, SourceInfo } from '../catalog.js';
import { SemanticError } from '../errors.js';
import { PSEUDO_COLUMNS, WINDOW_COLUMNS, isReservedColumnName } from '../pseudo-columns.js';
import type {
  Formats,
  SelectItem,
  Step,
  StepColumn,
  StepSchema,
  StreamSource,
  TableSource,
  WindowSpec,
} from '../steps.js';
import { containsMap, formatType, type SqlType } from '../types.js';
import { formatExpression } from '../format-expression.js';
import { schemaScope } from './schema-scope.js';
import { checkPredicate, typeOf } from './typing.js';
import { ColumnNamer } from './column-names.js';
import { selectOrder } from './output-order.js';
import { analyzeAggregate, isAggregating } from './aggregate.js';
import { analyzeJoin } from './join.js';
import { convertMagicTimestamps } from '../rewrite/convert-magic-timestamps.js';
import { typeTableFunctionCall } from '../expressions/typer.js';

export interface AnalyzedQuery {
  /** The step tree up to (not including) the sink. */
  readonly root: Step;
  readonly source: SourceInfo;
  /** Output columns (key columns first). */
  readonly schema: StepSchema;
  readonly sourceType: 'STREAM' | 'TABLE';
  readonly limit: number | undefined;
  readonly emit: 'CHANGES' | 'FINAL' | undefined;
  /** Set for windowed aggregations: the result is a windowed table. */
  readonly window?: WindowSpec | undefined;
  /**
   * Transient queries only: `schema` is in SELECT order, and outputOrder[i] is where its i-th
   * column sits in the runtime's key-first row.
   */
  readonly outputOrder?: readonly number[];
}

export function sourceSchema(source: SourceInfo): StepSchema {
  const cols: StepColumn[] = source.columns.map((c) => ({
    name: c.name,
    type: c.type,
    role: c.role,
    ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}),
  }));
  for (const p of PSEUDO_COLUMNS) cols.push({ name: p.name, type: p.type, role: 'PSEUDO' });
  if (source.windowType) for (const w of WINDOW_COLUMNS) cols.push({ name: w.name, type: w.type, role: 'WINDOW' });
  return { columns: cols };
}

export function formatsOf(source: SourceInfo): Formats {
  return {
    keyFormat: source.keyFormat,
    valueFormat: source.valueFormat,
    keyFormatOptions: source.keyFormatOptions,
    valueFormatOptions: source.valueFormatOptions,
  };
}

/** Strips `source.` qualifiers so `a.ID` and `ID` compare equal in a one-source query. */
function unqualified(e: Expression): string {
  return formatExpression(e).replace(/(^|[^A-Z0-9_`'])[A-Z_][A-Z0-9_]*\./g, '$1');
}

export function analyzeQuery(query: Query, catalog: Catalog, sinkName: string | undefined): AnalyzedQuery {
  if (query.from.kind === 'Join') return analyzeJoin({ query, catalog, sinkName });
  const ref = query.from;
  const source = catalog.source(ref.name);
  if (!source) throw new SemanticError(`${ref.name} does not exist.`, ref.span);
  const alias = ref.alias ?? ref.name;
  if (sinkName !== undefined && (query.orderBy || query.offset !== undefined)) {
    throw new SemanticError('ORDER BY and OFFSET are only supported in pull queries', query.span);
  }
  if (source.windowType && query.partitionBy) {
    throw new SemanticError('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.', query.span);
  }
  if (source.type === 'TABLE' && query.partitionBy) {
    throw new SemanticError('PARTITION BY is not supported on tables: use GROUP BY to re-key a table.', query.span);
  }

  const inSchema = sourceSchema(source);
  const sourceStep: StreamSource | TableSource = {
    kind: source.type === 'STREAM' ? 'StreamSource' : 'TableSource',
    source: source.name,
    alias,
    topic: source.topic,
    formats: formatsOf(source),
    windowType: source.windowType,
    windowSize: source.windowSize,
    timestampColumn: source.timestampColumn,
    timestampFormat: source.timestampFormat,
    schema: inSchema,
  };
  const scope = schemaScope(inSchema, [alias, source.name]);

  // Table functions (EXPLODE) in the projection run in a flat-map before it: each becomes a
  // synthetic column the projection reads, as ksqlDB's KSQL_SYNTH_n columns.
  const synthetic = new Map<AstSelectItem, Expression>();
  const tableFunctions: { name: string; call: Expression }[] = [];
  const synthColumns: StepColumn[] = [];
  for (const item of query.select) {
    if (item.kind !== 'SelectExpr' || item.expr.kind !== 'FunctionCall') continue;
    if (catalog.functions.lookup(item.expr.name)?.kind !== 'table') continue;
    if (source.type === 'TABLE') throw new SemanticError('Table source is not supported with table functions', item.span);
    const name = `KSQL_SYNTH_${tableFunctions.length}`;
    const typed = typeTableFunctionCall(item.expr, scope, { functions: catalog.functions, resolveType: (n) => catalog.customType(n) });
    tableFunctions.push({ name, call: item.expr });
    synthColumns.push({ name, type: typed.type, role: 'VALUE' });
    synthetic.set(item, { kind: 'ColumnRef', source: undefined, name, span: item.expr.span });
  }
  const selectSchema: StepSchema = synthColumns.length ? { columns: [...inSchema.columns, ...synthColumns] } : inSchema;
  const selectScope = synthColumns.length ? schemaScope(selectSchema, [alias, source.name]) : scope;
  const resolveOrThrow = (clause: string) => (e: Expression) => {
    try {
      return typeOf(e, selectScope, catalog);
    } catch (err) {
      if (err instanceof SemanticError && /^Column '.*' cannot be resolved/.test(err.message)) {
        throw new SemanticError(`${clause} column '${err.message.match(/^Column '(.*)' cannot/)![1]}' cannot be resolved.`, err.span);
      }
      throw err;
    }
  };

  let step: Step = sourceStep;
  if (query.where) {
    const where = convertMagicTimestamps(query.where).expr;
    checkPredicate(where, scope, catalog, 'WHERE');
    step = { kind: source.type === 'STREAM' ? 'StreamFilter' : 'TableFilter', input: step, predicate: where, schema: inSchema };
  }

  if (isAggregating(query, catalog)) {
    return analyzeAggregate({ query, catalog, sinkName, source, alias, inSchema, scope, input: step });
  }

  const namer = new ColumnNamer(new Set(inSchema.columns.map((c) => c.name)));
  const nameFor = (e: Expression) => namer.nameFor(e);

  if (query.partitionBy && query.partitionBy.length === 0) {
    throw new SemanticError('PARTITION BY requires at least one expression', query.span);
  }
  const partitionExprs = query.partitionBy?.filter((p) => p.kind !== 'NullLiteral');
  if (query.partitionBy && partitionExprs!.length !== query.partitionBy.length && query.partitionBy.length > 1) {
    throw new SemanticError('PARTITION BY NULL cannot be combined with other expressions', query.span);
  }
  for (const p of partitionExprs ?? []) resolveOrThrow('PARTITION BY')(p);

  // Expand the projection.
  const items: { name: string; expr: Expression; type: SqlType | null; span: Span }[] = [];
  const push = (name: string, expr: Expression, type: SqlType | null, span: Span) => {
    items.push({ name, expr, type, span });
    namer.use(name);
  };
  const colRef = (name: string, span: Span): Expression => ({ kind: 'ColumnRef', source: undefined, name, span });
  for (const item of query.select) {
    switch (item.kind) {
      case 'AllColumns': {
        if (item.source !== undefined && item.source !== alias && item.source !== source.name) {
          throw new SemanticError(`'${item.source}' is not a valid stream/table name or alias.`, item.span);
        }
        if (partitionExprs) {
          // After PARTITION BY the row is: the new key, the old value columns, then the old
          // key columns (moved into the value), which is what `*` expands to.
          for (const p of partitionExprs) push(nameFor(p), p, typeOf(p, scope, catalog), item.span);
          const isNewKey = (name: string) => partitionExprs.some((p) => p.kind === 'ColumnRef' && p.name === name);
          for (const c of source.columns.filter((c) => c.role !== 'KEY' && !isNewKey(c.name))) push(c.name, colRef(c.name, item.span), c.type, item.span);
          for (const c of source.columns.filter((c) => c.role === 'KEY' && !isNewKey(c.name))) push(c.name, colRef(c.name, item.span), c.type, item.span);
        } else {
          for (const c of source.columns.filter((c) => c.role === 'KEY')) push(c.name, colRef(c.name, item.span), c.type, item.span);
          // A transient query over a windowed source shows the window bounds after the key, as
          // ksqlDB's pull and push queries do; a sink carries them in its windowed key instead.
          if (sinkName === undefined && source.windowType) {
            for (const w of WINDOW_COLUMNS) push(w.name, colRef(w.name, item.span), w.type, item.span);
          }
          for (const c of source.columns.filter((c) => c.role !== 'KEY')) push(c.name, colRef(c.name, item.span), c.type, item.span);
        }
        break;
      }
      case 'StructAll': {
        const t = resolveOrThrow('SELECT')(item.expr);
        if (!t || t.kind !== 'STRUCT') throw new SemanticError(`Expected STRUCT for ->*, got ${t ? formatType(t) : 'NULL'}`, item.span);
        for (const f of t.fields) push(f.name, { kind: 'Dereference', base: item.expr, field: f.name, span: item.span }, f.type, item.span);
        break;
      }
      case 'SelectExpr': {
        const type = resolveOrThrow('SELECT')(synthetic.get(item) ?? item.expr);
        // A sink can't have columns named like pseudo columns; a transient query may show them.
        if (sinkName !== undefined && item.alias === undefined && item.expr.kind === 'ColumnRef') {
          const col = inSchema.columns.find((c) => c.name === (item.expr as { name: string }).name);
          if (col && (col.role === 'PSEUDO' || col.role === 'WINDOW')) {
            throw new SemanticError(`Reserved column name in select: \`${col.name}\`. Please remove or alias the column.`, item.span);
          }
        }
        if (item.alias !== undefined && isReservedColumnName(item.alias)) {
          throw new SemanticError(`\`${item.alias}\` is a reserved column name. You cannot use it as an alias for a column.`, item.span);
        }
        push(item.alias ?? nameFor(item.expr), synthetic.get(item) ?? item.expr, type, item.span);
        break;
      }
    }
  }
  const names = new Set<string>();
  for (const i of items) {
    if (names.has(i.name)) throw new SemanticError(`Duplicate column names in the projection: ${i.name}`, i.span);
    names.add(i.name);
  }

  // Decide the key columns of the output.
  const keyFlags = items.map(() => false);
  const sinkLabel = sinkName ?? 'OUTPUT';
  if (partitionExprs) {
    const parts = partitionExprs;
    const q = (e: Expression) => (e.kind === 'ColumnRef' && e.source === undefined ? `${alias}.${e.name}` : formatExpression(e));
    for (const p of parts) {
      const hits = items.map((i, idx) => ({ i, idx })).filter(({ i }) => unqualified(i.expr) === unqualified(p));
      if (hits.length === 0 && sinkName !== undefined) {
        const list = parts.filter((x) => !items.some((i) => unqualified(i.expr) === unqualified(x))).map(q);
        throw new SemanticError(
          `The query used to build \`${sinkLabel}\` must include the partitioning expression${list.length > 1 ? 's' : ''} ${list.join(' and ')} in its projection (eg, SELECT ${list.join(', ')}...).`,
          query.span,
        );
      }
      if (hits.length > 1 && sinkName !== undefined) {
        throw new SemanticError(
          `The projection contains a key column (\`${hits[0]!.i.name}\`) more than once, aliased as: ${hits.map((h) => h.i.name).join(' and ')}.`,
          query.span,
        );
      }
      if (hits.length > 0) keyFlags[hits[0]!.idx] = true;
    }
    step = { kind: 'StreamSelectKey', input: step, keyExpressions: parts, schema: inSchema };
  } else {
    const keyCols = source.columns.filter((c) => c.role === 'KEY');
    const missing: string[] = [];
    for (const k of keyCols) {
      const hits = items
        .map((i, idx) => ({ i, idx }))
        .filter(({ i }) => i.expr.kind === 'ColumnRef' && i.expr.name === k.name);
      if (hits.length === 0) missing.push(k.name);
      else if (hits.length > 1) {
        if (sinkName !== undefined) {
          throw new SemanticError(
            `The projection contains a key column (\`${k.name}\`) more than once, aliased as: ${hits.map((h) => h.i.name).join(' and ')}.`,
            query.span,
          );
        }
        keyFlags[hits[0]!.idx] = true;
      } else keyFlags[hits[0]!.idx] = true;
    }
    if (missing.length > 0 && sinkName !== undefined) {
      throw new SemanticError(
        `The query used to build \`${sinkLabel}\` must include the key column${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} in its projection (eg, SELECT ${missing.join(', ')}...).`,
        query.span,
      );
    }
  }
  if (sinkName !== undefined) {
    if (!keyFlags.some((k) => !k)) {
      throw new SemanticError('The projection contains no value columns.', query.span);
    }
    for (let i = 0; i < items.length; i++) {
      const t = items[i]!.type;
      if (keyFlags[i] && t && containsMap(t)) {
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
  // Key columns come in PARTITION BY order when re-keyed, else in projection order; the
  // runtime computes key columns in the order of the key items.
  const keyOrder = items.map((_, idx) => idx).filter((idx) => keyFlags[idx]);
  if (partitionExprs) {
    const pos = (idx: number) => partitionExprs.findIndex((p) => unqualified(p) === unqualified(items[idx]!.expr));
    keyOrder.sort((a, b) => pos(a) - pos(b));
  }
  const selectItems: SelectItem[] = [
    ...keyOrder.map((idx) => ({ name: items[idx]!.name, expr: items[idx]!.expr, key: true })),
    ...items.filter((_, idx) => !keyFlags[idx]).map((i) => ({ name: i.name, expr: i.expr, key: false })),
  ];
  // Output schema: key columns first, then value columns.
  const outCols: StepColumn[] = [
    ...keyOrder.map((idx) => items[idx]!).map((i) => ({ name: i.name, type: i.type!, role: 'KEY' as const })),
    ...items.filter((_, idx) => !keyFlags[idx]).map((i) => ({ name: i.name, type: i.type!, role: 'VALUE' as const })),
  ];
  const schema: StepSchema = { columns: outCols };
  if (tableFunctions.length > 0) step = { kind: 'StreamFlatMap', input: step, tableFunctions, schema: selectSchema };
  step = { kind: source.type === 'STREAM' ? 'StreamSelect' : 'TableSelect', input: step, items: selectItems, schema };
  if (sinkName === undefined) {
    const o = selectOrder(schema, items.map((i) => i.name));
    return { root: step, source, schema: o.schema, outputOrder: o.order, sourceType: source.type, limit: query.limit, emit: query.emit };
  }
  return { root: step, source, schema, sourceType: source.type, limit: query.limit, emit: query.emit };
}

