import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  decimalType,
  mapType,
  structType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { MISSING, readJson, writeJson } from '../../runtime/functions/json-text.js';
import { NULL, col, lit, run } from './harness.js';

const s = (v: string | null) => col(STRING, v);

describe('JSON text', () => {
  it('keeps numbers exact, writes compactly and ignores trailing text', () => {
    const v = readJson('{"a": [1.23450, 10, -0, 1e2, 1.0e-3], "b": "x\\n", "c": null}}');
    expect(v).not.toBe(MISSING);
    expect(writeJson(v as never)).toBe('{"a":[1.23450,10,0,100,0.0010],"b":"x\\n","c":null}');
    expect(readJson('   ')).toBe(MISSING);
    expect(() => readJson('abc')).toThrow(SyntaxError);
    expect(() => readJson('{"a" 1}')).toThrow(SyntaxError);
  });
});

describe('EXTRACTJSONFIELD', () => {
  const x = (json: string | null, path: string) => run('EXTRACTJSONFIELD', s(json), lit(STRING, path));
  it('follows JSONPath fields and indexes', () => {
    expect(x('{"name": "cdc", "version": "1", "@type": "UDF"}', '$.name')).toBe('cdc');
    expect(x('{"name": "cdc", "@type": "UDF"}', '$.@type')).toBe('UDF');
    expect(x('{"a": {"b": [10, {"c": true}]}}', '$.a.b[1].c')).toBe('true');
    expect(x('{"a": {"b": [10, {"c": true}]}}', "$['a']['b'][0]")).toBe('10');
    expect(x('{"a": {"b": 1}}', '$.a')).toBe('{"b":1}');
    expect(x('{"array": [1.23450]}', '$.array[0]')).toBe('1.23450');
  });

  it('returns NULL for missing paths and NULL input, and "null" for JSON null', () => {
    expect(x('{"array": [1, 2, 3]}', '$.array[-1]')).toBeNull();
    expect(x('{"array": [1]}', '$.array[1]')).toBeNull();
    expect(x('{"a": 1}', '$.b')).toBeNull();
    expect(x('{"a": 1}', '$.a.b')).toBeNull();
    expect(x('', '$.a')).toBeNull();
    expect(x(null, '$.a')).toBeNull();
    expect(x('{"a": null}', '$.a')).toBe('null');
    expect(x('{"name": "cdd"}}', '$.name')).toBe('cdd');
  });

  it('fails on malformed JSON and paths', () => {
    expect(() => x('{not json', '$.a')).toThrow(/Invalid JSON/);
    expect(() => x('{}', 'a.b')).toThrow(/must start with/);
  });
});

