// Engine results as ksqlDB's REST entities. `/ksql` answers a script with one entity per
// statement (`@type` names the kind); `/query` streams a header, rows and a final message; a
// failure is an error entity with ksqlDB's error code. ksqlDB clients parse these shapes, so
// field names and spellings follow ksqlDB's, not Sluice's own API (runtime/engine/api.ts).

import { assertNever, type Query, type Statement } from '../../grammar/ast.js';
import { parseStatement, parseType } from '../../grammar/index.js';
import type { ColumnInfo, SourceInfo } from '../../planner/catalog.js';
import { resolveType } from '../../planner/resolve-type.js';
import type { SqlType } from '../../planner/types.js';
import { SluiceError, type QueryInfo, type StatementResult } from '../engine/api.js';
import type { JsonValue } from '../serde/json-exact.js';
import { restRow, schemaInfo, schemaString, type SchemaColumn, type SchemaInfo } from './values.js';

/** A `/ksql` response entity: `@type` tells the kind, the other fields depend on it. */
export interface KsqlEntity {
  readonly '@type': string;
  readonly statementText: string;
  readonly warnings: readonly { readonly message: string }[];
  readonly [field: string]: unknown;
}

/** What the caller knows beyond the result itself; each part only enriches the entity. */
export interface EntityContext {
  /** The running queries, to describe DESCRIBE's read/write queries in full. */
  readonly queries?: readonly QueryInfo[];
  /** The catalog, to name the sink topics of queries. */
  readonly sources?: readonly SourceInfo[];
  /** The command log position of the statement (ksqlDB says -1 for statements not logged). */
  readonly commandSequenceNumber?: number;
}

/**
 * The `/ksql` entity for one statement's result. Undefined where ksqlDB answers with no
 * entity: INSERT VALUES, SET/UNSET, DEFINE/UNDEFINE, and results `/query` streams instead
 * (rows of a SELECT, lines of a PRINT). UNDEFINE of an unknown variable is a warning_entity.
 */
export function ksqlEntity(result: StatementResult, context: EntityContext = {}): KsqlEntity | undefined {
  const base = { statementText: result.statementText, warnings: [] };
  switch (result.type) {
    case 'currentStatus': {
      const stmt = tryParse(result.statementText);
      if (stmt !== undefined && SILENT_STATEMENTS.has(stmt.kind)) return undefined;
      // The engine succeeds on UNDEFINE of an unknown variable, saying so (not "Undefined …").
      if (stmt?.kind === 'UndefineVariable') {
        return result.message.startsWith('Undefined ') ? undefined : { '@type': 'warning_entity', ...base, message: result.message };
      }
      return {
        '@type': 'currentStatus',
        ...base,
        commandId: stmt === undefined ? 'cluster/CLUSTER/execute' : commandId(stmt),
        commandStatus: { status: result.status, message: result.message, queryId: result.queryId ?? null },
        commandSequenceNumber: context.commandSequenceNumber ?? -1,
      };
    }
    case 'streams':
      return { '@type': 'streams', ...base, streams: result.sources.map(sourceSummary) };
    case 'tables':
      return { '@type': 'tables', ...base, tables: result.sources.map(sourceSummary) };
    case 'kafka_topics':
      return {
        '@type': 'kafka_topics',
        ...base,
        topics: result.topics.map((t) => ({ name: t.name, replicaInfo: new Array<number>(t.partitions).fill(t.replicas) })),
      };
    case 'queries':
      return { '@type': 'queries', ...base, queries: result.queries.map((q) => runningQuery(q, context)) };
    case 'properties':
      return {
        '@type': 'properties',
        ...base,
        properties: Object.entries(result.properties).map(([name, value]) => ({ name, scope: propertyScope(name), value })),
        overwrittenProperties: [],
        defaultProperties: [],
      };
    case 'function_names':
      return { '@type': 'function_names', ...base, functions: result.functions.map((f) => ({ name: f.name, type: f.type, category: f.category })) };
    case 'describe_function':
      return {
        '@type': 'describe_function',
        ...base,
        name: result.name,
        description: result.description,
        author: '',
        version: '',
        path: 'internal',
        type: result.functionType,
        functions: result.variants.map((v) => ({
          arguments: signatureArguments(v.signature),
          returnType: v.returnType,
          description: v.description,
        })),
      };
    case 'type_list':
      return {
        '@type': 'type_list',
        ...base,
        types: Object.fromEntries(Object.entries(result.types).map(([name, text]) => [name, typeSchemaInfo(text)])),
      };
    case 'variables':
      return { '@type': 'variables', ...base, variables: Object.entries(result.variables).map(([name, value]) => ({ name, value })) };
    case 'sourceDescription':
      return {
        '@type': 'sourceDescription',
        ...base,
        sourceDescription: sourceDescription(result.source, result.extended, result.readQueries, result.writeQueries, context),
      };
    case 'queryDescription':
      return {
        '@type': 'queryDescription',
        ...base,
        queryDescription: describeQuery(result.queryId, result.statementText, result.plan, context),
      };
    case 'rows':
    case 'print':
      return undefined;
    default:
      return assertNever(result, 'statement result');
  }
}

