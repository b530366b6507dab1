// Compares what Sluice wrote with what a ksqlDB test case expects, following ksqlDB's
// ExpectedRecordComparator: objects match field by field (an expected field also matches the
// upper-cased actual field), and the number of fields must agree; arrays element by element.
//
// Numbers are the subtle part. The actual side is either a typed runtime value (KAFKA,
// windowed keys) or JSON parsed exactly from the record bytes; the expected side is JSON
// from the test file. Where the sink schema says a number is a DOUBLE, it compares within
// 1e-6 (relative above 1); INT, BIGINT and DECIMAL compare exactly at the precision the files
// keep (see numbersMatch). Without a type, integers compare exactly and anything else as a
// double. Decimals the file writes as strings (`"12.30"`) compare with their scale.

import { Decimal } from '../../planner/values/decimal.js';
import { structType, type SqlType } from '../../planner/types.js';
import type { Header } from '../../runtime/log/log.js';
import { JsonNumber } from '../../runtime/serde/json-exact.js';
import { isObject, type QttHeader, type QttRecord, type QttWindow } from './loader.js';

/** An output record as the runner decoded it. */
export interface ActualRecord {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
  readonly window: QttWindow | undefined;
  readonly headers: readonly Header[];
}

/** Column types that guide numeric comparison; undefined where the schema is unknown. */
export interface RecordTypes {
  readonly key: SqlType | undefined;
  readonly value: SqlType | undefined;
}

/** The type of a row of columns: a struct, which diffValue unwraps for single-column rows. */
export function rowType(columns: readonly { readonly name: string; readonly type: SqlType }[]): SqlType | undefined {
  return columns.length === 0 ? undefined : structType(columns.map((c) => ({ name: c.name, type: c.type })));
}

/**
 * Compares one topic's records. Returns undefined when they match, else the first difference
 * as a short reason (`topic OUTPUT: expected 3 records, got 2`).
 * `ranWithInsertStatements`: the case had no inputs, so records came from INSERT VALUES with
 * wall-clock timestamps, and an expected timestamp of 0 means "any" (as in ksqlDB).
 */
export function diffTopic(
  topic: string,
  expected: readonly QttRecord[],
  actual: readonly ActualRecord[],
  types: RecordTypes,
  ranWithInsertStatements: boolean,
): string | undefined {
  if (expected.length !== actual.length) {
    return `topic ${topic}: expected ${expected.length} records, got ${actual.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    const d = diffRecord(expected[i]!, actual[i]!, types, ranWithInsertStatements);
    if (d !== undefined) return `topic ${topic} record ${i}: ${d}`;
  }
  return undefined;
}

export function diffRecord(
  expected: QttRecord,
  actual: ActualRecord,
  types: RecordTypes,
  ranWithInsertStatements: boolean,
): string | undefined {
  const keyDiff = diffValue(actual.key, expected.key, types.key, '');
  if (keyDiff !== undefined) return `key ${show(actual.key)} != ${show(expected.key)}${keyDiff.path ? ` (at ${keyDiff.path})` : ''}`;
  if (expected.window !== undefined) {
    const w = actual.window;
    if (w === undefined) return `window: expected ${showWindow(expected.window)}, got an unwindowed key`;
    if (w.start !== expected.window.start || w.end !== expected.window.end || w.type !== expected.window.type) {
      return `window ${showWindow(w)} != ${showWindow(expected.window)}`;
    }
  }
  const valueDiff = diffValue(actual.value, expected.value, types.value, '');
  if (valueDiff !== undefined) {
    return `value ${show(actual.value)} != ${show(expected.value)}${valueDiff.path ? ` (at ${valueDiff.path})` : ''}`;
  }
  // ksqlDB compares headers always: no `headers` in the file means none.
  const headerDiff = diffHeaders(actual.headers, expected.headers ?? []);
  if (headerDiff !== undefined) return headerDiff;
  if (
    expected.timestamp !== undefined &&
    expected.timestamp !== actual.timestamp &&
    !(ranWithInsertStatements && expected.timestamp === 0)
  ) {
    return `timestamp ${actual.timestamp} != ${expected.timestamp}`;
  }
  return undefined;
}

function diffHeaders(actual: readonly Header[], expected: readonly QttHeader[]): string | undefined {
  const shown = (): string =>
    `headers ${JSON.stringify(actual.map((h) => ({ KEY: h.key, VALUE: h.value === null ? null : h.value.toString('base64') })))} != ${JSON.stringify(expected)}`;
  if (actual.length !== expected.length) return shown();
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const value = a.value === null ? null : a.value.toString('base64');
    if (a.key !== e.KEY || value !== e.VALUE) return shown();
  }
  return undefined;
}

export interface ValueDiff {
  /** Where inside the value the first difference is (`A[0].B`), '' at the top. */
  readonly path: string;
}

/** Undefined when `actual` matches the expected JSON value, else where they first differ. */
export function diffValue(actual: unknown, expected: unknown, type: SqlType | undefined, path: string): ValueDiff | undefined {
  // A single-column row is written unwrapped (keys always, values with WRAP_SINGLE_VALUE=false).
  if (type?.kind === 'STRUCT' && !isObject(expected) && expected !== null && type.fields.length === 1) {
    type = type.fields[0]!.type;
  }
  const fail: ValueDiff = { path };
  if (expected === null || expected === undefined) return actual === null || actual === undefined ? undefined : fail;
  if (typeof expected === 'boolean') return actual === expected ? undefined : fail;
  if (typeof expected === 'string') return textMatches(actual, expected) ? undefined : fail;
  const expectedNumber = numeric(expected);
  if (expectedNumber !== undefined) {
    const actualNumber = numeric(actual);
    return actualNumber !== undefined && numbersMatch(actualNumber, expectedNumber, type) ? undefined : fail;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return fail;
    const element = type?.kind === 'ARRAY' ? type.element : undefined;
    for (let i = 0; i < expected.length; i++) {
      const d = diffValue(actual[i], expected[i], element, `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObject(expected)) return diffObject(actual, expected, type, path);
  throw new Error(`cannot compare against an expected ${show(expected)}`);
}

