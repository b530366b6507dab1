import { describe, expect, it } from 'vitest';
import {
  arrayType,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  decimalType,
  DOUBLE,
  INT,
  mapType,
  STRING,
  structType,
  TIME,
  TIMESTAMP,
  type SqlType,
} from '../../planner/types.js';
import { Decimal } from '../../planner/values/decimal.js';
import { createSerde } from '../../runtime/serde/index.js';
import { hasLongDigitRun } from '../../runtime/serde/json.js';
import { SerdeError, type RowSerde } from '../../runtime/serde/serde.js';

const json = (text: string): Buffer => Buffer.from(text, 'utf8');
const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

function value(columns: [string, SqlType][], wrapSingleValue?: boolean): RowSerde {
  const cols = columns.map(([name, type]) => ({ name, type }));
  return createSerde('JSON', cols, wrapSingleValue === undefined ? {} : { wrapSingleValue }, 'value');
}
function single(type: SqlType): RowSerde {
  return value([['V', type]], false);
}

describe('JSON rows', () => {
  const all = value([
    ['B', BOOLEAN],
    ['I', INT],
    ['L', BIGINT],
    ['D', DOUBLE],
    ['DEC', decimalType(6, 2)],
    ['S', STRING],
    ['BY', BYTES],
    ['DT', DATE],
    ['T', TIME],
    ['TS', TIMESTAMP],
    ['A', arrayType(INT)],
    ['M', mapType(STRING, DOUBLE)],
    ['ST', structType([{ name: 'X', type: STRING }, { name: 'Y', type: arrayType(BIGINT) }])],
  ]);
  const row = [
    true,
    -5,
    9223372036854775807n,
    1.5,
    Decimal.parse('1.10'),
    'é"\n',
    Buffer.from([0, 255]),
    -10,
    86_399_999,
    1_700_000_000_123,
    [1, null, 3],
    new Map([['k', 2]]),
    { X: 'x', Y: [-9223372036854775808n] },
  ];

  it('writes compact JSON in column order, numbers exact', () => {
    expect(text(all.serialize(row))).toBe(
      '{"B":true,"I":-5,"L":9223372036854775807,"D":1.5,"DEC":1.10,"S":"é\\"\\n","BY":"AP8=","DT":-10,' +
        '"T":86399999,"TS":1700000000123,"A":[1,null,3],"M":{"k":2.0},"ST":{"X":"x","Y":[-9223372036854775808]}}',
    );
  });

  it('round-trips every type', () => {
    expect(all.deserialize(all.serialize(row))).toEqual(row);
  });

  it('writes nulls as null fields and missing struct fields as null', () => {
    const s = value([
      ['A', INT],
      ['ST', structType([{ name: 'X', type: INT }, { name: 'Y', type: INT }])],
    ]);
    expect(text(s.serialize([null, { X: 1 }]))).toBe('{"A":null,"ST":{"X":1,"Y":null}}');
  });

  it('reads missing fields as null and ignores extra ones', () => {
    const s = value([
      ['A', INT],
      ['B', STRING],
    ]);
    expect(s.deserialize(json('{"B":"b","C":7}'))).toEqual([null, 'b']);
    expect(s.deserialize(json('{}'))).toEqual([null, null]);
  });

  it('reads a null record, and null bytes, as a null row', () => {
    const s = value([['A', INT]]);
    expect(s.deserialize(json('null'))).toBeNull();
    expect(s.deserialize(null)).toBeNull();
    expect(s.serialize(null)).toBeNull();
  });

  it('matches field names exactly, else by the upper-cased JSON key', () => {
    const s = value([
      ['ID', INT],
      ['name', STRING],
      ['@TIMESTAMP', BIGINT],
    ]);
    expect(s.deserialize(json('{"id":1,"name":"a","@timestamp":4}'))).toEqual([1, 'a', 4n]);
    // A quoted lower-case column does not match an upper-case key.
    expect(s.deserialize(json('{"Id":2,"NAME":"b"}'))).toEqual([2, null, null]);
    // An exact match wins over a case-insensitive one, wherever it appears.
    expect(s.deserialize(json('{"id":1,"ID":2}'))).toEqual([2, null, null]);
    expect(s.deserialize(json('{"ID":2,"id":1}'))).toEqual([2, null, null]);
  });

  it('matches struct fields case-insensitively too', () => {
    const s = single(structType([{ name: 'F0', type: STRING }, { name: 'F1', type: INT }]));
    expect(s.deserialize(json('{"f0":"bob","f1":1}'))).toEqual([{ F0: 'bob', F1: 1 }]);
  });

  it('is not fooled by field names that Object.prototype has', () => {
    const s = value([
      ['constructor', STRING],
      ['toString', INT],
    ]);
    expect(s.deserialize(json('{}'))).toEqual([null, null]);
    expect(s.deserialize(json('{"toString":3}'))).toEqual([null, 3]);
    expect(text(value([['ST', structType([{ name: 'valueOf', type: INT }])]]).serialize([{}]))).toBe('{"ST":{"valueOf":null}}');
  });
});

