// The JSON format. A row is a JSON object keyed by column name, or, for a single unwrapped
// column (every single-column key; a value with WRAP_SINGLE_VALUE=false), the bare value.
//
// Reading takes JSON.parse's native speed whenever that is exact: a document with no run of
// 16+ digits/points holds no number beyond a double's 15 safe significant digits. Otherwise,
// or when a reader asks for the written text of a number (NEED_EXACT), the document is read
// again with the exact parser. Strings with long digit runs only cost that detour.

import { formatType, type StructField } from '../../planner/types.js';
import { parseJsonExact } from './json-exact.js';
import { fieldsReader, isJsonObject, jsonReader, JsonCoercionError, NEED_EXACT, nodeKind } from './json-read.js';
import { jsonWriter, rowObjectWriter } from './json-write.js';
import { SerdeError, type RowSerde } from './serde.js';

export function jsonSerde(columns: readonly StructField[], wrapped: boolean): RowSerde {
  return wrapped ? wrappedSerde(columns) : unwrappedSerde(columns[0]!);
}

function wrappedSerde(columns: readonly StructField[]): RowSerde {
  const n = columns.length;
  const write = rowObjectWriter(columns);
  const fast = fieldsReader(columns, false);
  const exact = fieldsReader(columns, true);
  const typeName = formatType({ kind: 'STRUCT', fields: columns });
  const readRow = (read: typeof fast) => (tree: unknown): unknown[] | null => {
    if (tree === null) return null;
    if (!isJsonObject(tree)) {
      throw new JsonCoercionError(`Can't convert type. sourceType: ${nodeKind(tree)}, requiredType: ${typeName}`, '');
    }
    const row = new Array<unknown>(n);
    read(tree, row);
    return row;
  };
  const readFast = readRow(fast);
  const readExact = readRow(exact);
  return {
    serialize(row) {
      if (row === null) return null;
      checkWidth(row, n);
      return Buffer.from(write(row), 'utf8');
    },
    deserialize(bytes) {
      return bytes === null ? null : decode(bytes, readFast, readExact);
    },
  };
}

function unwrappedSerde(column: StructField): RowSerde {
  const write = jsonWriter(column.type);
  const fast = jsonReader(column.type, false);
  const exact = jsonReader(column.type, true);
  const readFast = (tree: unknown): unknown[] => [fast(tree)];
  const readExact = (tree: unknown): unknown[] => [exact(tree)];
  return {
    serialize(row) {
      if (row === null) return null;
      checkWidth(row, 1);
      const v = row[0];
      // ksqlDB hands a null single value to its serializer, which writes no bytes at all.
      return v === null || v === undefined ? null : Buffer.from(write(v), 'utf8');
    },
    deserialize(bytes) {
      return bytes === null ? null : decode(bytes, readFast, readExact);
    },
  };
}

const MALFORMED: unique symbol = Symbol('MALFORMED');

function decode(bytes: Buffer, fast: (tree: unknown) => unknown[] | null, exact: (tree: unknown) => unknown[] | null): unknown[] | null {
  let text = bytes.toString('utf8');
  // Jackson skips a byte-order mark; JSON.parse would choke on it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    if (!hasLongDigitRun(text)) {
      let tree: unknown;
      try {
        tree = JSON.parse(text);
      } catch {
        // The exact parser re-reads it to report where it is malformed.
        tree = MALFORMED;
      }
      if (tree !== MALFORMED) {
        try {
          return fast(tree);
        } catch (e) {
          if (e !== NEED_EXACT) throw e;
        }
      }
    }
    return exact(parseJsonExact(text));
  } catch (e) {
    if (e instanceof JsonCoercionError) throw new JsonCoercionError(e.reason, '$' + e.path);
    if (e instanceof SerdeError) throw e;
    throw new SerdeError(`Cannot read JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Whether the text has 16+ consecutive digits or points. Any such run covers one of the
 * positions 15, 31, 47…, so only those are probed, and the run around a hit is measured:
 * about five times faster than /[0-9.]{16}/ on typical records.
 */
export function hasLongDigitRun(t: string): boolean {
  const len = t.length;
  let i = 15;
  while (i < len) {
    if (!isDigitOrPoint(t.charCodeAt(i))) {
      i += 16;
      continue;
    }
    let a = i - 1;
    while (a >= 0 && isDigitOrPoint(t.charCodeAt(a))) a--;
    let b = i + 1;
    while (b < len && isDigitOrPoint(t.charCodeAt(b))) b++;
    if (b - a - 1 >= 16) return true;
    // t[b] ends the run; a run after it must cover b + 16, b + 32, …
    i = b + 16;
  }
  return false;
}

function isDigitOrPoint(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e;
}

function checkWidth(row: readonly unknown[], n: number): void {
  if (row.length !== n) {
    throw new SerdeError(`Column count mismatch on serialization. expected: ${n}, got: ${row.length}`);
  }
}
