// Values as plain JSON by their SQL type, for state (accumulators) and for nested columns of
// materialised tables: JSON has no bigint, Decimal, Buffer, Map or non-finite double.

import { Decimal } from '../../planner/values/decimal.js';
import type { SqlType } from '../../planner/types.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function encodeValue(v: unknown, t: SqlType): Json {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INT':
    case 'STRING':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return v as Json;
    case 'DOUBLE':
      return Number.isFinite(v) ? (v as number) : String(v);
    case 'BIGINT':
    case 'DECIMAL':
      return String(v);
    case 'BYTES':
      return (v as Buffer).toString('base64');
    case 'ARRAY':
      return (v as unknown[]).map((e) => encodeValue(e, t.element));
    case 'MAP':
      return [...(v as Map<unknown, unknown>)].map(([k, e]) => [encodeValue(k, t.key), encodeValue(e, t.value)]);
    case 'STRUCT': {
      const src = v as Record<string, unknown>;
      const out: { [k: string]: Json } = {};
      for (const f of t.fields) out[f.name] = encodeValue(src[f.name] ?? null, f.type);
      return out;
    }
  }
}

export function decodeValue(j: Json, t: SqlType): unknown {
  if (j === null) return null;
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INT':
    case 'STRING':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return j;
    case 'DOUBLE':
      return typeof j === 'string' ? Number(j) : j;
    case 'BIGINT':
      return BigInt(j as string);
    case 'DECIMAL':
      return Decimal.parse(j as string);
    case 'BYTES':
      return Buffer.from(j as string, 'base64');
    case 'ARRAY':
      return (j as Json[]).map((e) => decodeValue(e, t.element));
    case 'MAP':
      return new Map((j as Json[][]).map(([k, e]) => [decodeValue(k!, t.key), decodeValue(e!, t.value)]));
    case 'STRUCT': {
      const src = j as { [k: string]: Json };
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = decodeValue(src[f.name] ?? null, f.type);
      return out;
    }
  }
}
