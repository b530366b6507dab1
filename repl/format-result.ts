// Results as terminal text, embedded or remote alike: both arrive as ksqlDB REST entities and
// REST row values (repl/client/backend.ts). `tabular` draws aligned tables, as ksqlDB's CLI
// does; `json` writes one compact JSON document per line, for scripts and pipes.

import { assertNever } from '../grammar/ast.js';
import type { SchemaInfo } from '../runtime/rest/values.js';
import type { KsqlEntity } from '../runtime/rest/entities.js';
import { JsonNumber, stringifyJsonExact, type JsonValue } from '../runtime/serde/json-exact.js';
import type { ResultView, ViewColumn } from './client/backend.js';

export type OutputMode = 'tabular' | 'json';
export const OUTPUT_MODES: readonly OutputMode[] = ['tabular', 'json'];

export function formatCell(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof JsonNumber) return String(v);
  return stringifyJsonExact(v);
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const sep = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const fmt = (r: readonly string[]) => '|' + r.map((c, i) => ` ${c.padEnd(widths[i]!)} `).join('|') + '|';
  return [sep, fmt(headers), sep, ...rows.map(fmt), sep].join('\n');
}

/** A row as a JSON object, keyed by column name, exact for BIGINT and DECIMAL. */
function rowObject(row: readonly JsonValue[], columns: readonly ViewColumn[]): string {
  const out: Record<string, JsonValue> = {};
  columns.forEach((c, i) => (out[c.name] = row[i] ?? null));
  return stringifyJsonExact(out);
}

export function formatView(view: ResultView, mode: OutputMode): string {
  switch (view.kind) {
    case 'entity':
      return mode === 'json' ? stringifyJsonExact(view.entity) : formatEntity(view.entity);
    case 'rows':
      if (mode === 'json') return view.rows.map((r) => rowObject(r, view.columns)).join('\n');
      return (
        table(
          view.columns.map((c) => c.name),
          view.rows.map((r) => view.columns.map((_, i) => formatCell(r[i]))),
        ) + `\n${view.rows.length} row(s)`
      );
    case 'status':
      return mode === 'json' ? stringifyJsonExact({ '@type': 'status', statementText: view.statementText, message: view.message }) : view.message;
    case 'lines':
      return mode === 'json' ? view.lines.map((l) => JSON.stringify(l)).join('\n') : view.lines.join('\n');
    default:
      return assertNever(view, 'result view');
  }
}

// ---------------------------------------------------------------- push queries

/**
 * Push-query rows print as they arrive, so the widths are fixed by the header before any row
 * is seen; a wider value pushes its row out of line rather than being cut.
 */
function streamWidths(columns: readonly ViewColumn[]): number[] {
  return columns.map((c) => Math.max(c.name.length, 10));
}

function streamLine(cells: readonly string[], widths: readonly number[]): string {
  return '|' + cells.map((c, i) => ` ${c.padEnd(widths[i]!)} `).join('|') + '|';
}

function streamRule(widths: readonly number[]): string {
  return '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
}

/** What goes before the first row (nothing for PRINT's lines or JSON). */
export function streamHeader(columns: readonly ViewColumn[], lines: boolean, mode: OutputMode): string | undefined {
  if (lines || mode === 'json') return undefined;
  const widths = streamWidths(columns);
  return [streamRule(widths), streamLine(columns.map((c) => c.name), widths), streamRule(widths)].join('\n');
}

export function streamRow(row: readonly JsonValue[], columns: readonly ViewColumn[], lines: boolean, mode: OutputMode): string {
  if (lines) return mode === 'json' ? JSON.stringify(formatCell(row[0])) : formatCell(row[0]);
  if (mode === 'json') return rowObject(row, columns);
  return streamLine(columns.map((_, i) => formatCell(row[i])), streamWidths(columns));
}

/** What goes after the last row: the table's bottom rule and how the query ended. */
export function streamFooter(columns: readonly ViewColumn[], lines: boolean, mode: OutputMode, count: number, stopped: boolean): string | undefined {
  if (mode === 'json') return undefined;
  const end = `${stopped ? 'Query terminated' : 'Query completed'}: ${count} row(s)`;
  return lines ? end : `${streamRule(streamWidths(columns))}\n${end}`;
}

// ---------------------------------------------------------------- entities

interface SourceSummary {
  readonly name: string;
  readonly topic: string;
  readonly keyFormat: string;
  readonly valueFormat: string;
  readonly isWindowed: boolean;
}
interface RunningQuery {
  readonly id: string;
  readonly queryType?: string;
  readonly state?: string;
  readonly sinks?: readonly string[];
  readonly queryString: string;
}
interface FieldInfo {
  readonly name: string;
  readonly schema: SchemaInfo;
  readonly type?: string;
  readonly headerKey?: string | null;
}

