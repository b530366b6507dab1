// Statement results as text for terminals: tables for rows and listings, one line for status.

import { assertNever } from '../grammar/ast.js';
import { formatType } from '../planner/types.js';
import type { StatementResult } from '../runtime/engine/api.js';
import { Decimal } from '../planner/values/decimal.js';

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return '[' + v.map(formatCell).join(', ') + ']';
  if (v instanceof Map) return '{' + [...v].map(([k, x]) => `${formatCell(k)}=${formatCell(x)}`).join(', ') + '}';
  if (typeof v === 'object') return '{' + Object.entries(v as object).map(([k, x]) => `${k}=${formatCell(x)}`).join(', ') + '}';
  return String(v);
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const sep = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const fmt = (r: readonly string[]) => '|' + r.map((c, i) => ` ${c.padEnd(widths[i]!)} `).join('|') + '|';
  return [sep, fmt(headers), sep, ...rows.map(fmt), sep].join('\n');
}

export function formatResult(r: StatementResult): string {
  switch (r.type) {
    case 'currentStatus':
      return r.message;
    case 'streams':
    case 'tables':
      return table(
        [r.type === 'streams' ? 'Stream Name' : 'Table Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
        r.sources.map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat, String(s.windowType !== undefined)]),
      );
    case 'kafka_topics':
      return table(['Kafka Topic', 'Partitions', 'Partition Replicas'], r.topics.map((t) => [t.name, String(t.partitions), String(t.replicas)]));
    case 'queries':
      return table(['Query ID', 'Status', 'Sink Name', 'Query String'], r.queries.map((q) => [q.id, q.state, q.sinks.join(','), q.sql]));
    case 'properties':
      return table(['Property', 'Value'], Object.entries(r.properties).map(([k, v]) => [k, v]));
    case 'function_names':
      return table(['Function Name', 'Category', 'Type'], r.functions.map((f) => [f.name, f.category, f.type]));
    case 'type_list':
      return table(['Type Name', 'Schema'], Object.entries(r.types).map(([k, v]) => [k, v]));
    case 'variables':
      return table(['Variable Name', 'Value'], Object.entries(r.variables).map(([k, v]) => [k, v]));
    case 'sourceDescription': {
      const s = r.source;
      const cols = table(
        ['Field', 'Type'],
        s.columns.map((c) => [
          c.name,
          formatType(c.type) + (c.role === 'KEY' ? (s.type === 'TABLE' ? ' (primary key)' : ' (key)') : c.role === 'HEADERS' ? ' (headers)' : c.role === 'HEADER' ? ` (header('${c.headerKey}'))` : ''),
        ]),
      );
      const head = `Name                 : ${s.name}\nType                 : ${s.type}\nKafka topic          : ${s.topic}\nKey format           : ${s.keyFormat}\nValue format         : ${s.valueFormat}`;
      const ext = r.extended
        ? `\nTimestamp field      : ${s.timestampColumn ?? 'Not set - using <ROWTIME>'}\nStatement            : ${s.sql}\n\nQueries that read from this ${s.type}: ${r.readQueries.join(', ') || '-'}\nQueries that write to this ${s.type}: ${r.writeQueries.join(', ') || '-'}`
        : '';
      return `${head}${ext}\n${cols}`;
    }
    case 'describe_function':
      return [
        `Name        : ${r.name}`,
        `Overview    : ${r.description}`,
        `Type        : ${r.functionType}`,
        '',
        ...r.variants.map((v) => `\tVariation   : ${v.signature}\n\tReturns     : ${v.returnType}${v.description ? `\n\tDescription : ${v.description}` : ''}`),
      ].join('\n');
    case 'queryDescription':
      return r.plan;
    case 'rows':
      return table(r.columns.map((c) => c.name), r.rows.map((row) => row.map(formatCell))) + `\n${r.rows.length} row(s)`;
    case 'print':
      return r.lines.join('\n');
    default:
      return assertNever(r, 'result');
  }
}
