// The serde contract: rows of typed columns to and from record bytes, wire-compatible with
// ksqlDB. Values follow the runtime representation documented in planner/types.ts.

import type { SqlType } from '../../planner/types.js';

export type { FormatName, FormatOptions } from '../../planner/formats.js';

export interface SerdeColumn {
  readonly name: string;
  readonly type: SqlType;
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
