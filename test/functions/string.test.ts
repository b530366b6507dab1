import { describe, expect, it } from 'vitest';
import { BYTES, INT, STRING, arrayType, mapType } from '../../planner/types.js';
import { NULL, call, col, lit, run, type Arg } from './harness.js';

const s = (v: string | null) => col(STRING, v);
const n = (v: number | null) => lit(INT, v);
const b = (base64: string | null) => col(BYTES, base64 === null ? null : Buffer.from(base64, 'base64'));
const b64 = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v);

type Case = readonly [string, readonly Arg[], unknown];

function table(cases: readonly Case[]) {
  it.each(cases.map(([fn, args, want]) => ({ fn, args, want, label: `${fn}(${args.map((a) => (a.kind === 'value' ? String(a.value) : a.kind)).join(', ')})` })))(
    '$label',
    ({ fn, args, want }) => {
      expect(b64(run(fn, ...args))).toEqual(want);
    },
  );
}

describe('case, trimming and length', () => {
  table([
    ['UCASE', [s('MiXeD')], 'MIXED'],
    ['LCASE', [s('MiXeD')], 'mixed'],
    ['UPPER', [s('abc')], 'ABC'],
    ['LOWER', [s('ABC')], 'abc'],
    ['UCASE', [s(null)], null],
    ['TRIM', [s(' \t with white space \t')], 'with white space'],
    ['LTRIM', [s('  x  ')], 'x  '],
    ['RTRIM', [s('  x  ')], '  x'],
    ['LEN', [s('ABC')], 3],
    ['LEN', [s('')], 0],
    ['LEN', [s('😀')], 2],
    ['LEN', [b('YWJj')], 3],
    ['LENGTH', [s('four')], 4],
    ['INITCAP', [s('the   Quick br0wn fOx')], 'The   Quick Br0wn Fox'],
    ['INITCAP', [s('some_string')], 'Some_string'],
  ]);
});

describe('SUBSTRING', () => {
  table([
    ['SUBSTRING', [s('some_string'), n(6)], 'string'],
    ['SUBSTRING', [s('short'), n(6)], ''],
    ['SUBSTRING', [s('some_string'), n(6), n(3)], 'str'],
    ['SUBSTRING', [s('another'), n(6), n(3)], 'er'],
    ['SUBSTRING', [s('long enough'), n(2), n(5)], 'ong e'],
    ['SUBSTRING', [s('hello'), n(-3)], 'llo'],
    ['SUBSTRING', [s('hello'), n(-10), n(2)], 'he'],
    ['SUBSTRING', [s('hello'), n(0), n(2)], 'he'],
    ['SUBSTRING', [s('hello'), n(2), n(-1)], ''],
    ['SUBSTRING', [s(null), n(1)], null],
    ['SUBSTRING', [s('x'), NULL], null],
    ['SUBSTRING', [b('c29tZV9zdHJpbmc='), n(6)], 'c3RyaW5n'],
    ['SUBSTRING', [b('c29tZV9zdHJpbmc='), n(6), n(3)], Buffer.from('str').toString('base64')],
  ]);
});

describe('concatenation', () => {
  table([
    ['CONCAT', [s('a'), NULL, s('b')], 'ab'],
    ['CONCAT', [lit(STRING, '"'), s('\\foo"'), lit(STRING, '\\')], '"\\foo"\\'],
    ['CONCAT', [b('eWVz'), NULL, b('bm8=')], 'eWVzbm8='],
    ['CONCAT_WS', [s('-'), s('a'), s(null), s('b'), lit(STRING, 'c')], 'a-b-c'],
    ['CONCAT_WS', [s('-'), s(null), s(null)], ''],
    ['CONCAT_WS', [s(null), s('a'), s('b')], null],
    ['CONCAT_WS', [b('YQ=='), b('Yg=='), b('eWVz'), b('bm8=')], 'YmF5ZXNhbm8='],
    ['CONCAT_WS', [b('YQ=='), b(null), b(null)], ''],
  ]);
});