/** ksqlDB's type text for a SchemaInfo (which keeps no MAP key type: ksqlDB's keys are STRING). */
export function schemaText(s: SchemaInfo): string {
  switch (s.type) {
    case 'ARRAY':
      return `ARRAY<${s.memberSchema ? schemaText(s.memberSchema) : '?'}>`;
    case 'MAP':
      return `MAP<STRING, ${s.memberSchema ? schemaText(s.memberSchema) : '?'}>`;
    case 'STRUCT':
      return `STRUCT<${(s.fields ?? []).map((f) => `${f.name} ${schemaText(f.schema)}`).join(', ')}>`;
    case 'DECIMAL':
      return s.parameters ? `DECIMAL(${s.parameters.precision}, ${s.parameters.scale})` : 'DECIMAL';
    default:
      return s.type;
  }
}

function fieldType(f: FieldInfo, sourceType: string): string {
  const role =
    f.type === 'KEY' ? (sourceType === 'TABLE' ? ' (primary key)' : ' (key)') : f.type === 'HEADER' ? (f.headerKey ? ` (header('${f.headerKey}'))` : ' (headers)') : '';
  return schemaText(f.schema) + role;
}

export function formatEntity(e: KsqlEntity): string {
  const field = <T>(name: string): T => e[name] as T;
  switch (e['@type']) {
    case 'currentStatus':
      return field<{ message: string }>('commandStatus').message;
    case 'warning_entity':
      return `Warning: ${field<string>('message')}`;
    case 'streams':
    case 'tables': {
      const sources = field<SourceSummary[]>(e['@type']);
      return table(
        [e['@type'] === 'streams' ? 'Stream Name' : 'Table Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
        sources.map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat, String(s.isWindowed)]),
      );
    }
    case 'kafka_topics':
      return table(
        ['Kafka Topic', 'Partitions', 'Partition Replicas'],
        field<{ name: string; replicaInfo: number[] }[]>('topics').map((t) => [t.name, String(t.replicaInfo.length), String(t.replicaInfo[0] ?? 0)]),
      );
    case 'queries':
      return table(
        ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Query String'],
        field<RunningQuery[]>('queries').map((q) => [q.id, q.queryType ?? '', q.state ?? '', (q.sinks ?? []).join(','), q.queryString]),
      );
    case 'properties':
      return table(
        ['Property', 'Scope', 'Value'],
        field<{ name: string; scope: string; value: string }[]>('properties').map((p) => [p.name, p.scope, p.value]),
      );
    case 'function_names':
      return table(
        ['Function Name', 'Category', 'Type'],
        field<{ name: string; category: string; type: string }[]>('functions').map((f) => [f.name, f.category, f.type]),
      );
    case 'type_list':
      return table(
        ['Type Name', 'Schema'],
        Object.entries(field<Record<string, SchemaInfo>>('types')).map(([name, s]) => [name, schemaText(s)]),
      );
    case 'variables':
      return table(['Variable Name', 'Value'], field<{ name: string; value: string }[]>('variables').map((v) => [v.name, v.value]));
    case 'describe_function':
      return [
        `Name        : ${field<string>('name')}`,
        `Overview    : ${field<string>('description')}`,
        `Type        : ${field<string>('type')}`,
        '',
        ...field<{ arguments: { type: string; isVariadic: boolean }[]; returnType: string; description: string }[]>('functions').map(
          (v) =>
            `\tVariation   : ${field<string>('name')}(${v.arguments.map((a) => a.type + (a.isVariadic ? '...' : '')).join(', ')})\n` +
            `\tReturns     : ${v.returnType}` +
            (v.description ? `\n\tDescription : ${v.description}` : ''),
        ),
      ].join('\n');
    case 'sourceDescription':
      return formatSourceDescription(field<Record<string, unknown>>('sourceDescription'));
    case 'queryDescription': {
      const q = field<{ id: string; statementText: string; executionPlan: string }>('queryDescription');
      return q.executionPlan;
    }
    default:
      // An entity this client doesn't know (a newer server): show it rather than drop it.
      return JSON.stringify(e, null, 2);
  }
}

function formatSourceDescription(d: Record<string, unknown>): string {
  const type = String(d['type']);
  const queries = (name: string): string => ((d[name] as { id: string }[] | undefined) ?? []).map((q) => q.id).join(', ') || '-';
  const lines = [
    `Name                 : ${String(d['name'])}`,
    `Type                 : ${type}`,
    `Kafka topic          : ${String(d['topic'])}`,
    `Key format           : ${String(d['keyFormat'])}`,
    `Value format         : ${String(d['valueFormat'])}`,
  ];
  if (d['windowType']) lines.push(`Window type          : ${String(d['windowType'])}`);
  if (d['extended']) {
    lines.push(
      `Timestamp field      : ${String(d['timestamp']) || 'Not set - using <ROWTIME>'}`,
      `Statement            : ${String(d['statement'])}`,
      '',
      `Queries that read from this ${type}: ${queries('readQueries')}`,
      `Queries that write to this ${type}: ${queries('writeQueries')}`,
    );
  }
  const fields = (d['fields'] as FieldInfo[] | undefined) ?? [];
  lines.push(table(['Field', 'Type'], fields.map((f) => [f.name, fieldType(f, type)])));
  return lines.join('\n');
}