describe('JSON predicates and collections', () => {
  it('IS_JSON_STRING', () => {
    const f = (v: string | null) => run('IS_JSON_STRING', s(v));
    expect([f('1'), f('[1, 2, 3]'), f('"abc"'), f('abc'), f(''), f(null)]).toEqual([true, true, true, false, false, false]);
  });

  it('JSON_ARRAY_CONTAINS matches JSON kinds to SQL types', () => {
    const c = (json: string | null, v: ReturnType<typeof col>) => run('JSON_ARRAY_CONTAINS', s(json), v);
    expect(c('["Pink", "Yellow"]', lit(STRING, 'Pink'))).toBe(true);
    expect(c('["Red"]', lit(STRING, 'Pink'))).toBe(false);
    expect(c('[1, 2, 3]', col(INT, 2))).toBe(true);
    expect(c('[1, 2, 3]', col(BIGINT, 3n))).toBe(true);
    expect(c('[1.5]', col(DOUBLE, 1.5))).toBe(true);
    expect(c('[1]', col(DOUBLE, 1))).toBe(false);
    expect(c('[true, null]', col(BOOLEAN, true))).toBe(true);
    expect(c('[1, null]', NULL)).toBe(true);
    expect(c('[[1]]', col(INT, 1))).toBe(false);
    expect(c('{"a": 1}', col(INT, 1))).toBe(false);
    expect(c('not json', col(INT, 1))).toBe(false);
    expect(c(null, col(INT, 1))).toBe(false);
  });

  it('JSON_ARRAY_LENGTH, JSON_KEYS, JSON_ITEMS, JSON_RECORDS', () => {
    expect(run('JSON_ARRAY_LENGTH', s('["a", "b"]'))).toBe(2);
    expect(run('JSON_ARRAY_LENGTH', s('[]'))).toBe(0);
    expect(run('JSON_ARRAY_LENGTH', s(''))).toBeNull();
    expect(run('JSON_ARRAY_LENGTH', s('{}'))).toBeNull();
    expect(run('JSON_KEYS', s('{"Red": 3, "Green": 5}'))).toEqual(['Red', 'Green']);
    expect(run('JSON_KEYS', s('{}'))).toEqual([]);
    expect(run('JSON_KEYS', s('[1]'))).toBeNull();
    expect(run('JSON_ITEMS', s('[{"type": "A"}, {"type": "B", "n": 1.0}]'))).toEqual(['{"type":"A"}', '{"type":"B","n":1.0}']);
    expect(run('JSON_ITEMS', s('[1, 2]'))).toBeNull();
    expect(run('JSON_RECORDS', s('{"White": "Seven", "n": 7, "o": {"x": [1]}}'))).toEqual(
      new Map([
        ['White', 'Seven'],
        ['n', '7'],
        ['o', '{"x":[1]}'],
      ]),
    );
    expect(run('JSON_RECORDS', s(''))).toBeNull();
  });

  it('JSON_CONCAT merges objects and concatenates everything else', () => {
    const c = (...xs: (string | null)[]) => run('JSON_CONCAT', ...xs.map(s));
    expect(c('{"a": 1}', '{"b": 2}', '{"c": 3}')).toBe('{"a":1,"b":2,"c":3}');
    expect(c('{"a": {"5": 6}}', '{"a": {"3": 4}}')).toBe('{"a":{"3":4}}');
    expect(c('[1, 2]', '[3, 4]')).toBe('[1,2,3,4]');
    expect(c('null', 'null')).toBe('[null,null]');
    expect(c('[1, 2]', '{"a": 1}', '4')).toBe('[1,2,{"a":1},4]');
    expect(c('[1, [2]]', '[[[3]], [[[4]]]]')).toBe('[1,[2],[[3]],[[[4]]]]');
    expect(c('1', '')).toBeNull();
    expect(c('{"a": 1}', null)).toBeNull();
    expect(c('{"a": 1}', '{oops')).toBeNull();
  });
});

describe('TO_JSON_STRING', () => {
  const j = (type: Parameters<typeof col>[0], v: unknown) => run('TO_JSON_STRING', col(type, v));
  it('renders every type as Jackson does', () => {
    expect(j(INT, 1)).toBe('1');
    expect(j(INT, null)).toBe('null');
    expect(j(BIGINT, 9007199254740993n)).toBe('9007199254740993');
    expect(j(DOUBLE, 123.456)).toBe('123.456');
    expect(j(DOUBLE, 1)).toBe('1.0');
    expect(j(DOUBLE, 1e21)).toBe('1.0E21');
    expect(j(decimalType(6, 3), Decimal.parse('123.450'))).toBe('123.450');
    expect(j(STRING, 'a"b')).toBe('"a\\"b"');
    expect(j(BOOLEAN, true)).toBe('true');
    expect(j(BYTES, Buffer.from('!'))).toBe('"IQ=="');
    expect(j(DATE, 1000)).toBe('"1972-09-27"');
    expect(j(TIME, 5000)).toBe('"00:00:05"');
    expect(j(TIMESTAMP, 60220000000)).toBe('"1971-11-28T23:46:40.000"');
    expect(j(arrayType(INT), [1, null, 3])).toBe('[1,null,3]');
    expect(j(mapType(STRING, arrayType(INT)), new Map([['z', [1]], ['a', []]]))).toBe('{"a":[],"z":[1]}');
    const st = structType([
      { name: 'b', type: STRING },
      { name: 'A', type: INT },
    ]);
    expect(j(st, { b: 'x', A: null })).toBe('{"A":null,"b":"x"}');
  });
});