/** The entities of a script's results, leaving out the statements ksqlDB gives none. */
export function ksqlEntities(results: readonly StatementResult[], context: EntityContext = {}): KsqlEntity[] {
  return results.flatMap((r) => ksqlEntity(r, context) ?? []);
}

const SILENT_STATEMENTS: ReadonlySet<Statement['kind']> = new Set(['InsertValues', 'SetProperty', 'UnsetProperty', 'DefineVariable']);

function tryParse(text: string): Statement | undefined {
  try {
    return parseStatement(text);
  } catch {
    return undefined;
  }
}

/** ksqlDB's CommandId text: `entity/name/action`, e.g. stream/`S`/create. */
export function commandId(stmt: Statement): string {
  const quoted = (name: string): string => '`' + name + '`';
  switch (stmt.kind) {
    case 'CreateSource':
    case 'CreateAsSelect':
      return `${stmt.sourceType.toLowerCase()}/${quoted(stmt.name)}/create`;
    case 'DropSource':
      return `${stmt.sourceType.toLowerCase()}/${quoted(stmt.name)}/drop`;
    case 'AlterSource':
      return `${stmt.sourceType.toLowerCase()}/${quoted(stmt.name)}/alter`;
    case 'InsertInto':
      return `stream/${quoted(stmt.target)}/create`;
    case 'CreateType':
      return `type/${quoted(stmt.name)}/create`;
    case 'DropType':
      return `type/${quoted(stmt.name)}/drop`;
    case 'Terminate':
      return `terminate/${stmt.queryId ?? 'ALL'}/execute`;
    default:
      return 'cluster/CLUSTER/execute';
  }
}

function sourceSummary(s: SourceInfo): Record<string, unknown> {
  return {
    type: s.type,
    name: s.name,
    topic: s.topic,
    keyFormat: s.keyFormat,
    valueFormat: s.valueFormat,
    isWindowed: s.windowType !== undefined,
  };
}

function runningQuery(q: QueryInfo, context: EntityContext): Record<string, unknown> {
  return {
    queryString: q.sql,
    sinks: q.sinks,
    sinkKafkaTopics: q.sinks.flatMap((name) => context.sources?.find((s) => s.name === name)?.topic ?? []),
    id: q.id,
    statusCount: { [q.state]: 1 },
    queryType: q.queryType,
    state: q.state,
  };
}

/** ksqlDB's property scopes: Kafka Streams settings, ksqlDB's own, the rest Kafka clients'. */
function propertyScope(name: string): 'KSQL' | 'STREAMS' | 'KAFKA' {
  if (name.startsWith('ksql.streams.')) return 'STREAMS';
  if (name.startsWith('ksql.')) return 'KSQL';
  return 'KAFKA';
}

function fieldInfo(c: ColumnInfo): Record<string, unknown> {
  const info: Record<string, unknown> = { name: c.name, schema: schemaInfo(c.type) };
  if (c.role === 'KEY') info['type'] = 'KEY';
  if (c.role === 'HEADERS' || c.role === 'HEADER') info['type'] = 'HEADER';
  if (c.role === 'HEADER') info['headerKey'] = c.headerKey ?? null;
  return info;
}

