// Scale-out (Kafka mode): where a pull query on a table is answered. Each instance's
// materialised table holds only the rows of the tasks it runs (TaskOwnership.local), so:
//   - `local`: nothing is scaled out (embedded mode), the query is not on a table, every task
//     it needs runs here, or the request was forwarded here (LOCAL_ONLY_PROPERTY);
//   - `forward`: a key lookup (key = literal, or key IN (...)) whose keys all live in tasks of
//     one other instance: that instance has every row the query can see, so it answers the
//     whole query (ORDER BY, OFFSET and aggregates included);
//   - `gather`: a scan, or keys spread over several instances: each owner answers from its
//     own rows and the caller merges them (concatenation, sorted again for ORDER BY, then
//     OFFSET and LIMIT: each part answers without the OFFSET, its LIMIT widened by it). What
//     cannot be merged from partial answers (aggregates, joins between tables) is refused
//     here, before anything is sent;
//   - `unavailable`: a task the query needs has no owner now (the group is rebalancing), or a
//     forwarded query reached an instance that no longer runs the tasks it was sent for
//     (TASKS_PROPERTY): a retry later gets the whole answer, never a part of it.
// A key's task is Kafka's default partitioner over the key serialised in the key format of
// the ownership's keySource — the partition the Log itself puts that key in.

import type { Expression, Query, Statement } from '../../../grammar/ast.js';
import { parseStatement, splitStatements, substituteVariables, type StatementText } from '../../../grammar/index.js';
import { IntegerLiteral, LIMIT, OFFSET, sqlLexer } from '../../../grammar/lexer.js';
import type { TokenType } from 'chevrotain';
import { analyzeQuery, type AnalyzedQuery } from '../../../planner/analyze/query.js';
import type { Catalog, SourceInfo } from '../../../planner/catalog.js';
import { SemanticError } from '../../../planner/errors.js';
import { sourceSteps, type StreamSource, type TableSource } from '../../../planner/steps.js';
import { typesEqual, type SqlType } from '../../../planner/types.js';
import { coerceLiteralForInsert } from '../../expr/cast.js';
import { compileOrderAndPage } from '../../materialize/pull-query.js';
import { keyedPartition } from '../../log/partitioner.js';
import { isAggregation } from '../../query/aggregate-pipeline.js';
import { compileOver } from '../../query/expressions.js';
import { findJoin } from '../../query/join-pipeline.js';
import type { TaskOwnership } from '../../query/ownership.js';
import { keySerdeFor } from '../../query/source-decoder.js';
import type { EngineContext } from '../context.js';
import { toSluiceError } from '../errors.js';

/**
 * A request property marking a pull query another instance forwarded (or gathers from): it is
 * answered from this instance's rows only, never forwarded again, so requests cannot loop.
 */
export const LOCAL_ONLY_PROPERTY = 'sluice.internal.local.only';
/**
 * With LOCAL_ONLY_PROPERTY: the tasks (comma-separated) the sender counts on this instance to
 * run. One that no longer runs them all (they moved since the sender looked) answers
 * `unavailable` rather than silently leave their rows out.
 */
export const TASKS_PROPERTY = 'sluice.internal.tasks';

export type PullRoute =
  | { readonly kind: 'local' }
  | { readonly kind: 'forward'; readonly url: string; readonly tasks: readonly number[] }
  | {
      readonly kind: 'gather';
      /** The other instances to ask, and the tasks each answers for (this one always answers too, from its own rows). */
      readonly from: readonly Owner[];
      /** Applied to the merged rows (each owner applies it to its own as well). */
      readonly limit: number | undefined;
      /**
       * With ORDER BY: sorts the merged rows (runtime values, in the result's columns) and
       * applies LIMIT. Each owner sends its own first LIMIT rows in that order, so the first
       * LIMIT of their union, sorted, are the answer's.
       */
      readonly order?: (rows: unknown[][]) => unknown[][];
      /**
       * With OFFSET: the statement every part (this instance's and each owner's) answers
       * instead, its OFFSET dropped and its LIMIT widened by it. The merge then skips
       * `offset` rows (after sorting, with ORDER BY) and applies LIMIT.
       */
      readonly paged?: { readonly sql: string; readonly offset: number };
    }
  | { readonly kind: 'unavailable'; readonly message: string };

/** Another instance, and the tasks of the query it is expected to run (sent as TASKS_PROPERTY). */
export interface Owner {
  readonly url: string;
  readonly tasks: readonly number[];
}

export const LOCAL: PullRoute = { kind: 'local' };