describe('JSON single values', () => {
  it('wraps a single value column by default', () => {
    const s = value([['FOO', INT]]);
    expect(text(s.serialize([10]))).toBe('{"FOO":10}');
    expect(s.deserialize(json('{"foo":10}'))).toEqual([10]);
  });

  it('unwraps with WRAP_SINGLE_VALUE=false', () => {
    const s = value([['FOO', arrayType(STRING)]], false);
    expect(text(s.serialize([['a', null]]))).toBe('["a",null]');
    expect(s.deserialize(json('["a",null]'))).toEqual([['a', null]]);
  });

  it('always unwraps a single key column, ignoring the option', () => {
    const k = createSerde('JSON', [{ name: 'K', type: STRING }], { wrapSingleValue: true }, 'key');
    expect(text(k.serialize(['Hey']))).toBe('"Hey"');
    expect(k.deserialize(json('"Hey"'))).toEqual(['Hey']);
  });

  it('writes no bytes for a null single value, and reads JSON null as a null column', () => {
    const s = single(INT);
    expect(s.serialize([null])).toBeNull();
    expect(s.deserialize(json('null'))).toEqual([null]);
  });

  it('wraps multi-column keys in an object', () => {
    const k = createSerde('JSON', [{ name: 'K1', type: STRING }, { name: 'K2', type: INT }], {}, 'key');
    expect(text(k.serialize(['a', 1]))).toBe('{"K1":"a","K2":1}');
    expect(k.deserialize(json('{"k1":"a","k2":1}'))).toEqual(['a', 1]);
  });
});

describe('JSON exact numbers', () => {
  it('keeps BIGINT exact beyond 2^53, in both directions', () => {
    const s = single(BIGINT);
    for (const n of [9223372036854775807n, -9223372036854775808n, 9007199254740993n, 998877665544332200n]) {
      expect(text(s.serialize([n]))).toBe(n.toString());
      expect(s.deserialize(json(n.toString()))).toEqual([n]);
    }
  });

  it('keeps DECIMAL exact and at the column scale', () => {
    const s = single(decimalType(21, 19));
    expect(s.deserialize(json('10.1234512345123451234'))).toEqual([Decimal.parse('10.1234512345123451234')]);
    expect(text(s.serialize([Decimal.parse('10.1234512345123451234')]))).toBe('10.1234512345123451234');
    const d = single(decimalType(6, 4));
    expect(d.deserialize(json('10'))).toEqual([Decimal.of(100000n, 4)]);
    expect(d.deserialize(json('0.1'))).toEqual([Decimal.of(1000n, 4)]);
    expect(d.deserialize(json('"12.5"'))).toEqual([Decimal.of(125000n, 4)]);
    expect(d.deserialize(json('1.2e1'))).toEqual([Decimal.of(120000n, 4)]);
    expect(text(d.serialize([Decimal.parse('1')]))).toBe('1.0000');
  });

  it('rejects decimals that overflow the precision or need rounding', () => {
    const d = single(decimalType(4, 2));
    expect(() => d.deserialize(json('100'))).toThrow(/Numeric field overflow/);
    expect(() => d.deserialize(json('1.234'))).toThrow(/without rounding/);
    expect(() => d.deserialize(json('1e400'))).toThrow(SerdeError);
    expect(() => d.deserialize(json('0.100000000000000001'))).toThrow(/without rounding/);
  });

  it('gives the same answers on the fast and exact paths', () => {
    const s = value([
      ['I', INT],
      ['L', BIGINT],
      ['D', decimalType(30, 2)],
      ['S', STRING],
    ]);
    // The long string forces the exact parser for the second document.
    const fast = s.deserialize(json('{"I":7.9,"L":-12.5,"D":12.5}'));
    const exact = s.deserialize(json('{"I":7.9,"L":-12.5,"D":12.5,"X":"1234567890123456789"}'));
    expect(fast).toEqual([7, -12n, Decimal.of(1250n, 2), null]);
    expect(exact).toEqual(fast);
  });

  it('wraps wide numbers into INT and BIGINT as Java does', () => {
    expect(single(INT).deserialize(json('4294967297'))).toEqual([1]);
    expect(single(INT).deserialize(json('-2147483649'))).toEqual([2147483647]);
    expect(single(BIGINT).deserialize(json('18446744073709551617'))).toEqual([1n]);
    expect(single(BIGINT).deserialize(json('9.5e18'))).toEqual([-8946744073709551616n]);
  });
});

