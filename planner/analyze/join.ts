// SELECT ... FROM a JOIN b ON ... [JOIN c ON ...]: the join steps of the plan.
//
// Joins chain left-deep: each JOIN adds one source on the right of everything before it. The
// rules follow ksqlDB: stream-stream joins need WITHIN; a stream joins a table on the table's
// primary key; a table joins a table on the right table's primary key, by its own primary key
// (a primary-key join) or by any other expression (a foreign-key join, first in a chain only).
// A join's key is the join expression; it names the output key column when it is a source
// column, else a synthetic ROWKEY does (always for FULL OUTER joins, where either side may be
// missing).

import type { Expression, Join, JoinType, Query, Relation, Span, TableRef } from '../../grammar/ast.js';
import type { Catalog, SourceInfo } from '../catalog.js';
import { SemanticError } from '../errors.js';
import { formatExpression } from '../format-expression.js';
import type { JoinStep, Step, StepColumn, StepSchema, StreamSource, TableSource } from '../steps.js';
import { containsMap, formatType, typesEqual, type SqlType } from '../types.js';
import { durationMs } from './aggregate.js';
import { analyzeJoinProjection } from './join-projection.js';
import { JoinNames, joinInputSchema, prefixedName, syntheticKeyName, type JoinSource } from './join-sources.js';
import { formatsOf, sourceSchema, type AnalyzedQuery } from './query.js';
import { schemaScope } from './schema-scope.js';
import { typeOf } from './typing.js';

/** A column that holds a join's key: its joined-row name and how messages print it. */
export interface KeyRef {
  readonly name: string;
  readonly label: string;
}

/** A relation of the chain, built so far: a source, or the join of everything up to here. */
export interface JoinedRelation {
  readonly step: Step;
  readonly kind: 'STREAM' | 'TABLE';
  /** The relation's row, its columns named as expressions see them. */
  readonly schema: StepSchema;
  /** The key slot a primary-key join puts first in its row; sources and FK joins have none. */
  readonly keyName: string | undefined;
  /** True when the key is a synthetic ROWKEY, which only the key slot holds. */
  readonly synthetic: boolean;
  /** Columns equal to the key: a projection must select one of them (all of them for an FK join). */
  readonly keyRefs: readonly KeyRef[];
  readonly sources: readonly JoinSource[];
}

export interface JoinContext {
  readonly query: Query;
  readonly catalog: Catalog;
  readonly sinkName: string | undefined;
}

function flatten(rel: Relation): { refs: TableRef[]; joins: Join[] } {
  if (rel.kind === 'TableRef') return { refs: [rel], joins: [] };
  const inner = flatten(rel.left);
  return { refs: [...inner.refs, rel.right], joins: [...inner.joins, rel] };
}

function joinTypeText(t: JoinType): string {
  switch (t) {
    case 'INNER':
      return '[INNER] JOIN';
    case 'LEFT':
      return 'LEFT [OUTER] JOIN';
    case 'RIGHT':
      return 'RIGHT [OUTER] JOIN';
    case 'FULL':
      return '[FULL] OUTER JOIN';
  }
}

function sourceStep(info: SourceInfo, alias: string): StreamSource | TableSource {
  return {
    kind: info.type === 'STREAM' ? 'StreamSource' : 'TableSource',
    source: info.name,
    alias,
    topic: info.topic,
    formats: formatsOf(info),
    windowType: info.windowType,
    windowSize: info.windowSize,
    timestampColumn: info.timestampColumn,
    timestampFormat: info.timestampFormat,
    schema: sourceSchema(info),
  };
}

function resolveSources(refs: readonly TableRef[], catalog: Catalog, span: Span): JoinSource[] {
  const sources = refs.map((ref) => {
    const info = catalog.source(ref.name);
    if (!info) throw new SemanticError(`${ref.name} does not exist.`, ref.span);
    const alias = ref.alias ?? ref.name;
    return { info, alias, step: sourceStep(info, alias) };
  });
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(s.info.name)) {
      throw new SemanticError(
        sources.length === 2
          ? `Can not join '${s.info.name}' to '${s.info.name}': self joins are not yet supported.`
          : `N-way joins do not support multiple occurrences of the same source. Source: '${s.info.name}'`,
        span,
      );
    }
    seen.add(s.info.name);
  }
  const kafka = sources.filter((s) => s.info.valueFormat === 'KAFKA');
  if (kafka.length > 0) {
    throw new SemanticError(
      `Source(s) ${kafka.map((s) => s.info.name).join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`,
      span,
    );
  }
  return sources;
}

