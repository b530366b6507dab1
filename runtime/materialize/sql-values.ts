// Sluice values ↔ SQLite column values, by SQL type, exactly: BIGINT as 64-bit integers,
// DECIMAL as its exact text, nested types as a typed JSON text that round-trips bigint,
// Decimal, Map and Buffer.

import { assertNever } from '../../grammar/ast.js';
import type { SqlType } from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';

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

/** A nested value as plain JSON data (for ARRAY/MAP/STRUCT columns). */
function toJsonData(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BIGINT':
    case 'DECIMAL':
      return String(v);
    case 'BYTES':
      return (v as Buffer).toString('base64');
    case 'DOUBLE':
      return Number.isFinite(v) ? v : String(v);
    case 'ARRAY':
      return (v as unknown[]).map((x) => toJsonData(x, t.element));
    case 'MAP':
      return [...(v as Map<unknown, unknown>)].map(([k, x]) => [toJsonData(k, t.key), toJsonData(x, t.value)]);
    case 'STRUCT':
      return t.fields.map((f) => toJsonData((v as Record<string, unknown>)[f.name] ?? null, f.type));
    default:
      return v;
  }
}

function fromJsonData(j: unknown, t: SqlType): unknown {
  if (j === null || j === undefined) return null;
  switch (t.kind) {
    case 'BIGINT':
      return BigInt(j as string);
    case 'DECIMAL':
      return Decimal.parse(j as string);
    case 'BYTES':
      return Buffer.from(j as string, 'base64');
    case 'DOUBLE':
      return typeof j === 'string' ? Number(j) : j;
    case 'ARRAY':
      return (j as unknown[]).map((x) => fromJsonData(x, t.element));
    case 'MAP':
      return new Map((j as [unknown, unknown][]).map(([k, x]) => [fromJsonData(k, t.key), fromJsonData(x, t.value)]));
    case 'STRUCT': {
      const o: Record<string, unknown> = {};
      t.fields.forEach((f, i) => (o[f.name] = fromJsonData((j as unknown[])[i], f.type)));
      return o;
    }
    default:
      return j;
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
      return JSON.stringify(toJsonData(v, t));
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
      return fromJsonData(JSON.parse(v as string), t);
    default:
      return assertNever(t, 'type');
  }
}
