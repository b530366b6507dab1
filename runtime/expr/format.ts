// ksqlDB's text for a value, as CAST(x AS STRING) produces it.
//
// At the top level ksqlDB formats DATE / TIME / TIMESTAMP as ISO text and DECIMAL as plain
// digits. Inside ARRAY, MAP and STRUCT it prints Java's toString of its runtime objects instead:
// `[1, 2]`, `{a=1}`, `Struct{A=1,B=x}` (null fields left out), java.sql dates
// (`2020-01-01 00:00:00.0`) and BigDecimal.toString. We reproduce both.

import { MS_PER_DAY, civilFromDays } from '../../planner/values/calendar.js';
import { formatDate, formatTime, formatTimestamp } from '../../planner/values/temporal.js';
import { assertNever } from '../../grammar/ast.js';
import type { SqlType, Struct } from '../../planner/types.js';
import type { Decimal } from '../../planner/values/decimal.js';
import { javaBigDecimalToString, javaDoubleToString } from '../../planner/values/java-text.js';

/** The value as CAST(value AS STRING) renders it; null stays null. */
export function formatValue(value: unknown, type: SqlType): string | null {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'DATE':
      return formatDate(value as number);
    case 'TIME':
      return formatTime(value as number);
    case 'TIMESTAMP':
      return formatTimestamp(value as number);
    case 'DECIMAL':
      return (value as Decimal).toString();
    default:
      return javaToString(value, type);
  }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** java.sql.Timestamp.toString in UTC: `yyyy-mm-dd hh:mm:ss.f`, fraction without trailing zeros. */
function sqlTimestampString(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const { year, month, day } = civilFromDays(days);
  const rest = ms - days * MS_PER_DAY;
  const secs = Math.floor(rest / 1000);
  const fraction = String(rest % 1000).padStart(3, '0').replace(/0+$/, '') || '0';
  return (
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ` +
    `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}.${fraction}`
  );
}

/**
 * Java's String.valueOf of ksqlDB's runtime object for `value`: what ksqlDB prints wherever it
 * turns a value into text with toString() (CAST of a container, ARRAY_JOIN's elements).
 */
export function javaToString(value: unknown, type: SqlType): string {
  if (value === null || value === undefined) return 'null';
  switch (type.kind) {
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'STRING':
      return String(value);
    case 'DOUBLE':
      return javaDoubleToString(value as number);
    case 'DECIMAL':
      return javaBigDecimalToString(value as Decimal);
    case 'BYTES': {
      // ksqlDB holds BYTES as a ByteBuffer, whose toString describes the buffer, not its content.
      const n = (value as Buffer).length;
      return `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
    }
    case 'DATE':
      return formatDate(value as number);
    case 'TIME': {
      const secs = Math.floor((value as number) / 1000);
      return `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
    }
    case 'TIMESTAMP':
      return sqlTimestampString(value as number);
    case 'ARRAY':
      return '[' + (value as readonly unknown[]).map((v) => javaToString(v, type.element)).join(', ') + ']';
    case 'MAP': {
      const parts: string[] = [];
      for (const [k, v] of value as ReadonlyMap<unknown, unknown>) {
        parts.push(`${javaToString(k, type.key)}=${javaToString(v, type.value)}`);
      }
      return '{' + parts.join(', ') + '}';
    }
    case 'STRUCT': {
      const s = value as Struct;
      const parts: string[] = [];
      for (const f of type.fields) {
        const v = Object.prototype.hasOwnProperty.call(s, f.name) ? s[f.name] : null;
        // Kafka Connect's Struct.toString skips null fields.
        if (v !== null && v !== undefined) parts.push(`${f.name}=${javaToString(v, f.type)}`);
      }
      return 'Struct{' + parts.join(',') + '}';
    }
    default:
      return assertNever(type, 'type');
  }
}