function sourceRelation(s: JoinSource): JoinedRelation {
  const keys = s.info.columns.filter((c) => c.role === 'KEY');
  return {
    step: s.step,
    kind: s.info.type,
    schema: joinInputSchema(s.step),
    keyName: undefined,
    synthetic: false,
    keyRefs: keys.map((k) => ({ name: prefixedName(s.alias, k.name), label: `${s.alias}.${k.name}` })),
    sources: [s],
  };
}

/** The expression is the relation's whole key, so joining on it needs no re-keying. */
function isKeyOf(rel: JoinedRelation, e: Expression): boolean {
  if (e.kind !== 'ColumnRef') return false;
  if (rel.keyName !== undefined) return e.name === rel.keyName || rel.keyRefs.some((r) => r.name === e.name);
  return rel.keyRefs.length === 1 && rel.keyRefs[0]!.name === e.name;
}

/** The join's own rows: the key slot first, then both inputs' columns (no longer keys). */
function joinSchema(keyName: string | undefined, keyType: SqlType, left: StepSchema, right: StepSchema, leftKeys: boolean): StepSchema {
  const asValue = (c: StepColumn): StepColumn => (c.role === 'KEY' ? { ...c, role: 'VALUE' } : c);
  return {
    columns: [
      ...(keyName !== undefined ? [{ name: keyName, type: keyType, role: 'KEY' as const }] : []),
      ...(leftKeys ? left.columns : left.columns.map(asValue)),
      ...right.columns.map(asValue),
    ],
  };
}

interface Criteria {
  readonly left: Expression;
  readonly right: Expression;
  readonly leftType: SqlType;
  /** `A.X = B.Y` as written, qualified, for messages. */
  readonly text: string;
  /** The source the left expression reads, which names the left side in messages. */
  readonly leftSource: JoinSource;
  /** Each side as written, qualified (`ALIAS.COLUMN` for a column). */
  readonly leftLabel: string;
  readonly rightLabel: string;
}

/** How errors name the ON clause: "JOIN ON column 'X' cannot be resolved." */
const clause = 'JOIN ON';

/** The two sides of a join's ON: each must read exactly one source, the right side `right`. */
function sidesOf(join: Join, leftSources: readonly JoinSource[], right: JoinSource, names: JoinNames) {
  const on = join.on;
  names.checkQualifiers(on);
  if (on.kind === 'Logical' && on.op === 'AND') {
    throw new SemanticError(
      `Invalid join condition: joins on multiple conditions are not yet supported. Got ${formatExpression(names.qualify(on, clause))}.`,
      on.span,
    );
  }
  if (on.kind !== 'Comparison' || on.op !== '=') {
    throw new SemanticError(`Unsupported join expression: ${formatExpression(names.qualify(on, clause))}. Joins must be on equality of one expression from each side.`, on.span);
  }
  const whole = formatExpression(names.qualify(on, clause));
  const sideSource = (e: Expression): JoinSource => {
    const refs = names.referenced(e, clause);
    if (refs.size !== 1) {
      throw new SemanticError(
        `Invalid comparison expression '${formatExpression(names.qualify(e, clause))}' in join '${whole}'. Each side of the join comparision must contain references from exactly one source.`,
        e.span,
      );
    }
    return [...refs][0]!;
  };
  const a = sideSource(on.left);
  const b = sideSource(on.right);
  if (a === b || (a !== right && b !== right)) {
    throw new SemanticError(
      `Each side of the join must reference exactly one source and not the same source. Left side references \`${a.alias}\` and right references \`${b.alias}\``,
      on.span,
    );
  }
  const leftSource = b === right ? a : b;
  if (!leftSources.includes(leftSource)) {
    throw new SemanticError(`'${leftSource.alias}' is not a valid stream/table name or alias.`, on.span);
  }
  return { on, leftAst: b === right ? on.left : on.right, rightAst: b === right ? on.right : on.left, leftSource, swapped: b !== right };
}