describe('search and replace', () => {
  table([
    ['INSTR', [s('corporate floor'), lit(STRING, 'or')], 2],
    ['INSTR', [s('should I stay or should I go'), lit(STRING, 'or')], 15],
    ['INSTR', [s('no substring'), lit(STRING, 'or')], 0],
    ['INSTR', [s('corporate floor'), lit(STRING, 'or'), n(4)], 5],
    ['INSTR', [s('corporate floor'), lit(STRING, 'or'), n(4), n(2)], 14],
    ['INSTR', [s('corporate floor'), lit(STRING, 'or'), n(-4), n(2)], 2],
    ['INSTR', [s('corporate floor'), lit(STRING, 'flo'), n(-1)], 11],
    ['INSTR', [s('short'), lit(STRING, 'or'), n(4), n(2)], 0],
    ['INSTR', [s('short'), lit(STRING, 'or'), n(-9)], 0],
    ['INSTR', [s(null), lit(STRING, 'or')], 0],
    ['REPLACE', [s('anaconda'), lit(STRING, 'a'), lit(STRING, 'o')], 'onocondo'],
    ['REPLACE', [s('anaconda'), NULL, lit(STRING, 'o')], null],
    ['REPLACE', [s('abc'), lit(STRING, ''), lit(STRING, '-')], '-a-b-c-'],
    ['REGEXP_REPLACE', [s('baababaa'), lit(STRING, '(ab)+'), lit(STRING, 'cat')], 'bacataa'],
    ['REGEXP_REPLACE', [s('baabbabaa'), lit(STRING, '(ab)+'), lit(STRING, 'cat')], 'bacatbcataa'],
    ['REGEXP_REPLACE', [s('john smith'), lit(STRING, '(\\w+) (\\w+)'), lit(STRING, '$2, $1')], 'smith, john'],
    ['REGEXP_REPLACE', [s('a.b'), lit(STRING, '\\.'), lit(STRING, '\\$')], 'a$b'],
    ['REGEXP_REPLACE', [s('ABC abc'), lit(STRING, '(?i)b'), lit(STRING, '_')], 'A_C a_c'],
    ['REGEXP_EXTRACT', [lit(STRING, 'test.'), s('some_test_string')], 'test_'],
    ['REGEXP_EXTRACT', [lit(STRING, 'test.'), s('anothertest')], null],
    ['REGEXP_EXTRACT', [lit(STRING, '(.*) (.*)'), s('steven zhang'), n(2)], 'zhang'],
    ['REGEXP_EXTRACT', [lit(STRING, '(.*) (.*)'), s('agavra'), n(2)], null],
    ['REGEXP_EXTRACT_ALL', [lit(STRING, 'test.'), s('some_test_string_testabab')], ['test_', 'testa']],
    ['REGEXP_EXTRACT_ALL', [lit(STRING, 'test.'), s('nothing')], []],
    ['REGEXP_EXTRACT_ALL', [lit(STRING, '(\\d)(\\w)'), s('1a 2b'), n(2)], ['a', 'b']],
  ]);
});