describe('JSON coercions (ksqlDB KsqlJsonDeserializer)', () => {
  it('reads numeric strings into numeric columns', () => {
    expect(single(INT).deserialize(json('"10"'))).toEqual([10]);
    expect(single(BIGINT).deserialize(json('"-9223372036854775808"'))).toEqual([-9223372036854775808n]);
    expect(single(DOUBLE).deserialize(json('"1e3"'))).toEqual([1000]);
    expect(single(DATE).deserialize(json('"5"'))).toEqual([5]);
    expect(single(TIMESTAMP).deserialize(json('"1700000000000"'))).toEqual([1700000000000]);
  });

  it('reads any scalar into STRING the way Jackson prints it', () => {
    const s = single(STRING);
    expect(s.deserialize(json('10'))).toEqual(['10']);
    expect(s.deserialize(json('-0'))).toEqual(['0']);
    expect(s.deserialize(json('12.50'))).toEqual(['12.50']);
    expect(s.deserialize(json('1e3'))).toEqual(['1E+3']);
    expect(s.deserialize(json('true'))).toEqual(['true']);
    expect(s.deserialize(json('99999999999999999999'))).toEqual(['99999999999999999999']);
  });

  it('reads objects into STRING as compact JSON and arrays as a list', () => {
    const s = single(STRING);
    expect(s.deserialize(json('{"a": 1.0, "b": [ "x" ], "c": null}'))).toEqual(['{"a":1.0,"b":["x"],"c":null}']);
    expect(s.deserialize(json('[1, "a", null, [2, 3], {"k": true}]'))).toEqual(['[1, a, null, [2, 3], {"k":true}]']);
  });

  it('coerces array elements and map values', () => {
    expect(single(arrayType(STRING)).deserialize(json('[1, 2, 3]'))).toEqual([['1', '2', '3']]);
    expect(single(mapType(STRING, INT)).deserialize(json('{"a": 1, "b": "2", "c": null}'))).toEqual([
      new Map<string, number | null>([
        ['a', 1],
        ['b', 2],
        ['c', null],
      ]),
    ]);
  });

  it('reads BYTES from base64, TIME from milliseconds in a day', () => {
    expect(single(BYTES).deserialize(json('"dmFyaWF0aW9ucw=="'))).toEqual([Buffer.from('variations')]);
    expect(single(TIME).deserialize(json('5000'))).toEqual([5000]);
    expect(() => single(TIME).deserialize(json('86400000'))).toThrow(SerdeError);
    expect(() => single(BYTES).deserialize(json('"not base64!"'))).toThrow(/Base64/);
  });

  it.each<[SqlType, string]>([
    [BOOLEAN, '1'],
    [BOOLEAN, '"true"'],
    [INT, '"1.5"'],
    [INT, '{}'],
    [INT, 'true'],
    [BIGINT, '[1]'],
    [DOUBLE, '"abc"'],
    [decimalType(4, 2), 'false'],
    [BYTES, '12'],
    [arrayType(INT), '{}'],
    [mapType(STRING, INT), '[]'],
    [structType([{ name: 'A', type: INT }]), '"x"'],
    [DATE, '"2020-01-01"'],
  ])('rejects a mismatch (%j from %s) with a SerdeError', (type, body) => {
    expect(() => single(type).deserialize(json(body))).toThrow(SerdeError);
  });

  it('names the path to a bad value, as ksqlDB does', () => {
    const s = value([['A', arrayType(structType([{ name: 'B', type: mapType(STRING, INT) }]))]]);
    expect(() => s.deserialize(json('{"A":[{"B":{}}, {"B":{"x":"y"}}]}'))).toThrow(
      "Can't coerce string to type. targetType: INTEGER, path: $.A[1].B.x.value",
    );
    expect(() => value([['A', INT]]).deserialize(json('[1]'))).toThrow(
      "Can't convert type. sourceType: ArrayNode, requiredType: STRUCT<A INTEGER>, path: $",
    );
  });

  it('reports malformed JSON as a SerdeError', () => {
    const s = value([['A', INT]]);
    for (const bad of ['', '{', '{"A":1}x', '{"A":01}', '\u0000', '{"A":"12345678901234567890']) {
      expect(() => s.deserialize(json(bad)), bad).toThrow(SerdeError);
    }
  });

  it('refuses to write a value of the wrong type', () => {
    expect(() => single(INT).serialize(['1'])).toThrow(SerdeError);
    expect(() => single(decimalType(4, 2)).serialize([1.5])).toThrow(SerdeError);
    expect(() => value([['A', INT]]).serialize([1, 2])).toThrow(SerdeError);
  });

  it('writes DOUBLE as Java prints it, non-finite values as strings it reads back', () => {
    const s = single(DOUBLE);
    expect(text(s.serialize([1e21]))).toBe('1.0E21');
    expect(text(s.serialize([NaN]))).toBe('"NaN"');
    expect(s.deserialize(s.serialize([-Infinity]))).toEqual([-Infinity]);
  });
});

describe('hasLongDigitRun', () => {
  it('agrees with /[0-9.]{16}/ on generated texts', () => {
    const alphabet = '0123456789.,"a ';
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let t = 0; t < 5000; t++) {
      let s = '';
      const len = rand(80);
      // Bias toward digits so that long runs actually occur.
      for (let i = 0; i < len; i++) s += rand(3) === 0 ? alphabet[rand(alphabet.length)] : alphabet[rand(11)];
      expect(hasLongDigitRun(s), s).toBe(/[0-9.]{16}/.test(s));
    }
  });
});
