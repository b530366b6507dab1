// Pseudo and system columns: readable in queries, never declared, never written to a value.

import { BIGINT, INT, type SqlType } from './types.js';

export const ROWTIME = 'ROWTIME';
export const ROWPARTITION = 'ROWPARTITION';
export const ROWOFFSET = 'ROWOFFSET';
export const WINDOWSTART = 'WINDOWSTART';
export const WINDOWEND = 'WINDOWEND';

/** Pseudo columns every source row has, in the order they follow the declared columns. */
export const PSEUDO_COLUMNS: readonly { readonly name: string; readonly type: SqlType }[] = [
  { name: ROWTIME, type: BIGINT },
  { name: ROWPARTITION, type: INT },
  { name: ROWOFFSET, type: BIGINT },
];
export const WINDOW_COLUMNS: readonly { readonly name: string; readonly type: SqlType }[] = [
  { name: WINDOWSTART, type: BIGINT },
  { name: WINDOWEND, type: BIGINT },
];

const RESERVED = new Set([ROWTIME, ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND]);

export function isReservedColumnName(name: string): boolean {
  return RESERVED.has(name.toUpperCase()) && name === name.toUpperCase();
}
