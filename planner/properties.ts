// WITH (...) properties of CREATE and CREATE ... AS SELECT statements, validated the way
// ksqlDB validates them (names are case-insensitive; unknown names are rejected).

import type { Property, Span } from '../grammar/ast.js';
import { SemanticError } from './errors.js';
import { FORMAT_NAMES, type FormatName } from './formats.js';

export interface SourceProperties {
  readonly kafkaTopic?: string;
  readonly partitions?: number;
  readonly replicas?: number;
  readonly retentionMs?: number;
  readonly keyFormat?: FormatName;
  readonly valueFormat?: FormatName;
  readonly wrapSingleValue?: boolean;
  readonly valueDelimiter?: string;
  readonly keyDelimiter?: string;
  readonly timestamp?: string;
  readonly timestampFormat?: string;
  readonly windowType?: 'TUMBLING' | 'HOPPING' | 'SESSION';
  readonly windowSize?: number; // ms
  readonly queryId?: string;
}

const KNOWN = new Set([
  'KAFKA_TOPIC',
  'PARTITIONS',
  'REPLICAS',
  'RETENTION_MS',
  'FORMAT',
  'KEY_FORMAT',
  'VALUE_FORMAT',
  'WRAP_SINGLE_VALUE',
  'VALUE_DELIMITER',
  'KEY_DELIMITER',
  'TIMESTAMP',
  'TIMESTAMP_FORMAT',
  'WINDOW_TYPE',
  'WINDOW_SIZE',
  'KEY_SCHEMA_ID',
  'VALUE_SCHEMA_ID',
  'KEY_SCHEMA_FULL_NAME',
  'VALUE_SCHEMA_FULL_NAME',
  'VALUE_AVRO_SCHEMA_FULL_NAME',
  'QUERY_ID',
  'SOURCE_CONNECTOR',
]);

function str(p: Property): string {
  if (typeof p.value !== 'string') throw new SemanticError(`Property ${p.name} must be a string`, p.span);
  return p.value;
}
function int(p: Property): number {
  const v = typeof p.value === 'string' ? Number(p.value) : p.value;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new SemanticError(`Invalid value for property ${p.name}: ${String(p.value)}`, p.span);
  }
  return v;
}
function bool(p: Property): boolean {
  if (typeof p.value === 'boolean') return p.value;
  if (typeof p.value === 'string' && /^(true|false)$/i.test(p.value)) return p.value.toLowerCase() === 'true';
  throw new SemanticError(`Property ${p.name} must be a boolean`, p.span);
}
function format(p: Property): FormatName {
  const v = str(p).toUpperCase();
  if (!(FORMAT_NAMES as readonly string[]).includes(v)) throw new SemanticError(`Unknown format: ${v}`, p.span);
  return v as FormatName;
}
function delimiter(p: Property): string {
  const v = str(p);
  // ksqlDB refuses blank delimiters, even a literal space or tab: they must be named.
  if (v.trim().length === 0) {
    throw new SemanticError(
      `Failed to prepare statement: Configuration ${p.name} is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'`,
      p.span,
    );
  }
  const named = v.toUpperCase();
  if (named === 'TAB') return '\t';
  if (named === 'SPACE') return ' ';
  if (v.length !== 1) {
    throw new SemanticError(
      `Failed to prepare statement: Configuration ${p.name} is invalid: Delimiter must be a single character or TAB or SPACE\nExample valid value: ';'`,
      p.span,
    );
  }
  return v;
}

/** Parses `WINDOW_SIZE='10 SECONDS'` into milliseconds. */
export function parseDurationText(text: string, span?: Span): number {
  const m = /^\s*(\d+)\s*([A-Za-z]+)\s*$/.exec(text);
  const unit = m?.[2]?.toUpperCase().replace(/S$/, '');
  const factor: Record<string, number> = {
    MILLISECOND: 1,
    SECOND: 1000,
    MINUTE: 60_000,
    HOUR: 3_600_000,
    DAY: 86_400_000,
  };
  if (!m || unit === undefined || factor[unit] === undefined) {
    throw new SemanticError(`Invalid duration: '${text}'. Expected '<number> <TIME UNIT>'`, span);
  }
  return Number(m[1]) * factor[unit]!;
}

export function parseSourceProperties(props: readonly Property[]): SourceProperties {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  let formatProp: Property | undefined;
  for (const p of props) {
    const name = p.name.toUpperCase();
    if (!KNOWN.has(name)) throw new SemanticError(`Invalid config variable(s) in the WITH clause: ${name}`, p.span);
    if (seen.has(name)) throw new SemanticError(`Duplicate property ${name}`, p.span);
    seen.add(name);
    switch (name) {
      case 'KAFKA_TOPIC':
        out.kafkaTopic = str(p);
        break;
      case 'PARTITIONS': {
        const n = int(p);
        if (n <= 0) throw new SemanticError(`Invalid number of partitions: ${n}`, p.span);
        out.partitions = n;
        break;
      }
      case 'REPLICAS':
        out.replicas = int(p);
        break;
      case 'RETENTION_MS':
        out.retentionMs = int(p);
        break;
      case 'FORMAT':
        formatProp = p;
        out.keyFormat = format(p);
        out.valueFormat = out.keyFormat;
        break;
      case 'KEY_FORMAT':
        out.keyFormat = format(p);
        break;
      case 'VALUE_FORMAT':
        out.valueFormat = format(p);
        break;
      case 'WRAP_SINGLE_VALUE':
        out.wrapSingleValue = bool(p);
        break;
      case 'VALUE_DELIMITER':
        out.valueDelimiter = delimiter(p);
        break;
      case 'KEY_DELIMITER':
        out.keyDelimiter = delimiter(p);
        break;
      case 'TIMESTAMP':
        out.timestamp = str(p);
        break;
      case 'TIMESTAMP_FORMAT':
        out.timestampFormat = str(p);
        break;
      case 'WINDOW_TYPE': {
        const v = str(p).toUpperCase();
        if (v !== 'TUMBLING' && v !== 'HOPPING' && v !== 'SESSION') {
          throw new SemanticError(`Invalid WINDOW_TYPE: ${v}. Valid values are TUMBLING, HOPPING, SESSION`, p.span);
        }
        out.windowType = v;
        break;
      }
      case 'WINDOW_SIZE':
        out.windowSize = parseDurationText(str(p), p.span);
        break;
      case 'QUERY_ID':
        out.queryId = str(p);
        break;
      case 'KEY_SCHEMA_ID':
      case 'VALUE_SCHEMA_ID':
      case 'KEY_SCHEMA_FULL_NAME':
      case 'VALUE_SCHEMA_FULL_NAME':
      case 'VALUE_AVRO_SCHEMA_FULL_NAME':
      case 'SOURCE_CONNECTOR':
        throw new SemanticError(`${name} needs a schema registry, which Sluice does not support yet`, p.span);
    }
  }
  if (formatProp && (seen.has('KEY_FORMAT') || seen.has('VALUE_FORMAT'))) {
    throw new SemanticError(
      'Cannot supply both \'FORMAT\' and \'KEY_FORMAT\' or \'VALUE_FORMAT\' properties, as \'FORMAT\' sets both.',
      formatProp.span,
    );
  }
  return out as SourceProperties;
}
