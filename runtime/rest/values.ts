// Types, schemas and values as ksqlDB's REST API writes them, so that existing ksqlDB clients
// parse Sluice's responses unchanged:
//   - a type is ksqlDB's SqlType text: INTEGER (never INT), DECIMAL(4, 2), and struct fields
//     always backquoted (STRUCT<`A` INTEGER>), unlike CREATE statements, which quote only
//     where needed;
//   - a schema is LogicalSchema text: "`ID` BIGINT KEY, `V` STRING", with KEY, HEADERS or
//     HEADER('k') after the columns that have those roles;
//   - a value is what ksqlDB's ApiJsonMapper writes: BIGINT and DECIMAL as exact plain
//     numbers, DOUBLE as Java prints it, BYTES as base64, DATE/TIME/TIMESTAMP as ISO text,
//     MAP and STRUCT as objects.
// Values come back as json-exact JsonValues: stringifyJsonExact writes them without losing a
// BIGINT above 2^53 or a DECIMAL's scale.

import { assertNever } from '../../grammar/ast.js';
import type { ColumnRole } from '../../planner/catalog.js';
import { formatType, type SqlType } from '../../planner/types.js';
import { formatDate, formatTime, formatTimestamp } from '../../planner/values/temporal.js';
import type { Decimal } from '../../planner/values/decimal.js';
import { encodeBase64, javaDoubleToString } from '../serde/java-text.js';
import { JsonNumber, type JsonValue } from '../serde/json-exact.js';

/** A column of a REST schema string; `role` undefined is a value column. */
export interface SchemaColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly role?: ColumnRole;
  readonly headerKey?: string;
}

const quote = (name: string): string => '`' + name.replace(/`/g, '``') + '`';

/** ksqlDB's name for a type, as in REST schema strings and error messages. */
export function ksqlTypeName(t: SqlType): string {
  return formatType(t, 'always');
}

/** "`ID` BIGINT KEY, `V` STRING": a schema as ksqlDB prints a LogicalSchema. */
export function schemaString(columns: readonly SchemaColumn[]): string {
  return columns.map((c) => `${quote(c.name)} ${ksqlTypeName(c.type)}${roleSuffix(c)}`).join(', ');
}

function roleSuffix(c: SchemaColumn): string {
  switch (c.role) {
    case undefined:
    case 'VALUE':
      return '';
    case 'KEY':
      return ' KEY';
    case 'HEADERS':
      return ' HEADERS';
    case 'HEADER':
      return ` HEADER('${(c.headerKey ?? '').replace(/'/g, "''")}')`;
    default:
      return assertNever(c.role, 'column role');
  }
}

/** A runtime value (planner/types.ts representation) as the REST API's JSON. */
export function restValue(v: unknown, t: SqlType): JsonValue {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INT':
    case 'STRING':
      return v as JsonValue;
    case 'BIGINT':
      return typeof v === 'bigint' ? v : BigInt(v as number);
    case 'DOUBLE': {
      const d = v as number;
      // Jackson quotes what JSON has no number for.
      return Number.isFinite(d) ? new JsonNumber(javaDoubleToString(d)) : javaDoubleToString(d);
    }
    case 'DECIMAL': {
      const d = v as Decimal;
      return new JsonNumber((d.scale === t.scale ? d : d.setScale(t.scale)).toString());
    }
    case 'BYTES':
      return encodeBase64(v as Uint8Array);
    case 'DATE':
      return formatDate(v as number);
    case 'TIME':
      return formatTime(v as number);
    case 'TIMESTAMP':
      return formatTimestamp(v as number);
    case 'ARRAY':
      return (v as readonly unknown[]).map((x) => restValue(x, t.element));
    case 'MAP': {
      // Null-prototype objects: a key such as `__proto__` is data, not the prototype.
      const out: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
      for (const [k, x] of v as ReadonlyMap<unknown, unknown>) out[String(restKey(k, t.key))] = restValue(x, t.value);
      return out;
    }
    case 'STRUCT': {
      const obj = v as Readonly<Record<string, unknown>>;
      const out: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
      for (const f of t.fields) out[f.name] = restValue(Object.hasOwn(obj, f.name) ? obj[f.name] : null, f.type);
      return out;
    }
    default:
      return assertNever(t, 'type');
  }
}

/** A MAP key as its JSON object key: the text its value would have. */
function restKey(k: unknown, t: SqlType): string {
  const v = restValue(k, t);
  return v instanceof JsonNumber ? v.text : String(v);
}

/** A row of runtime values as the REST API's `columns` array. */
export function restRow(row: readonly unknown[], columns: readonly { readonly type: SqlType }[]): JsonValue[] {
  return columns.map((c, i) => restValue(row[i] ?? null, c.type));
}

/** ksqlDB's SchemaInfo: how DESCRIBE, SHOW TYPES and DESCRIBE FUNCTION describe a type. */
export interface SchemaInfo {
  readonly type: string;
  readonly fields: readonly { readonly name: string; readonly schema: SchemaInfo }[] | null;
  readonly memberSchema: SchemaInfo | null;
  readonly parameters?: { readonly precision: number; readonly scale: number };
}

export function schemaInfo(t: SqlType): SchemaInfo {
  switch (t.kind) {
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaInfo(t.element) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaInfo(t.value) };
    case 'STRUCT':
      return { type: 'STRUCT', fields: t.fields.map((f) => ({ name: f.name, schema: schemaInfo(f.type) })), memberSchema: null };
    case 'DECIMAL':
      return { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: t.precision, scale: t.scale } };
    default:
      return { type: ksqlTypeName(t), fields: null, memberSchema: null };
  }
}