/** More key combinations than this (IN lists multiplied over key columns) are gathered instead. */
const MAX_LOOKUP_KEYS = 1000;

type QueryStatement = Extract<Statement, { kind: 'QueryStatement' }>;

/** Which instance runs which task of the query materialising `table`; undefined when not scaled out. */
export type OwnershipOf = (table: string) => TaskOwnership | undefined;

/**
 * The route of a request's pull query (one statement, variables not yet substituted) in the
 * engine's current state. A statement that does not parse, or is not a SELECT, is `local`:
 * running it reports its error as usual.
 */
export function pullRouteOf(ctx: EngineContext, sql: string): PullRoute {
  const forwarded = String(ctx.properties.get(LOCAL_ONLY_PROPERTY) ?? '').toLowerCase() === 'true';
  const expected = ctx.properties.get(TASKS_PROPERTY);
  if (forwarded && expected === undefined) return LOCAL;
  // Embedded mode (and Kafka mode before any group has formed) pays nothing for routing.
  if (!forwarded && !scaledOut(ctx)) return LOCAL;
  let stmt: Statement;
  let piece: StatementText;
  try {
    const pieces = splitStatements(sql);
    if (pieces.length !== 1) return LOCAL;
    piece = pieces[0]!;
    const substitute = (ctx.properties.get('ksql.variable.substitution.enable') ?? 'true') !== 'false';
    stmt = parseStatement(substitute ? substituteVariables(piece.text, ctx.variables, piece.start) : piece.text, piece.start);
  } catch {
    return LOCAL;
  }
  if (stmt.kind !== 'QueryStatement') return LOCAL;
  if (forwarded) return stillOwned(stmt, ctx.metastore, (t) => ownershipOf(ctx, t), expected ?? '');
  try {
    return routePull(stmt, ctx.metastore, (t) => ownershipOf(ctx, t), piece.text);
  } catch (e) {
    throw toSluiceError(e, piece.text, piece.start);
  }
}

/** The ownership of the query materialising a table: a CTAS's, or a source table's materialiser's. */
export function ownershipOf(ctx: EngineContext, table: string): TaskOwnership | undefined {
  const materializer = ctx.materializers.get(table);
  if (materializer) return materializer.ownership();
  for (const q of ctx.queries.values()) {
    if (q.sink.kind === 'TableSink' && q.sink.sink === table) return q.ownership();
  }
  return undefined;
}

function scaledOut(ctx: EngineContext): boolean {
  for (const q of ctx.materializers.values()) if (q.ownership() !== undefined) return true;
  for (const q of ctx.queries.values()) if (q.ownership() !== undefined) return true;
  return false;
}

/**
 * The route of a pull query, given who owns which task of each table. Errors of the query
 * itself (unknown names, bad types) are left to the engine, which reports them with their
 * position: such a query is answered `local`ly.
 */
export function routePull(stmt: QueryStatement, catalog: Catalog, ownership: OwnershipOf, text?: string): PullRoute {
  if (stmt.query.emit !== undefined) return LOCAL;
  let analyzed: AnalyzedQuery;
  try {
    analyzed = analyzeQuery(stmt.query, catalog, undefined);
  } catch {
    return LOCAL;
  }
  const tables = sourceSteps(analyzed.root);
  // A pull query on a stream scans the topic itself, which every instance reads whole.
  if (tables.some((s) => s.kind !== 'TableSource')) return LOCAL;
  if (findJoin(analyzed.root) !== undefined) {
    const owned = tables.map((s) => ownership(s.source));
    const moving = owned.findIndex((o) => o !== undefined && o.partitions === 0);
    if (moving >= 0) return rebalancing(tables[moving]!.source);
    if (!owned.every(allLocal)) refuse('A join between tables', stmt);
    return LOCAL;
  }
  const table = analyzed.source.name;
  const owned = ownership(table);
  if (owned === undefined) return LOCAL;
  // No tasks known: the group has not formed yet, or is rebalancing.
  if (owned.partitions === 0) return rebalancing(table);
  if (allLocal(owned)) return LOCAL;
  const tasks = lookupTasks(stmt.query, analyzed.source, owned, catalog);
  const needed = tasks ?? [...Array(owned.partitions).keys()];
  if (needed.every((t) => owned.local.has(t))) return LOCAL;
  const remote = new Map<string, number[]>();
  for (const t of needed) {
    if (owned.local.has(t)) continue;
    const url = owned.owners.get(t);
    // This instance named as the owner of a task it does not run: the task is moving.
    if (url === undefined || url === owned.self) return rebalancing(table);
    if (url === '') {
      return { kind: 'unavailable', message: `The instance running table ${table}'s task ${t} advertises no URL to forward pull queries to: start every instance with its advertised URL` };
    }
    remote.set(url, [...(remote.get(url) ?? []), t]);
  }
  const from = [...remote].map(([url, tasks]) => ({ url, tasks })).sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const someLocal = needed.some((t) => owned.local.has(t));
  if (from.length === 1 && !someLocal) return { kind: 'forward', ...from[0]! };
  checkMergeable(stmt, analyzed);
  const offset = stmt.query.offset;
  let paged: { sql: string; offset: number } | undefined;
  if (offset !== undefined) {
    const sql = text === undefined ? undefined : widenedPage(text, stmt.query);
    if (sql === undefined) refuse('OFFSET given by a variable', stmt);
    paged = { sql, offset };
  }
  const page = paged ? { paged } : {};
  if ((stmt.query.orderBy ?? []).length === 0) return { kind: 'gather', from, limit: stmt.query.limit, ...page };
  return { kind: 'gather', from, limit: stmt.query.limit, order: compileOrderAndPage(analyzed, stmt.query, catalog), ...page };
}