describe('splitting', () => {
  table([
    ['SPLIT', [s('a.b.c'), lit(STRING, '.')], ['a', 'b', 'c']],
    ['SPLIT', [s('..a..'), lit(STRING, '.')], ['', '', 'a', '', '']],
    ['SPLIT', [s('a$$b.c'), lit(STRING, '$$')], ['a', 'b.c']],
    ['SPLIT', [s('abc'), lit(STRING, '')], ['a', 'b', 'c']],
    ['SPLIT', [s(''), lit(STRING, '')], ['']],
    ['SPLIT', [s(''), lit(STRING, ',')], ['']],
    ['REGEXP_SPLIT_TO_ARRAY', [s('aabcda'), lit(STRING, '(ab|cd)')], ['a', '', 'a']],
    ['REGEXP_SPLIT_TO_ARRAY', [s('zxy'), lit(STRING, '(ab|cd)')], ['zxy']],
    ['REGEXP_SPLIT_TO_ARRAY', [s('a1b2'), lit(STRING, '\\d')], ['a', 'b', '']],
    ['REGEXP_SPLIT_TO_ARRAY', [s('abc'), lit(STRING, '')], ['a', 'b', 'c']],
    ['REGEXP_SPLIT_TO_ARRAY', [s(null), lit(STRING, 'x')], null],
  ]);

  it('splits BYTES around a byte delimiter', () => {
    const parts = run('SPLIT', b(Buffer.from('.a..').toString('base64')), b(Buffer.from('.').toString('base64'))) as Buffer[];
    expect(parts.map((p) => p.toString())).toEqual(['', 'a', '', '']);
    const chars = run('SPLIT', b(Buffer.from('ab').toString('base64')), b('')) as Buffer[];
    expect(chars.map((p) => p.toString())).toEqual(['a', 'b']);
  });

  it('splits into a map, skipping empty entries and entries without a key-value delimiter', () => {
    const m = (input: string | null, e: string | null, kv: string | null) => run('SPLIT_TO_MAP', s(input), s(e), s(kv));
    expect(m('apple:green/banana:yellow//cherry:red/', '/', ':')).toEqual(
      new Map([
        ['apple', 'green'],
        ['banana', 'yellow'],
        ['cherry', 'red'],
      ]),
    );
    expect(m('apple:green/banana:yellow', '&&', ':')).toEqual(new Map([['apple', 'green/banana']]));
    expect(m('a:b', '/', '=')).toEqual(new Map());
    expect(m('', '/', ':')).toEqual(new Map());
    expect(m('a:b', '', ':')).toBeNull();
    expect(m('a:b', '/', null)).toBeNull();
    expect(call('SPLIT_TO_MAP', s('a'), s('/'), s(':')).type).toEqual(mapType(STRING, STRING));
  });
});

describe('padding', () => {
  table([
    ['LPAD', [s('foo'), n(7), s('Bar')], 'BarBfoo'],
    ['LPAD', [s('foo'), n(2), s('Bar')], 'fo'],
    ['LPAD', [s('foo'), n(-1), s('Bar')], null],
    ['LPAD', [s('foo'), n(7), s('')], null],
    ['LPAD', [s(''), n(7), s('Bar')], 'BarBarB'],
    ['LPAD', [s('foo'), NULL, s('Bar')], null],
    ['RPAD', [s('foo'), n(7), s('Bar')], 'fooBarB'],
    ['RPAD', [s('foo'), n(5), s('Bar')], 'fooBa'],
    ['LPAD', [b('eWVz'), n(8), b('bm8=')], 'bm9ub255ZXM='],
    ['LPAD', [b('eWVz'), n(0), b('bm8=')], ''],
    ['LPAD', [b('eWVz'), n(3), b('')], null],
    ['RPAD', [b('eWVz'), n(8), b('bm8=')], 'eWVzbm9ub24='],
    ['RPAD', [b('eWVz'), n(2), b('bm8=')], 'eWU='],
  ]);
});

describe('masking', () => {
  table([
    ['MASK', [s('Hello-World 12')], 'Xxxxx-Xxxxx-nn'],
    ['MASK', [s('AbC-12'), s('U'), s('l'), s('#'), s('*')], 'UlU*##'],
    ['MASK', [s('AbC-12'), s(null), s('l'), s(null), s(null)], 'AlC-12'],
    ['MASK_KEEP_LEFT', [s('Hello'), n(2)], 'Hexxx'],
    ['MASK_KEEP_LEFT', [s('Hi'), n(5)], 'Hi'],
    ['MASK_KEEP_RIGHT', [s('Hello'), n(2)], 'Xxxlo'],
    ['MASK_LEFT', [s('Hello'), n(2)], 'Xxllo'],
    ['MASK_RIGHT', [s('Hello12'), n(3)], 'Hellxnn'],
    ['MASK_RIGHT', [s('Hello12'), n(3), s('*'), s('*'), s('*'), s('*')], 'Hell***'],
    ['MASK_LEFT', [s(null), n(3)], null],
  ]);

  it('rejects negative counts and multi-character masks', () => {
    expect(() => run('MASK_LEFT', s('abc'), n(-1))).toThrow(/non-negative/);
    expect(() => run('MASK', s('abc'), s('XX'), s(null), s(null), s(null))).toThrow(/single character/);
  });
});

