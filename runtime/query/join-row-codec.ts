// Join state holds whole rows (a table's current row, a stream window's rows). State stores
// keep JSON, so each column goes through the typed JSON codec by its SQL type, and back.

import type { SqlType } from '../../planner/types.js';
import { encodeState } from '../state/kv-store.js';
import { decodeValue, encodeValue, type Json } from '../state/typed-json.js';

export interface RowCodec {
  encode(row: readonly unknown[]): unknown[];
  decode(json: readonly unknown[]): unknown[];
  /** encodeState(encode(row)), written directly: every stream row joined is stored once. */
  encodeText(row: readonly unknown[]): string;
}

export function rowCodec(types: readonly SqlType[]): RowCodec {
  const writers = types.map(columnText);
  return {
    encode: (row) => types.map((t, i) => encodeValue(row[i], t)),
    decode: (json) => types.map((t, i) => decodeValue((json[i] ?? null) as Json, t)),
    encodeText: (row) => {
      let out = '[';
      for (let i = 0; i < writers.length; i++) out += (i === 0 ? '' : ',') + writers[i]!(row[i]);
      return out + ']';
    },
  };
}

/** One column's encodeValue as JSON text; nested types go through encodeValue itself. */
function columnText(t: SqlType): (v: unknown) => string {
  const general = (v: unknown) => encodeState(encodeValue(v, t));
  switch (t.kind) {
    case 'BIGINT':
    case 'DECIMAL':
      // encodeValue writes them as strings, whose digits need no escaping.
      return (v) => (v === null || v === undefined ? 'null' : `"${String(v)}"`);
    case 'INT':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return (v) => (v === null || v === undefined ? 'null' : typeof v === 'number' ? String(v) : general(v));
    case 'STRING':
      return (v) => (v === null || v === undefined ? 'null' : JSON.stringify(v));
    default:
      return (v) => (v === null || v === undefined ? 'null' : general(v));
  }
}
