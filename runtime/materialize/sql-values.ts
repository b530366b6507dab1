// Sluice values ↔ SQLite column values, by SQL type, exactly: BIGINT as 64-bit integers,
// DECIMAL as its exact text, nested types as a typed JSON text that round-trips bigint,
// Decimal, Map and Buffer.

import { assertNever } from '../../grammar/ast.js';
import type { SqlType } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { decodeValue, encodeValue, type Json } from '../state/typed-json.js';

export function sqliteType(t: SqlType): string {
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return 'INTEGER';
    case 'DOUBLE':
      return 'REAL';
    case 'BYTES':
      return 'BLOB';
    case 'STRING':
    case 'DECIMAL':
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return 'TEXT';
    default:
      return assertNever(t, 'type');
  }
}

export function toSql(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BOOLEAN':
      return v ? 1 : 0;
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return JSON.stringify(encodeValue(v, t));
    default:
      return v;
  }
}

/** Reads a column value; the connection returns integers as bigint (safeIntegers). */
export function fromSql(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BOOLEAN':
      return Number(v) !== 0;
    case 'INT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return Number(v);
    case 'BIGINT':
      return BigInt(v as bigint | number);
    case 'DOUBLE':
      return Number(v);
    case 'DECIMAL':
      return Decimal.parse(v as string);
    case 'STRING':
      return String(v);
    case 'BYTES':
      return Buffer.from(v as Uint8Array);
    case 'ARRAY':
    case 'MAP':
    case 'STRUCT':
      return decodeValue(JSON.parse(v as string) as Json, t);
    default:
      return assertNever(t, 'type');
  }
}

/**
 * A value a Sluice function hands back to SQLite inside a query (see sql-functions.ts): as
 * `toSql`, except that NaN travels as the text 'NaN' (SQLite would turn a NaN REAL into NULL,
 * and NaN is not null in Sluice) and booleans as 64-bit integers (better-sqlite3 refuses
 * booleans). `fromSql` reads both back.
 */
export function toSqlResult(v: unknown, t: SqlType | null): unknown {
  if (v === null || v === undefined || t === null) return null;
  switch (t.kind) {
    case 'BOOLEAN':
      return v ? 1n : 0n;
    case 'DOUBLE':
      return Number.isNaN(v) ? 'NaN' : v;
    default:
      return toSql(v, t);
  }
}
