// CREATE STREAM|TABLE ... AS SELECT and INSERT INTO ... SELECT: the query's steps topped by
// a sink, plus the catalog entry of the new source.

import type { CreateAsSelect, InsertInto } from '../../grammar/ast.js';
import type { Catalog, ColumnInfo, SourceInfo } from '../catalog.js';
import type { PlannerConfig } from '../config.js';
import { SemanticError } from '../errors.js';
import type { FormatName } from '../formats.js';
import { parseSourceProperties } from '../properties.js';
import { sourceSteps, type Formats, type SinkStep, type Step, type StepSchema } from '../steps.js';
import { formatType, typesEqual } from '../types.js';
import { checkFormatOptions, checkFormatSupported, type TopicRequest } from './create-source.js';
import { analyzeQuery } from './query.js';

export interface PersistentQueryPlan {
  readonly kind: 'CSAS' | 'CTAS' | 'INSERT';
  readonly sink: SinkStep;
  /** For CSAS/CTAS: the new catalog entry. */
  readonly newSource: SourceInfo | undefined;
  readonly topic: TopicRequest;
  readonly sources: readonly string[];
  /** The (left-most) input topic, whose partitions are the default for a new sink topic. */
  readonly inputTopic: string;
  readonly queryId: string | undefined;
}

/** Every source the query reads (a join reads several), left to right. */
function sourceNames(root: Step): string[] {
  return [...new Set(sourceSteps(root).map((s) => s.source))];
}

function isJoin(root: Step): boolean {
  return sourceSteps(root).length > 1;
}

export function schemaColumns(schema: StepSchema): ColumnInfo[] {
  return schema.columns.map((c) => ({ name: c.name, type: c.type, role: c.role === 'KEY' ? 'KEY' : 'VALUE' }));
}

function formatSchema(cols: readonly ColumnInfo[]): string {
  return cols.map((c) => `\`${c.name}\` ${formatType(c.type)}${c.role === 'KEY' ? ' KEY' : ''}`).join(', ');
}

