// SQL types, as the planner and runtime see them (the AST's TypeNode is only syntax).
//
// Runtime value representation (every operator, serde and function agrees on this):
//   BOOLEAN   → boolean
//   INT       → number (an int32)
//   BIGINT    → bigint (exact beyond 2^53)
//   DOUBLE    → number
//   DECIMAL   → Decimal (planner/values/decimal.ts; exact, carries its scale)
//   STRING    → string
//   BYTES     → Buffer
//   DATE      → number: days since the epoch
//   TIME      → number: milliseconds since midnight
//   TIMESTAMP → number: milliseconds since the epoch (UTC)
//   ARRAY     → unknown[]
//   MAP       → Map<key, value> (insertion ordered)
//   STRUCT    → Struct: a plain object whose own keys are the field names as declared,
//               in declaration order; a missing field reads as null
//   SQL NULL  → null (never undefined)

export type PrimitiveKind =
  | 'BOOLEAN'
  | 'INT'
  | 'BIGINT'
  | 'DOUBLE'
  | 'STRING'
  | 'BYTES'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP';

export interface PrimitiveType {
  readonly kind: PrimitiveKind;
}
export interface DecimalType {
  readonly kind: 'DECIMAL';
  readonly precision: number;
  readonly scale: number;
}
export interface ArrayType {
  readonly kind: 'ARRAY';
  readonly element: SqlType;
}
export interface MapType {
  readonly kind: 'MAP';
  readonly key: SqlType;
  readonly value: SqlType;
}
export interface StructField {
  readonly name: string;
  readonly type: SqlType;
}
export interface StructType {
  readonly kind: 'STRUCT';
  readonly fields: readonly StructField[];
}
export type SqlType = PrimitiveType | DecimalType | ArrayType | MapType | StructType;

export type Struct = Record<string, unknown>;

const prim = (kind: PrimitiveKind): PrimitiveType => Object.freeze({ kind });
export const BOOLEAN = prim('BOOLEAN');
export const INT = prim('INT');
export const BIGINT = prim('BIGINT');
export const DOUBLE = prim('DOUBLE');
export const STRING = prim('STRING');
export const BYTES = prim('BYTES');
export const DATE = prim('DATE');
export const TIME = prim('TIME');
export const TIMESTAMP = prim('TIMESTAMP');

export function decimalType(precision: number, scale: number): DecimalType {
  return { kind: 'DECIMAL', precision, scale };
}
export function arrayType(element: SqlType): ArrayType {
  return { kind: 'ARRAY', element };
}
export function mapType(key: SqlType, value: SqlType): MapType {
  return { kind: 'MAP', key, value };
}
export function structType(fields: readonly StructField[]): StructType {
  return { kind: 'STRUCT', fields };
}

export function primitive(kind: PrimitiveKind): PrimitiveType {
  switch (kind) {
    case 'BOOLEAN': return BOOLEAN;
    case 'INT': return INT;
    case 'BIGINT': return BIGINT;
    case 'DOUBLE': return DOUBLE;
    case 'STRING': return STRING;
    case 'BYTES': return BYTES;
    case 'DATE': return DATE;
    case 'TIME': return TIME;
    case 'TIMESTAMP': return TIMESTAMP;
  }
}

export function typesEqual(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'DECIMAL': {
      const d = b as DecimalType;
      return a.precision === d.precision && a.scale === d.scale;
    }
    case 'ARRAY':
      return typesEqual(a.element, (b as ArrayType).element);
    case 'MAP':
      return typesEqual(a.key, (b as MapType).key) && typesEqual(a.value, (b as MapType).value);
    case 'STRUCT': {
      const s = b as StructType;
      return (
        a.fields.length === s.fields.length &&
        a.fields.every((f, i) => f.name === s.fields[i]!.name && typesEqual(f.type, s.fields[i]!.type))
      );
    }
    default:
      return true;
  }
}

/** Identifiers that must be back-quoted when printed (lower case, reserved-looking, odd chars). */
function quoteIfNeeded(name: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

/**
 * ksqlDB's SQL spelling of a type: `INTEGER`, `DECIMAL(4, 2)`, `ARRAY<STRING>`,
 * `STRUCT<A INTEGER, `b` STRING>`. Used by DESCRIBE, post-condition checks and EXPLAIN.
 * ksqlDB's REST schema strings back-quote every struct field (`quoteFields: 'always'`).
 */
export function formatType(t: SqlType, quoteFields: 'always' | 'when-needed' = 'when-needed'): string {
  const f = (x: SqlType) => formatType(x, quoteFields);
  const q = quoteFields === 'always' ? (n: string) => '`' + n.replace(/`/g, '``') + '`' : quoteIfNeeded;
  switch (t.kind) {
    case 'INT':
      return 'INTEGER';
    case 'BOOLEAN':
    case 'BIGINT':
    case 'DOUBLE':
    case 'STRING':
    case 'BYTES':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return t.kind;
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'ARRAY':
      return `ARRAY<${f(t.element)}>`;
    case 'MAP':
      return `MAP<${f(t.key)}, ${f(t.value)}>`;
    case 'STRUCT':
      return `STRUCT<${t.fields.map((x) => `${q(x.name)} ${f(x.type)}`).join(', ')}>`;
  }
}

export function isNumeric(t: SqlType): boolean {
  return t.kind === 'INT' || t.kind === 'BIGINT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL';
}

/** Whether a type is or contains a MAP (ksqlDB refuses such key columns: map serialisation isn't stable). */
export function containsMap(t: SqlType): boolean {
  switch (t.kind) {
    case 'MAP':
      return true;
    case 'ARRAY':
      return containsMap(t.element);
    case 'STRUCT':
      return t.fields.some((f) => containsMap(f.type));
    default:
      return false;
  }
}
