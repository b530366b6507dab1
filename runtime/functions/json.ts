// JSON functions over STRING values holding JSON text.

import type { FunctionDef, ScalarOverload } from '../../planner/functions.js';
import { Decimal } from '../../planner/values/decimal.js';
import { BOOLEAN, INT, STRING, arrayType, mapType, type SqlType } from '../../planner/types.js';
import { Category, lenient, scalar, strict } from './define.js';
import { javaDoubleToString } from '../../planner/values/java-text.js';
import { JsonNumber, MISSING, isJsonObject, readJson, writeJson, type JsonValue } from './json-text.js';
import { P_STRING, T } from './params.js';
import { formatDate, formatTime, formatTimestamp } from '../../planner/values/temporal.js';

// ---------------------------------------------------------------- EXTRACTJSONFIELD

/** JSONPath as ksqlDB's tokenizer reads it: `$.a.b`, `$['a']`, `$.a[0]`, `$.@type`. */
function tokenizePath(path: string): string[] {
  if (!path.startsWith('$')) throw new SyntaxError(`Invalid JSON path '${path}': must start with '$'`);
  const tokens: string[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      if (j === i + 1) throw new SyntaxError(`Invalid JSON path '${path}': empty field name`);
      tokens.push(path.slice(i + 1, j));
      i = j;
    } else if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) throw new SyntaxError(`Invalid JSON path '${path}': unclosed '['`);
      const inner = path.slice(i + 1, end).trim();
      const quoted = /^(['"])(.*)\1$/s.exec(inner);
      tokens.push(quoted ? quoted[2]! : inner);
      i = end + 1;
    } else {
      throw new SyntaxError(`Invalid JSON path '${path}' at position ${i}`);
    }
  }
  return tokens;
}

const pathCache = new Map<string, string[]>();
function pathTokens(path: string): string[] {
  let t = pathCache.get(path);
  if (!t) {
    t = tokenizePath(path);
    if (pathCache.size > 1000) pathCache.clear();
    pathCache.set(path, t);
  }
  return t;
}

function extractJsonField(json: string, path: string): string | null {
  let node: JsonValue | typeof MISSING = readJson(json);
  for (const token of pathTokens(path)) {
    if (node === MISSING) return null;
    if (Array.isArray(node)) {
      if (!/^-?\d+$/.test(token)) return null;
      node = node[Number(token)] ?? MISSING;
    } else if (isJsonObject(node)) {
      node = node.has(token) ? node.get(token)! : MISSING;
    } else {
      return null;
    }
  }
  if (node === MISSING) return null;
  return typeof node === 'string' ? node : writeJson(node);
}

// ---------------------------------------------------------------- JSON_ARRAY_CONTAINS

/**
 * Whether a top-level element equals the value, matching JSON token kinds to SQL types as
 * ksqlDB does: integers match INT/BIGINT, fractional numbers match DOUBLE, strings, booleans
 * and null match their own kind; nested arrays and objects never match.
 */
function jsonArrayContains(json: string | null, val: unknown, valType: SqlType['kind']): boolean {
  if (json === null) return false;
  let parsed: JsonValue | typeof MISSING;
  try {
    parsed = readJson(json);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed)) return false;
  return parsed.some((e) => {
    if (e === null) return val === null;
    if (val === null) return false;
    if (e instanceof JsonNumber) {
      if (e.isInteger) return (valType === 'INT' || valType === 'BIGINT') && BigInt(e.text) === BigInt(val as number | bigint);
      return valType === 'DOUBLE' && Number(e.text) === val;
    }
    if (typeof e === 'string') return valType === 'STRING' && e === val;
    if (typeof e === 'boolean') return valType === 'BOOLEAN' && e === val;
    return false;
  });
}

const jsonArrayContainsOverload: ScalarOverload = {
  params: [P_STRING, T],
  returns: BOOLEAN,
  make: (call) => {
    const valType = (call.argTypes[1] as SqlType).kind;
    return (json: string | null, val: unknown) => jsonArrayContains(json, val, valType);
  },
};

// ---------------------------------------------------------------- TO_JSON_STRING

