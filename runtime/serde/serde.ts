// The serde contract: rows of typed columns to and from record bytes, wire-compatible with
// ksqlDB. Values follow the runtime representation documented in planner/types.ts.

import type { SqlType } from '../../planner/types.js';

export type FormatName =
  | 'KAFKA'
  | 'JSON'
  | 'DELIMITED'
  | 'NONE'
  | 'AVRO'
  | 'PROTOBUF'
  | 'PROTOBUF_NOSR'
  | 'JSON_SR';

export interface SerdeColumn {
  readonly name: string;
  readonly type: SqlType;
}

export interface FormatOptions {
  /** DELIMITED: the delimiter (VALUE_DELIMITER / KEY_DELIMITER), default ','. 'TAB' and 'SPACE' are named. */
  readonly delimiter?: string;
  /**
   * Values only: whether a single-column value is wrapped in an object/record (JSON) — the
   * WRAP_SINGLE_VALUE property. Keys are always unwrapped when they have one column.
   */
  readonly wrapSingleValue?: boolean;
}

export type SerdeRole = 'key' | 'value';

export interface RowSerde {
  /** Values in column order; null row → null bytes (a tombstone or a null key). */
  serialize(row: readonly unknown[] | null): Buffer | null;
  /** Null bytes → null. Throws SerdeError when the bytes don't match the schema. */
  deserialize(bytes: Buffer | null): unknown[] | null;
}

export class SerdeError extends Error {
  override readonly name = 'SerdeError';
}
/** The format exists in ksqlDB but Sluice does not support it (yet), or not for these types. */
export class UnsupportedFormatError extends Error {
  override readonly name = 'UnsupportedFormatError';
}