function sourceDescription(
  s: SourceInfo,
  extended: boolean,
  readQueries: readonly string[],
  writeQueries: readonly string[],
  context: EntityContext,
): Record<string, unknown> {
  const describe = (id: string): Record<string, unknown> => {
    const q = context.queries?.find((x) => x.id === id);
    return q ? runningQuery(q, context) : { id, queryString: '', sinks: [], sinkKafkaTopics: [], queryType: 'PERSISTENT' };
  };
  return {
    name: s.name,
    windowType: s.windowType ?? null,
    readQueries: readQueries.map(describe),
    writeQueries: writeQueries.map(describe),
    fields: s.columns.map(fieldInfo),
    type: s.type,
    timestamp: s.timestampColumn ?? '',
    statistics: '',
    errorStats: '',
    extended,
    keyFormat: s.keyFormat,
    valueFormat: s.valueFormat,
    topic: s.topic,
    partitions: 0,
    replication: 0,
    statement: s.sql,
    queryOffsetSummaries: [],
    sourceConstraints: [],
    clusterStatistics: [],
    clusterErrorStats: [],
  };
}

function describeQuery(queryId: string | undefined, statementText: string, plan: string, context: EntityContext): Record<string, unknown> {
  const q = queryId === undefined ? undefined : context.queries?.find((x) => x.id === queryId);
  return {
    id: queryId ?? '',
    statementText: q?.sql ?? statementText,
    windowType: null,
    fields: [],
    sources: q?.sources ?? [],
    sinks: q?.sinks ?? [],
    topology: '',
    executionPlan: plan,
    overriddenProperties: {},
    ksqlHostQueryStatus: {},
    queryType: q?.queryType ?? 'PERSISTENT',
    queryErrors: [],
    tasksMetadata: [],
    state: q?.state ?? null,
  };
}

/** `NAME(STRING, ARRAY<INTEGER>, T...)` → ksqlDB's argument list (types split at depth 0). */
function signatureArguments(signature: string): Record<string, unknown>[] {
  const open = signature.indexOf('(');
  const inner = open < 0 ? '' : signature.slice(open + 1, signature.lastIndexOf(')'));
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of inner) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') args.push(current.trim());
  return args.map((a) => {
    const isVariadic = a.endsWith('...');
    return { name: '', type: isVariadic ? a.slice(0, -3) : a, description: '', isVariadic };
  });
}

/** A custom type's text (custom types inside already expanded) as a SchemaInfo. */
function typeSchemaInfo(text: string): SchemaInfo {
  return schemaInfo(resolveType(parseType(text), () => undefined));
}

// ---------------------------------------------------------------- /query responses

/** One message of a `/query` response: header, row, final message or mid-stream error. */
export type StreamedRow =
  | { readonly header: { readonly queryId: string; readonly schema: string } }
  | { readonly row: { readonly columns: JsonValue[]; readonly tombstone?: true } }
  | { readonly finalMessage: string }
  | { readonly errorMessage: KsqlErrorEntity };

export const LIMIT_REACHED = 'Limit Reached';
export const QUERY_COMPLETED = 'Query Completed';

export function queryHeader(queryId: string, columns: readonly SchemaColumn[]): StreamedRow {
  return { header: { queryId, schema: schemaString(columns) } };
}

/** A row; a table's deleted row is a tombstone, with its key columns set and the rest null. */
export function queryRow(values: readonly unknown[], columns: readonly { readonly type: SqlType }[], tombstone = false): StreamedRow {
  const columnsJson = restRow(values, columns);
  return tombstone ? { row: { columns: columnsJson, tombstone: true } } : { row: { columns: columnsJson } };
}

export function finalMessage(message: string): StreamedRow {
  return { finalMessage: message };
}

/**
 * The columns of a pull query's header. Against a table, ksqlDB keeps the source's roles on the
 * columns it selects as they are: its key columns (and a windowed table's WINDOWSTART and
 * WINDOWEND) say KEY, a CREATE SOURCE TABLE's header columns say HEADER('k'). A stream's pull
 * query, like a push query, has value columns only.
 */
export function pullQueryColumns(
  columns: readonly { readonly name: string; readonly type: SqlType }[],
  source: SourceInfo | undefined,
): SchemaColumn[] {
  if (source?.type !== 'TABLE') return columns.map((c) => ({ name: c.name, type: c.type }));
  return columns.map((c) => {
    const declared = source.columns.find((x) => x.name === c.name);
    if (declared !== undefined && declared.role !== 'VALUE') {
      return { name: c.name, type: c.type, role: declared.role, ...(declared.headerKey !== undefined ? { headerKey: declared.headerKey } : {}) };
    }
    const windowBound = source.windowType !== undefined && (c.name === 'WINDOWSTART' || c.name === 'WINDOWEND');
    return windowBound ? { name: c.name, type: c.type, role: 'KEY' } : { name: c.name, type: c.type };
  });
}