/**
 * `text` with its OFFSET clause dropped and its LIMIT widened by the offset: each part's first
 * LIMIT + OFFSET rows hold every row the whole answer's page can take. Undefined unless both
 * are written as integers (a `${variable}` is left to refuse).
 */
export function widenedPage(text: string, query: Query): string | undefined {
  const tokens = sqlLexer.tokenize(text).tokens;
  // A pull query has no subquery: its last LIMIT and OFFSET are its own.
  const last = (type: TokenType) => tokens.map((t, i) => ({ t, i })).filter(({ t }) => t.tokenType === type).pop();
  const off = last(OFFSET);
  const offValue = off && tokens[off.i + 1];
  if (!off || offValue?.tokenType !== IntegerLiteral || Number(offValue.image) !== query.offset) return undefined;
  const lim = query.limit === undefined ? undefined : last(LIMIT);
  const limValue = lim && tokens[lim.i + 1];
  if (query.limit !== undefined && (limValue?.tokenType !== IntegerLiteral || Number(limValue.image) !== query.limit)) return undefined;
  // Edits from the end of the text backwards, so earlier offsets stay right.
  const edits = [{ from: off.t.startOffset, to: offValue.endOffset! + 1, by: '' }];
  if (limValue) edits.push({ from: limValue.startOffset, to: limValue.endOffset! + 1, by: String(query.limit! + query.offset!) });
  edits.sort((a, b) => b.from - a.from);
  return edits.reduce((out, e) => out.slice(0, e.from) + e.by + out.slice(e.to), text);
}

/**
 * A forwarded query: `local` when this instance still runs every task the sender counted on
 * it for (TASKS_PROPERTY), else `unavailable`. Anything unclear is left to the engine (`local`).
 */
export function stillOwned(stmt: QueryStatement, catalog: Catalog, ownership: OwnershipOf, expected: string): PullRoute {
  let analyzed: AnalyzedQuery;
  try {
    analyzed = analyzeQuery(stmt.query, catalog, undefined);
  } catch {
    return LOCAL;
  }
  const owned = ownership(analyzed.source.name);
  if (owned === undefined) return LOCAL;
  const moved = expected
    .split(',')
    .filter((t) => t.trim() !== '')
    .map(Number)
    .filter((t) => !owned.local.has(t));
  return moved.length === 0 ? LOCAL : rebalancing(analyzed.source.name);
}

function rebalancing(table: string): PullRoute {
  return { kind: 'unavailable', message: `Table ${table}'s tasks are being reassigned between instances (rebalancing): retry shortly` };
}

function allLocal(o: TaskOwnership | undefined): boolean {
  if (o === undefined) return true;
  for (let t = 0; t < o.partitions; t++) if (!o.local.has(t)) return false;
  return true;
}

/**
 * Partial answers merge into the whole one only for row-by-row queries (ORDER BY included:
 * the merged rows are sorted again; OFFSET too: each part answers without it, see `paged`).
 * An aggregate over partial rows would give wrong answers, so it is refused, not guessed.
 */
function checkMergeable(stmt: QueryStatement, analyzed: AnalyzedQuery): void {
  if (isAggregation(analyzed.root)) refuse('An aggregate (GROUP BY)', stmt);
}

