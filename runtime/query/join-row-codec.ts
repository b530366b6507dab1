// Join state holds whole rows (a table's current row, a stream window's rows). State stores
// keep JSON, so each column goes through the typed JSON codec by its SQL type, and back.

import type { SqlType } from '../../planner/types.js';
import { decodeValue, encodeValue, type Json } from '../state/typed-json.js';

export interface RowCodec {
  encode(row: readonly unknown[]): unknown[];
  decode(json: readonly unknown[]): unknown[];
}

export function rowCodec(types: readonly SqlType[]): RowCodec {
  return {
    encode: (row) => types.map((t, i) => encodeValue(row[i], t)),
    decode: (json) => types.map((t, i) => decodeValue((json[i] ?? null) as Json, t)),
  };
}