/**
 * A whole pull query's `/query` response: header, rows, and for a stream (which is scanned
 * to its end or to the LIMIT) the final message; a table's lookup ends without one.
 */
export function pullQueryResponse(
  result: Extract<StatementResult, { type: 'rows' }>,
  queryId: string,
  source: SourceInfo | undefined,
  limit: number | undefined,
): StreamedRow[] {
  const messages: StreamedRow[] = [queryHeader(queryId, pullQueryColumns(result.columns, source))];
  for (const row of result.rows) messages.push(queryRow(row, result.columns));
  if (source?.type === 'STREAM') {
    messages.push(finalMessage(limit !== undefined && result.rows.length >= limit ? LIMIT_REACHED : QUERY_COMPLETED));
  }
  return messages;
}

/**
 * Whether ksqlDB would serve this push query as a scalable push query (its id then starts
 * SCALABLE_PUSH_QUERY): with ksql.query.push.v2.enabled, reading from 'latest', a plain
 * projection and filter of one source that a persistent query writes (`sinks`). ksqlDB taps
 * that query's output instead of starting a topology; Sluice reads the sink topic, which
 * gives the same rows.
 */
export function isScalablePushQuery(query: Query, properties: Readonly<Record<string, string>>, sinks: ReadonlySet<string>): boolean {
  return (
    query.emit === 'CHANGES' &&
    properties['ksql.query.push.v2.enabled']?.toLowerCase() === 'true' &&
    (properties['auto.offset.reset'] ?? 'latest').toLowerCase() === 'latest' &&
    query.from.kind === 'TableRef' &&
    sinks.has(query.from.name) &&
    query.window === undefined &&
    query.groupBy === undefined &&
    query.partitionBy === undefined
  );
}

/** A new transient query id in ksqlDB's style: `query_…` (pull), `transient_S_…` (push). */
export function transientQueryId(kind: 'pull' | 'push' | 'scalablePush', source: string): string {
  const suffix = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  switch (kind) {
    case 'pull':
      return `query_${suffix}`;
    case 'push':
      return `transient_${source}_${suffix}`;
    case 'scalablePush':
      return `SCALABLE_PUSH_QUERY_${suffix}`;
    default:
      return assertNever(kind, 'query kind');
  }
}

// ---------------------------------------------------------------- errors

/** ksqlDB's error codes: the HTTP status times 100, plus a detail digit. */
export const ERROR_CODES = {
  BAD_REQUEST: 40000,
  BAD_STATEMENT: 40001,
  QUERY_ENDPOINT: 40002,
  NOT_FOUND: 40400,
  SERVER_ERROR: 50000,
} as const;

export interface KsqlErrorEntity {
  readonly '@type': 'statement_error' | 'generic_error';
  readonly error_code: number;
  readonly message: string;
  /** statement_error only: the statement that failed, and the entities before it. */
  readonly statementText?: string;
  readonly entities?: readonly KsqlEntity[];
}

/**
 * The error entity for a failure. A SluiceError is the statement's fault (40001, ksqlDB's
 * KsqlStatementErrorMessage); anything else is the server's (50000). Syntax errors keep
 * ksqlDB's `line L:C:` prefix; other errors, as in ksqlDB, carry no position in the text.
 */
export function errorEntity(e: unknown, statementText?: string, entities: readonly KsqlEntity[] = []): KsqlErrorEntity {
  if (e instanceof SluiceError) {
    const position = e.expected !== undefined && e.line !== undefined ? `line ${e.line}:${e.column}: ` : '';
    return {
      '@type': 'statement_error',
      error_code: ERROR_CODES.BAD_STATEMENT,
      message: position + e.message,
      statementText: e.statementText ?? statementText ?? '',
      entities,
    };
  }
  return { '@type': 'generic_error', error_code: ERROR_CODES.SERVER_ERROR, message: e instanceof Error ? e.message : String(e) };
}

/** The HTTP status that goes with an error entity. */
export function errorStatus(error: KsqlErrorEntity): number {
  return Math.floor(error.error_code / 100);
}