function refuse(what: string, stmt: QueryStatement): never {
  throw new SemanticError(
    `${what} in a pull query over a table whose rows are spread across instances is not supported across instances yet: ` +
      'look up keys that one instance owns, or query without it',
    stmt.span,
  );
}

/**
 * The tasks holding every row a key lookup can match, or undefined when the query is not a
 * lookup of literal keys (a scan). Every key column needs exactly one `= literal` or
 * `IN (literals)` conjunct; any doubt (a literal that does not fit the key's type, a windowed
 * key source) makes it a scan, which is always correct.
 */
export function lookupTasks(query: Query, source: SourceInfo, owned: TaskOwnership, catalog: Catalog): number[] | undefined {
  const keyCols = source.columns.filter((c) => c.role === 'KEY');
  const ks = owned.keySource;
  const ksKeys = ks.schema.columns.filter((c) => c.role === 'KEY');
  if (ks.windowType !== undefined || keyCols.length === 0 || ksKeys.length !== keyCols.length) return undefined;
  if (!keyCols.every((c, i) => typesEqual(c.type, ksKeys[i]!.type))) return undefined;
  if (query.where === undefined) return undefined;
  const perColumn: unknown[][] = [];
  for (const col of keyCols) {
    const values = keyValues(query.where, col.name, col.type, catalog);
    if (values === undefined) return undefined;
    perColumn.push(values);
  }
  let combos: unknown[][] = [[]];
  for (const values of perColumn) {
    combos = combos.flatMap((c) => values.map((v) => [...c, v]));
    if (combos.length > MAX_LOOKUP_KEYS) return undefined;
  }
  const tasks = new Set<number>();
  for (const key of combos) {
    // A null key matches no row (NULL = x is never true), and is in no task.
    if (key.some((v) => v === null)) continue;
    const task = keyTask(ks, key, owned.partitions);
    if (task === undefined) return undefined;
    tasks.add(task);
  }
  return [...tasks].sort((a, b) => a - b);
}

/** The task (partition) of a key: where Kafka's partitioner puts its bytes in the source's key format. */
export function keyTask(keySource: StreamSource | TableSource, key: readonly unknown[], partitions: number): number | undefined {
  const keyCols = keySource.schema.columns.filter((c) => c.role === 'KEY');
  let bytes: Buffer | null;
  try {
    bytes = keySerdeFor(keySource, keyCols).serialize(key);
  } catch {
    return undefined;
  }
  if (bytes === null || partitions <= 0) return undefined;
  return keyedPartition(bytes, partitions);
}

function conjuncts(e: Expression): Expression[] {
  return e.kind === 'Logical' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/**
 * The values one key column is pinned to by a conjunct of the WHERE clause (`KEY = literal`,
 * `KEY IN (literals)`), or undefined when none pins it. One pinning conjunct is enough: every
 * row the query returns satisfies it, whatever the other conjuncts say.
 */
function keyValues(where: Expression, name: string, type: SqlType, catalog: Catalog): unknown[] | undefined {
  const isKey = (e: Expression) => e.kind === 'ColumnRef' && e.name === name;
  for (const c of conjuncts(where)) {
    let literals: readonly Expression[];
    if (c.kind === 'Comparison' && c.op === '=' && (isKey(c.left) || isKey(c.right))) literals = [isKey(c.left) ? c.right : c.left];
    else if (c.kind === 'InList' && !c.negated && isKey(c.value)) literals = c.list;
    else continue;
    const values = literals.map((lit) => literalValue(lit, type, catalog));
    if (values.every((v) => v !== undefined)) return values;
  }
  return undefined;
}

const LITERAL_KINDS = new Set(['IntegerLiteral', 'DecimalLiteral', 'DoubleLiteral', 'StringLiteral', 'BooleanLiteral', 'NullLiteral']);

/**
 * A literal as a value of the key's type, when it compares equal to exactly the keys holding
 * that value: the same type, or an INT literal for a BIGINT key. Anything looser is a scan.
 */
function literalValue(lit: Expression, type: SqlType, catalog: Catalog): unknown | undefined {
  if (!LITERAL_KINDS.has(lit.kind)) return undefined;
  if (lit.kind === 'NullLiteral') return null;
  let compiled;
  try {
    compiled = compileOver(lit, { columns: [] }, [], catalog);
  } catch {
    return undefined;
  }
  const from = compiled.type;
  if (from === null) return undefined;
  const widening = from.kind === 'INT' && type.kind === 'BIGINT';
  if (from.kind !== type.kind && !widening) return undefined;
  try {
    return coerceLiteralForInsert(compiled.fn([]), from, type);
  } catch {
    return undefined;
  }
}