function analyzeCriteria(join: Join, left: JoinedRelation, right: JoinSource, names: JoinNames, catalog: Catalog): Criteria {
  const { on, leftAst, rightAst, leftSource, swapped } = sidesOf(join, left.sources, right, names);
  const leftExpr = names.rewrite(leftAst, clause);
  const rightExpr = names.rewrite(rightAst, clause);
  const leftType = typeOf(leftExpr, schemaScope(left.schema, []), catalog);
  const rightType = typeOf(rightExpr, schemaScope(joinInputSchema(right.step), []), catalog);
  const text = `${formatExpression(names.qualify(on.left, clause))} = ${formatExpression(names.qualify(on.right, clause))}`;
  if (leftType === null || rightType === null || !typesEqual(leftType, rightType)) {
    const [lt, rt] = swapped ? [rightType, leftType] : [leftType, rightType];
    const show = (t: SqlType | null) => (t ? formatType(t) : 'NULL');
    throw new SemanticError(
      `Invalid join condition: types don't match. Got ${formatExpression(names.qualify(on.left, clause))}{${show(lt)}} = ${formatExpression(names.qualify(on.right, clause))}{${show(rt)}}.`,
      on.span,
    );
  }
  return {
    left: leftExpr,
    right: rightExpr,
    leftType,
    text,
    leftSource,
    leftLabel: formatExpression(names.qualify(leftAst, clause)),
    rightLabel: formatExpression(names.qualify(rightAst, clause)),
  };
}

function checkWindows(left: JoinedRelation, right: JoinSource, repartition: boolean, span: Span): void {
  const l = left.sources[0]!;
  const lw = l.info.windowType;
  const rw = right.info.windowType;
  if (lw === undefined && rw === undefined) return;
  if (lw === undefined || rw === undefined) {
    const describe = (s: JoinSource) => `\`${s.alias}\` is ${s.info.windowType ? `${s.info.windowType} windowed` : 'not windowed'}`;
    throw new SemanticError(`Can not join windowed source to non-windowed source.\n${describe(l)}\n${describe(right)}`, span);
  }
  if ((lw === 'SESSION') !== (rw === 'SESSION')) {
    throw new SemanticError(
      `Incompatible windowed sources.\nLeft source: ${lw}\nRight source: ${rw}\nSession windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\nHopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources`,
      span,
    );
  }
  // Windowed keys that differ in window kind, size or key format would have to be re-keyed.
  const sameKeys = lw === rw && l.info.windowSize === right.info.windowSize && l.info.keyFormat === right.info.keyFormat;
  if (repartition || !sameKeys) {
    throw new SemanticError('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.', span);
  }
}