function diffObject(
  actual: unknown,
  expected: Readonly<Record<string, unknown>>,
  type: SqlType | undefined,
  path: string,
): ValueDiff | undefined {
  let get: (name: string) => unknown;
  let size: number;
  if (actual instanceof Map) {
    // MAP keys may be typed (INT keys); JSON spells every key as a string.
    const byText = new Map<string, unknown>();
    for (const [k, v] of actual) byText.set(String(k), v);
    get = (name) => byText.get(name);
    size = byText.size;
  } else if (isObject(actual)) {
    get = (name) => actual[name];
    size = Object.keys(actual).length;
  } else {
    return { path };
  }
  const expectedNames = Object.keys(expected);
  if (size !== expectedNames.length) return { path };
  for (const name of expectedNames) {
    const fieldPath = path === '' ? name : `${path}.${name}`;
    // As ksqlDB: when the exact field is null or absent, try the upper-cased name.
    const value = get(name) ?? get(name.toUpperCase()) ?? null;
    const d = diffValue(value, expected[name], fieldType(type, name), fieldPath);
    if (d !== undefined) return d;
  }
  return undefined;
}

function fieldType(type: SqlType | undefined, name: string): SqlType | undefined {
  if (type?.kind === 'MAP') return type.value;
  if (type?.kind !== 'STRUCT') return undefined;
  return (
    type.fields.find((f) => f.name === name)?.type ??
    type.fields.find((f) => f.name.toUpperCase() === name.toUpperCase())?.type
  );
}

function textMatches(actual: unknown, expected: string): boolean {
  if (typeof actual === 'string') return actual === expected;
  if (Buffer.isBuffer(actual)) return actual.toString('base64') === expected;
  // ksqlDB accepts a decimal written as a string, compared with its scale.
  if (actual instanceof Decimal || actual instanceof JsonNumber) {
    try {
      const a = actual instanceof JsonNumber ? actual.toDecimal() : actual;
      const e = Decimal.parse(expected);
      return e.scale === a.scale && e.equals(a);
    } catch {
      return false;
    }
  }
  return false;
}

/** A number as a double, and whether it was written or typed as an integer. */
interface Numeric {
  readonly integral: boolean;
  readonly value: number;
}

function numeric(v: unknown): Numeric | undefined {
  if (typeof v === 'bigint') return { integral: true, value: Number(v) };
  // An integral double beyond 2^53 is a double (an exact integer would be a bigint).
  if (typeof v === 'number') return { integral: Number.isSafeInteger(v), value: v };
  if (v instanceof JsonNumber) return { integral: false, value: v.toNumber() };
  if (v instanceof Decimal) return { integral: v.scale === 0, value: v.toNumber() };
  return undefined;
}

function numbersMatch(actual: Numeric, expected: Numeric, type: SqlType | undefined): boolean {
  if (type?.kind === 'DOUBLE' || (type === undefined && !(actual.integral && expected.integral))) {
    return doublesMatch(actual.value, expected.value);
  }
  // The case files were normalised to strict JSON through JavaScript doubles, so an expected
  // number keeps only a double's precision: a BIGINT above 2^53 comes out rounded and a
  // DECIMAL loses its trailing zeros (`10.0000` reads `10`). Comparing the actual value
  // rounded to a double is as exact as the files allow.
  return actual.value === expected.value;
}

export function doublesMatch(a: number, b: number): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

function showWindow(w: QttWindow): string {
  return `${w.type}[${w.start},${w.end})`;
}

/** A compact JSON-like rendering of runtime and parsed values, for failure reasons. */
export function show(v: unknown, limit = 300): string {
  const text = render(v);
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function render(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Decimal || v instanceof JsonNumber) return v.toString();
  if (Buffer.isBuffer(v)) return `bytes(${v.toString('base64')})`;
  if (Array.isArray(v)) return `[${v.map(render).join(',')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${render(String(k))}:${render(x)}`).join(',')}}`;
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${render(x)}`).join(',')}}`;
  return String(v);
}
