import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../planner/values/decimal.js';
import { JsonNumber, parseJsonExact, stringifyJsonExact } from '../../runtime/serde/json-exact.js';
import { SerdeError } from '../../runtime/serde/serde.js';

describe('parseJsonExact', () => {
  it('keeps safe integers as numbers and wider integers as exact bigints', () => {
    expect(parseJsonExact('[0, -7, 9007199254740991, 9007199254740992, 9223372036854775807, -9223372036854775808]')).toEqual([
      0,
      -7,
      9007199254740991,
      9007199254740992n,
      9223372036854775807n,
      -9223372036854775808n,
    ]);
  });

  it('keeps fractions and exponents as their written text', () => {
    const v = parseJsonExact('[1.10, 1e3, -0.5E-2, 10.1234512345123451234]') as JsonNumber[];
    expect(v.map((n) => n.text)).toEqual(['1.10', '1e3', '-0.5E-2', '10.1234512345123451234']);
    expect(v[0]).toBeInstanceOf(JsonNumber);
    expect(v[0]!.toDecimal()).toEqual(Decimal.of(110n, 2));
    expect(v[1]!.toNumber()).toBe(1000);
    expect(v[3]!.toDecimal().toString()).toBe('10.1234512345123451234');
  });

  it('reads strings with every escape', () => {
    expect(parseJsonExact('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00 é"')).toBe('a"b\\c/d\b\f\n\r\té😀 é');
  });

  it('reads nested objects and arrays, and keeps __proto__ as an own field', () => {
    const v = parseJsonExact(' { "a" : [ true , false , null , { } , [ ] ] , "__proto__" : { "x" : 1 } } ') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['a', '__proto__']);
    expect(v['a']).toEqual([true, false, null, {}, []]);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ x: 1 });
  });

  it.each([
    ['', 'unexpected end of input'],
    ['{"a":1,}', 'expected a field name'],
    ['[1 2]', "expected ',' or ']'"],
    ['01', 'unexpected trailing content'],
    ['1.', 'invalid number'],
    ['-', 'invalid number'],
    ['1e', 'invalid number'],
    ['"abc', 'unterminated string'],
    ['"a\nb"', 'control character in string'],
    ['"\\x"', 'invalid escape'],
    ['"\\u12g4"', 'invalid \\u escape'],
    ['tru', 'expected true'],
    ["{'a':1}", 'expected a field name'],
    ['NaN', 'unexpected character'],
  ])('rejects %j with a SerdeError (%s)', (text, what) => {
    expect(() => parseJsonExact(text)).toThrow(SerdeError);
    expect(() => parseJsonExact(text)).toThrow(what);
  });
});

describe('stringifyJsonExact', () => {
  it('writes every runtime representation exactly and compactly', () => {
    const value = {
      big: 9223372036854775807n,
      dec: Decimal.parse('1.10'),
      num: new JsonNumber('1.50E3'),
      d: 0.5,
      bytes: Buffer.from('hi'),
      map: new Map<unknown, unknown>([
        [1, 'one'],
        ['k', [null, true]],
      ]),
      skipped: undefined,
      s: 'q"\n',
    };
    expect(stringifyJsonExact(value)).toBe(
      '{"big":9223372036854775807,"dec":1.10,"num":1.50E3,"d":0.5,"bytes":"aGk=","map":{"1":"one","k":[null,true]},"s":"q\\"\\n"}',
    );
  });

  it('writes non-finite doubles as null, like JSON.stringify', () => {
    expect(stringifyJsonExact([NaN, Infinity, -0])).toBe('[null,null,0]');
  });

  it('round-trips what it parses, to the digit', () => {
    const text = '{"a":[1,2.50,-3e-7,123456789012345678901234567890],"b":{"c":"\\u0000x"},"e":[]}';
    expect(stringifyJsonExact(parseJsonExact(text))).toBe(text);
  });
});

describe('parseJsonExact over ksqlDB test files', () => {
  const dir = join(__dirname, '../../../shared/conformance/ksqldb/query-validation-tests');
  const present = existsSync(dir);
  it.skipIf(!present)('reads every file as JSON.parse does, apart from number precision', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const exact = parseJsonExact(text);
      // Printing exactly and re-reading with JSON.parse must give what JSON.parse gives.
      expect(JSON.parse(stringifyJsonExact(exact)), f).toEqual(JSON.parse(text));
    }
  });
});