describe('characters, fields and encodings', () => {
  table([
    ['CHR', [n(75)], 'K'],
    ['CHR', [n(22909)], '好'],
    ['CHR', [n(99000)], String.fromCodePoint(99000)],
    ['CHR', [n(-1)], null],
    ['CHR', [s('\\u004b')], 'K'],
    ['CHR', [s('\\ud820\\udeb8')], String.fromCodePoint(99000)],
    ['CHR', [s('75')], null],
    ['CHR', [s('bogus')], null],
    ['ELT', [n(2), s('ignored'), s('x')], 'x'],
    ['ELT', [n(3), s('a'), s('b')], null],
    ['ELT', [n(0), s('a')], null],
    ['ELT', [NULL, s('a')], null],
    ['FIELD', [s('hello'), s('hello'), s('world')], 1],
    ['FIELD', [s('hello'), s('world'), s('hello')], 2],
    ['FIELD', [s('hello'), s(null), s(null)], 0],
    ['FIELD', [s(null), s(null)], 0],
    ['MD5', [s('')], 'd41d8cd98f00b204e9800998ecf8427e'],
    ['MD5', [s(' ')], '7215ee9c7d9dc229d2921a40e899ec5f'],
    ['ENCODE', [s('4578616d706C6521'), s('hex'), s('utf8')], 'Example!'],
    ['ENCODE', [s('0x4578616d706C6521'), s('hex'), s('base64')], 'RXhhbXBsZSE='],
    ['ENCODE', [s("X'4578616d706C6521'"), s('hex'), s('ascii')], 'Example!'],
    ['ENCODE', [s('0x578616d706C6521'), s('hex'), s('ascii')], '\u0005xample!'],
    ['ENCODE', [s('x\'\''), s('hex'), s('utf8')], ''],
    ['ENCODE', [s('c39c6265726d656e736368'), s('hex'), s('ascii')], '\uFFFD\uFFFDbermensch'],
    ['ENCODE', [s('Ελλάδα'), s('ascii'), s('hex')], '3f3f3f3f3f3f'],
    ['ENCODE', [s('Ελλάδα'), s('utf8'), s('base64')], 'zpXOu867zqzOtM6x'],
    ['ENCODE', [s('zpXOu867zqzOtM6x'), s('base64'), s('utf8')], 'Ελλάδα'],
    ['ENCODE', [s('Example!'), s('ASCII'), s('HEX')], '4578616d706c6521'],
    ['ENCODE', [s(null), s('hex'), s('utf8')], null],
  ]);

  it('fails on malformed hex and unknown encodings', () => {
    expect(() => run('ENCODE', s('578616d706C6521'), s('hex'), s('ascii'))).toThrow(/Odd number/);
    expect(() => run('ENCODE', s('0x0x'), s('hex'), s('ascii'))).toThrow(/hexadecimal/);
    expect(() => run('ENCODE', s('abc'), s('ebcdic'), s('utf8'))).toThrow(/Supported/);
  });

  it('generates random version 4 UUIDs, or reads one from 16 bytes', () => {
    const a = run('UUID') as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run('UUID')).not.toBe(a);
    const bytes = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    expect(run('UUID', col(BYTES, bytes))).toBe('01234567-89ab-cdef-0123-456789abcdef');
  });

  it('returns arrays of STRING from the splitting functions', () => {
    expect(call('SPLIT', s('a'), s(',')).type).toEqual(arrayType(STRING));
    expect(call('SPLIT', b('YQ=='), b('LA==')).type).toEqual(arrayType(BYTES));
  });
});