/** Joins `right` onto everything before it. */
function joinOne(join: Join, left: JoinedRelation, right: JoinSource, names: JoinNames, catalog: Catalog, index: number): JoinedRelation {
  const c = analyzeCriteria(join, left, right, names, catalog);
  const rightRel = sourceRelation(right);
  const got = `${c.leftSource.alias} ${joinTypeText(join.joinType)} ${right.alias}`;
  if (left.kind === 'TABLE' && right.info.type === 'STREAM') {
    throw new SemanticError(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${got}.`, join.span);
  }
  const streamStream = left.kind === 'STREAM' && right.info.type === 'STREAM';
  if (streamStream && join.within === undefined) {
    throw new SemanticError(
      'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
      join.span,
    );
  }
  if (!streamStream && join.within !== undefined) {
    const what = left.kind === 'STREAM' ? 'Stream-Table' : 'Table-Table';
    throw new SemanticError(
      `A window definition was provided for a ${what} join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your join again.`,
      join.within.span,
    );
  }
  const rightKeyed = isKeyOf(rightRel, c.right);
  if (left.kind === 'STREAM' && right.info.type === 'TABLE') {
    if (join.joinType === 'FULL' || join.joinType === 'RIGHT') {
      const type = join.joinType === 'FULL' ? 'full-outer' : 'right-outer';
      throw new SemanticError(`Invalid join type: ${type} join not supported for stream-table join. Got ${got}.`, join.span);
    }
    if (!rightKeyed) {
      throw new SemanticError(`Invalid join condition: stream-table joins require to join on the table's primary key. Got ${c.text}.`, join.on.span);
    }
  }
  const leftKeyed = isKeyOf(left, c.left);
  if (left.kind === 'TABLE') {
    if (!rightKeyed) {
      throw new SemanticError(`Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${c.text}.`, join.on.span);
    }
    if (!leftKeyed) return foreignKeyJoin(join, left, rightRel, c, index);
  }
  checkWindows(left, right, !leftKeyed || !rightKeyed, join.span);

  const keyRefs: KeyRef[] = [];
  if (join.joinType !== 'FULL') {
    if (leftKeyed && left.keyName !== undefined) keyRefs.push(...left.keyRefs);
    else if (c.left.kind === 'ColumnRef') keyRefs.push({ name: c.left.name, label: c.leftLabel });
    if (c.right.kind === 'ColumnRef') keyRefs.push({ name: c.right.name, label: c.rightLabel });
  }
  const synthetic = keyRefs.length === 0;
  const keyName = synthetic ? syntheticKeyName(names.sources) : keyRefs[0]!.name;
  if (synthetic) names.syntheticKeys.add(keyName);
  if (containsMap(c.leftType)) {
    throw new SemanticError(
      `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: \`${keyName}\`. Column type: ${formatType(c.leftType)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
      join.on.span,
    );
  }
  // A left expression naming the left join's key reads the key slot: unlike the columns it
  // equals, the slot is set on every row, deletes included.
  const leftExpression: Expression = leftKeyed && left.keyName !== undefined ? { ...c.left, name: left.keyName } as Expression : c.left;
  const schema = joinSchema(keyName, c.leftType, left.schema, rightRel.schema, false);
  const base = {
    left: left.step,
    right: right.step,
    joinType: join.joinType,
    leftExpression,
    rightExpression: c.right,
    repartitionLeft: !leftKeyed,
    repartitionRight: !rightKeyed,
    keyName,
    schema,
  };
  let step: JoinStep;
  if (streamStream) {
    const w = join.within!;
    step = { kind: 'StreamStreamJoin', ...base, before: durationMs(w.before), after: durationMs(w.after), grace: w.grace ? durationMs(w.grace) : undefined };
  } else {
    step = { kind: left.kind === 'STREAM' ? 'StreamTableJoin' : 'TableTableJoin', ...base };
  }
  return {
    step,
    kind: left.kind === 'STREAM' ? 'STREAM' : 'TABLE',
    schema,
    keyName,
    synthetic,
    keyRefs,
    sources: [...left.sources, right],
  };
}

function foreignKeyJoin(join: Join, left: JoinedRelation, right: JoinedRelation, c: Criteria, index: number): JoinedRelation {
  if (index > 0) {
    throw new SemanticError(`Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${c.text}.`, join.on.span);
  }
  if (join.joinType === 'RIGHT' || join.joinType === 'FULL') {
    throw new SemanticError(`${join.joinType === 'RIGHT' ? 'RIGHT' : 'FULL'} OUTER JOIN on a foreign key is not supported`, join.span);
  }
  const l = left.sources[0]!;
  if (l.info.windowType !== undefined || right.sources[0]!.info.windowType !== undefined) {
    throw new SemanticError('Foreign-key table-table joins are not supported on windowed tables.', join.span);
  }
  const schema = joinSchema(undefined, c.leftType, left.schema, right.schema, true);
  return {
    step: { kind: 'ForeignKeyTableTableJoin', left: left.step, right: right.step, joinType: join.joinType, leftExpression: c.left, schema },
    kind: 'TABLE',
    schema,
    keyName: undefined,
    synthetic: false,
    keyRefs: left.keyRefs,
    sources: [...left.sources, ...right.sources],
  };
}

export function analyzeJoin(ctx: JoinContext): AnalyzedQuery {
  const { query, catalog } = ctx;
  const { refs, joins } = flatten(query.from);
  const sources = resolveSources(refs, catalog, query.from.span);
  const names = new JoinNames(sources);
  // Every ON names its sources properly before any join's other rules are checked.
  joins.forEach((join, i) => sidesOf(join, sources.slice(0, i + 1), sources[i + 1]!, names));
  let rel = sourceRelation(sources[0]!);
  joins.forEach((join, i) => {
    rel = joinOne(join, rel, sources[i + 1]!, names, catalog, i);
  });
  return analyzeJoinProjection({ ...ctx, joined: rel, names });
}
