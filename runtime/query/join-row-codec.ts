// Join state holds whole rows (a table's current row, a stream window's rows). State stores
// keep JSON, so values JSON can't carry as they are (DECIMAL, BYTES, MAP, non-finite DOUBLEs)
// are turned into tagged JSON by column type, and back. BIGINTs are left to the store, whose
// encoding keeps them exact.

import { assertNever } from '../../grammar/ast.js';
import { Decimal } from '../../planner/values/decimal.js';
import type { SqlType } from '../../planner/types.js';

function encode(t: SqlType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'ARRAY':
      return (v as unknown[]).map((x) => encode(t.element, x));
    case 'MAP':
      return [...(v as Map<unknown, unknown>)].map(([k, x]) => [encode(t.key, k), encode(t.value, x)]);
    case 'STRUCT': {
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = encode(f.type, (v as Record<string, unknown>)[f.name]);
      return out;
    }
    case 'BYTES':
      return (v as Buffer).toString('base64');
    case 'DOUBLE':
      return Number.isFinite(v as number) ? v : String(v);
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'STRING':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return v;
    default:
      return assertNever(t, 'type');
  }
}

function decode(t: SqlType, j: unknown): unknown {
  if (j === null || j === undefined) return null;
  switch (t.kind) {
    case 'DECIMAL':
      return Decimal.parse(j as string);
    case 'ARRAY':
      return (j as unknown[]).map((x) => decode(t.element, x));
    case 'MAP':
      return new Map((j as [unknown, unknown][]).map(([k, x]) => [decode(t.key, k), decode(t.value, x)]));
    case 'STRUCT': {
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = decode(f.type, (j as Record<string, unknown>)[f.name]);
      return out;
    }
    case 'BYTES':
      return Buffer.from(j as string, 'base64');
    case 'DOUBLE':
      return typeof j === 'string' ? Number(j) : j;
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'STRING':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return j;
    default:
      return assertNever(t, 'type');
  }
}

export interface RowCodec {
  encode(row: readonly unknown[]): unknown[];
  decode(json: readonly unknown[]): unknown[];
}

export function rowCodec(types: readonly SqlType[]): RowCodec {
  return {
    encode: (row) => types.map((t, i) => encode(t, row[i])),
    decode: (json) => types.map((t, i) => decode(t, json[i])),
  };
}