function sortedEntries<V>(entries: Iterable<[string, V]>): [string, V][] {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Jackson's rendering of a ksqlDB value of a known type; maps and structs are sorted by key. */
function toJson(v: unknown, t: SqlType): string {
  if (v === null || v === undefined) return 'null';
  switch (t.kind) {
    case 'BOOLEAN':
    case 'INT':
      return String(v);
    case 'BIGINT':
      return (v as bigint).toString();
    case 'DOUBLE':
      return Number.isFinite(v) ? javaDoubleToString(v as number) : JSON.stringify(javaDoubleToString(v as number));
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'STRING':
      return JSON.stringify(v);
    case 'BYTES':
      return JSON.stringify((v as Buffer).toString('base64'));
    case 'DATE':
      return JSON.stringify(formatDate(v as number));
    case 'TIME':
      return JSON.stringify(formatTime(v as number));
    case 'TIMESTAMP':
      return JSON.stringify(formatTimestamp(v as number));
    case 'ARRAY':
      return `[${(v as unknown[]).map((e) => toJson(e, t.element)).join(',')}]`;
    case 'MAP': {
      const entries = [...(v as Map<unknown, unknown>)].map(([k, e]): [string, unknown] => [String(k), e]);
      return `{${sortedEntries(entries)
        .map(([k, e]) => `${JSON.stringify(k)}:${toJson(e, t.value)}`)
        .join(',')}}`;
    }
    case 'STRUCT': {
      const obj = v as Record<string, unknown>;
      return `{${sortedEntries(t.fields.map((f): [string, SqlType] => [f.name, f.type]))
        .map(([name, ft]) => `${JSON.stringify(name)}:${toJson(obj[name] ?? null, ft)}`)
        .join(',')}}`;
    }
  }
}

const toJsonString: ScalarOverload = {
  params: [T],
  returns: STRING,
  make: (call) => {
    const t = call.argTypes[0] as SqlType;
    return (v: unknown) => toJson(v, t);
  },
};

// ---------------------------------------------------------------- the catalogue

export const jsonFunctions: readonly FunctionDef[] = [
  scalar(
    'EXTRACTJSONFIELD',
    Category.JSON,
    'Extracts the value at a JSONPath from a string of JSON: strings as their text, other values as JSON; NULL when the path does not exist.',
    [strict([P_STRING, P_STRING], STRING, extractJsonField)],
  ),
  scalar('IS_JSON_STRING', Category.JSON, 'Whether a string parses as a JSON value.', [
    lenient([P_STRING], BOOLEAN, (s: string | null) => {
      if (s === null) return false;
      try {
        return readJson(s) !== MISSING;
      } catch {
        return false;
      }
    }),
  ]),
  scalar(
    'JSON_ARRAY_CONTAINS',
    Category.JSON,
    'Whether a JSON array (as a string) contains a value among its top-level elements.',
    [jsonArrayContainsOverload],
  ),
  scalar('JSON_ARRAY_LENGTH', Category.JSON, 'The number of elements of a JSON array, or NULL when the string is not one.', [
    strict([P_STRING], INT, (s: string) => {
      const v = readJson(s);
      return Array.isArray(v) ? v.length : null;
    }),
  ]),
  scalar(
    'JSON_CONCAT',
    Category.JSON,
    'Concatenates JSON values as PostgreSQL || does: objects merge their top-level keys (later values win); otherwise arrays concatenate, non-arrays counting as one-element arrays. NULL if any input is NULL or not JSON.',
    [
      lenient(
        [P_STRING],
        STRING,
        (...xs: (string | null)[]) => {
          const nodes: JsonValue[] = [];
          for (const x of xs) {
            if (x === null) return null;
            let v: JsonValue | typeof MISSING;
            try {
              v = readJson(x);
            } catch {
              return null;
            }
            if (v === MISSING) return null;
            nodes.push(v);
          }
          if (nodes.length === 0) return null;
          if (nodes.every(isJsonObject)) {
            const merged = new Map(nodes[0] as Map<string, JsonValue>);
            for (const n of nodes.slice(1)) for (const [k, e] of n as Map<string, JsonValue>) merged.set(k, e);
            return writeJson(merged);
          }
          return writeJson(nodes.flatMap((n) => (Array.isArray(n) ? n : [n])));
        },
        { variadic: true },
      ),
    ],
  ),
  scalar('JSON_KEYS', Category.JSON, 'The top-level keys of a JSON object, or NULL when the string is not one.', [
    strict([P_STRING], arrayType(STRING), (s: string) => {
      const v = readJson(s);
      return isJsonObject(v) ? [...v.keys()] : null;
    }),
  ]),
  scalar(
    'JSON_ITEMS',
    Category.JSON,
    'The elements of a JSON array of objects, each as a JSON string; NULL when the string is not such an array.',
    [
      strict([P_STRING], arrayType(STRING), (s: string) => {
        const v = readJson(s);
        if (!Array.isArray(v) || !v.every(isJsonObject)) return null;
        return v.map(writeJson);
      }),
    ],
  ),
  scalar(
    'JSON_RECORDS',
    Category.JSON,
    'The top-level entries of a JSON object as a map from key to value (strings as their text, other values as JSON); NULL when the string is not an object.',
    [
      strict([P_STRING], mapType(STRING, STRING), (s: string) => {
        const v = readJson(s);
        if (!isJsonObject(v)) return null;
        return new Map([...v].map(([k, e]) => [k, typeof e === 'string' ? e : writeJson(e)]));
      }),
    ],
  ),
  scalar('TO_JSON_STRING', Category.JSON, 'Renders any value as a JSON string; maps and structs have their keys sorted.', [
    toJsonString,
  ]),
];
