// The catalog (ksqlDB's metastore) as the planner sees it: sources, custom types, functions.

import type { FormatName, FormatOptions } from './formats.js';
import type { SqlType } from './types.js';
import type { FunctionCatalog } from './functions.js';

export type ColumnRole = 'KEY' | 'VALUE' | 'HEADERS' | 'HEADER';

export interface ColumnInfo {
  readonly name: string;
  readonly type: SqlType;
  /** 'KEY' for key columns (PRIMARY KEY on tables), 'HEADERS'/'HEADER' for header columns. */
  readonly role: ColumnRole;
  readonly headerKey?: string;
}

export type WindowKind = 'TUMBLING' | 'HOPPING' | 'SESSION';

/** A stream or table. */
export interface SourceInfo {
  readonly name: string;
  readonly type: 'STREAM' | 'TABLE';
  readonly topic: string;
  readonly keyFormat: FormatName;
  readonly valueFormat: FormatName;
  readonly keyFormatOptions: FormatOptions;
  readonly valueFormatOptions: FormatOptions;
  /** All declared columns in schema order: key columns first, as ksqlDB orders them. */
  readonly columns: readonly ColumnInfo[];
  readonly windowType: WindowKind | undefined;
  readonly windowSize: number | undefined; // ms, for TUMBLING/HOPPING
  readonly timestampColumn: string | undefined;
  readonly timestampFormat: string | undefined;
  readonly isSource: boolean; // CREATE SOURCE ...: read-only
  readonly sql: string;
}

export interface Catalog {
  source(name: string): SourceInfo | undefined;
  sources(): readonly SourceInfo[];
  customType(name: string): SqlType | undefined;
  readonly functions: FunctionCatalog;
}

export function keyColumns(s: SourceInfo): readonly ColumnInfo[] {
  return s.columns.filter((c) => c.role === 'KEY');
}
export function valueColumns(s: SourceInfo): readonly ColumnInfo[] {
  return s.columns.filter((c) => c.role !== 'KEY');
}
/** Columns stored in the record value (header columns come from record headers instead). */
export function payloadColumns(s: SourceInfo): readonly ColumnInfo[] {
  return s.columns.filter((c) => c.role === 'VALUE');
}