export function analyzeCreateAsSelect(
  stmt: CreateAsSelect,
  text: string,
  catalog: Catalog,
  config: PlannerConfig,
): PersistentQueryPlan {
  const props = parseSourceProperties(stmt.properties);
  const existing = catalog.source(stmt.name);
  const kind = stmt.sourceType === 'STREAM' ? 'stream' : 'table';
  if (existing && !stmt.orReplace && !stmt.ifNotExists) {
    throw new SemanticError(
      `Cannot add ${kind} '${stmt.name}': A ${existing.type === 'STREAM' ? 'stream' : 'table'} with the same name already exists`,
      stmt.span,
    );
  }
  if (existing && existing.isSource) {
    throw new SemanticError(`Cannot add ${kind} '${stmt.name}': CREATE OR REPLACE is not supported on source ${kind}s.`, stmt.span);
  }
  // A persistent query runs until terminated: a row count to stop at has no meaning, and
  // ksqlDB refuses it rather than ignore it.
  if (stmt.query.limit !== undefined) {
    throw new SemanticError(`CREATE ${stmt.sourceType} AS SELECT statements don't support LIMIT clause.`, stmt.span);
  }
  const q = analyzeQuery(stmt.query, catalog, stmt.name);
  if (q.source.type === 'TABLE' && q.source.windowType !== undefined) {
    throw new SemanticError('KSQL does not support persistent queries on windowed tables.', stmt.span);
  }

  if (stmt.sourceType === 'STREAM' && q.sourceType === 'TABLE') {
    throw new SemanticError(
      'Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.',
      stmt.span,
    );
  }
  if (stmt.sourceType === 'TABLE' && q.sourceType === 'STREAM') {
    throw new SemanticError(
      'Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.',
      stmt.span,
    );
  }
  if (props.windowType || props.windowSize) throw new SemanticError('WINDOW_TYPE is not valid for CREATE ... AS SELECT', stmt.span);
  const columns = schemaColumns(q.schema);
  const keyCount = columns.filter((c) => c.role === 'KEY').length;
  const valueCount = columns.length - keyCount;
  const src = q.source;
  // The sink inherits the source's formats unless the statement overrides them. A NONE key
  // format can't carry the new key a PARTITION BY makes, so the value format stands in.
  let keyFormat: FormatName = props.keyFormat ?? src.keyFormat;
  if (keyFormat === 'NONE' && keyCount > 0 && props.keyFormat === undefined) {
    // A join's key takes the default key format, as ksqlDB's join re-keying does.
    keyFormat = (src.valueFormat === 'DELIMITED' || src.valueFormat === 'JSON') && !isJoin(q.root) ? src.valueFormat : config.defaultKeyFormat;
  }
  if (keyCount === 0 && props.keyFormat !== undefined && props.keyFormat !== 'NONE') {
    throw new SemanticError('Key format specified for stream without key columns.', stmt.span);
  }
  const valueFormat: FormatName = props.valueFormat ?? src.valueFormat;
  checkFormatSupported(keyFormat, stmt.span);
  checkFormatSupported(valueFormat, stmt.span);
  checkFormatOptions(props, keyFormat, valueFormat, stmt.span);
  if (props.wrapSingleValue !== undefined && valueCount !== 1) {
    throw new SemanticError("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas", stmt.span);
  }
  const formats: Formats = {
    keyFormat,
    valueFormat,
    keyFormatOptions:
      props.keyDelimiter !== undefined
        ? { delimiter: props.keyDelimiter }
        : keyFormat === src.keyFormat
          ? src.keyFormatOptions
          : {},
    valueFormatOptions: {
      ...(props.valueDelimiter !== undefined
        ? { delimiter: props.valueDelimiter }
        : valueFormat === src.valueFormat && src.valueFormatOptions.delimiter !== undefined
          ? { delimiter: src.valueFormatOptions.delimiter }
          : {}),
      ...(valueCount === 1 ? { wrapSingleValue: props.wrapSingleValue ?? config.wrapSingleValues } : {}),
    },
  };
  const topic = props.kafkaTopic ?? config.outputTopicPrefix + stmt.name;
  let timestampColumn: string | undefined;
  if (props.timestamp !== undefined) {
    const col = columns.find((c) => c.name === props.timestamp!.toUpperCase()) ?? columns.find((c) => c.name === props.timestamp);
    if (!col) throw new SemanticError(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${props.timestamp.toUpperCase()}'`, stmt.span);
    const ok = col.type.kind === 'BIGINT' || col.type.kind === 'TIMESTAMP' || (col.type.kind === 'STRING' && props.timestampFormat !== undefined);
    if (!ok) {
      throw new SemanticError(`Timestamp column, \`${col.name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified`, stmt.span);
    }
    timestampColumn = col.name;
  }
  const newSource: SourceInfo = {
    name: stmt.name,
    type: stmt.sourceType,
    topic,
    ...formats,
    columns,
    windowType: q.window?.kind ?? src.windowType,
    windowSize: q.window ? (q.window.kind === 'SESSION' ? undefined : q.window.size) : src.windowSize,
    timestampColumn,
    timestampFormat: props.timestampFormat,
    isSource: false,
    sql: text,
  };
  if (existing) checkReplaceCompatible(existing, newSource, stmt.span);
  const sink: SinkStep = {
    kind: stmt.sourceType === 'STREAM' ? 'StreamSink' : 'TableSink',
    input: q.root,
    sink: stmt.name,
    topic,
    formats,
    timestampColumn,
    timestampFormat: props.timestampFormat,
    windowType: newSource.windowType,
    windowSize: newSource.windowSize,
    schema: q.schema,
  };
  return {
    kind: stmt.sourceType === 'STREAM' ? 'CSAS' : 'CTAS',
    sink,
    newSource,
    topic: { name: topic, partitions: props.partitions, replicas: props.replicas, retentionMs: props.retentionMs },
    sources: sourceNames(q.root),
    inputTopic: src.topic,
    queryId: props.queryId,
  };
}

function checkReplaceCompatible(existing: SourceInfo, next: SourceInfo, span: CreateAsSelect['span']): void {
  // CREATE OR REPLACE may add value columns at the end, nothing else (ksqlDB's rule).
  const ok =
    existing.type === next.type &&
    existing.columns.every((c, i) => {
      const n = next.columns[i];
      return n !== undefined && n.name === c.name && n.role === c.role && typesEqual(n.type, c.type);
    });
  if (!ok) {
    throw new SemanticError(
      `Cannot upgrade data source: ${existing.name}: the new schema is incompatible.\nOld schema: ${formatSchema(existing.columns)}\nNew schema: ${formatSchema(next.columns)}`,
      span,
    );
  }
}

export function analyzeInsertInto(stmt: InsertInto, catalog: Catalog): PersistentQueryPlan {
  const target = catalog.source(stmt.target);
  if (!target) throw new SemanticError(`${stmt.target} does not exist.`, stmt.span);
  if (target.isSource) throw new SemanticError(`Cannot insert into read-only ${target.type.toLowerCase()}: ${target.name}`, stmt.span);
  if (target.type === 'TABLE') throw new SemanticError(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`, stmt.span);
  const props = parseSourceProperties(stmt.properties);
  if (stmt.query.limit !== undefined) throw new SemanticError("INSERT INTO statements don't support LIMIT clause.", stmt.span);
  const q = analyzeQuery(stmt.query, catalog, target.name);
  if (q.sourceType !== 'STREAM') throw new SemanticError('INSERT INTO can only be used with a stream as the query source', stmt.span);
  const result = schemaColumns(q.schema);
  const sinkCols = target.columns.filter((c) => c.role === 'KEY' || c.role === 'VALUE');
  const compatible =
    result.length === sinkCols.length &&
    result.every((c, i) => c.name === sinkCols[i]!.name && c.role === sinkCols[i]!.role && typesEqual(c.type, sinkCols[i]!.type));
  if (!compatible) {
    throw new SemanticError(
      `Incompatible schema between results and sink.\nResult schema is ${formatSchema(result)}\nSink schema is ${formatSchema(sinkCols)}`,
      stmt.span,
    );
  }
  const formats: Formats = {
    keyFormat: target.keyFormat,
    valueFormat: target.valueFormat,
    keyFormatOptions: target.keyFormatOptions,
    valueFormatOptions: target.valueFormatOptions,
  };
  return {
    kind: 'INSERT',
    sink: {
      kind: 'StreamSink',
      input: q.root,
      sink: target.name,
      topic: target.topic,
      formats,
      timestampColumn: target.timestampColumn,
      timestampFormat: target.timestampFormat,
      windowType: target.windowType,
      windowSize: target.windowSize,
      schema: { columns: target.columns.filter((c) => c.role === 'KEY' || c.role === 'VALUE').map((c) => ({ name: c.name, type: c.type, role: c.role })) },
    },
    newSource: undefined,
    topic: { name: target.topic, partitions: undefined, replicas: undefined, retentionMs: undefined },
    sources: sourceNames(q.root),
    inputTopic: q.source.topic,
    queryId: props.queryId,
  };
}
