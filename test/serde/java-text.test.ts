import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  javaBigDecimalToString,
  javaDoubleToString,
  parseDecimalParts,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
  partsToBigInt,
  partsToDecimal,
} from '../../runtime/serde/java-text.js';

describe('javaDoubleToString (Double.toString)', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [-2.5, '-2.5'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1.5e-7, '1.5E-7'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [1.2345e21, '1.2345E21'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('%s → %s', (v, text) => {
    expect(javaDoubleToString(v)).toBe(text);
  });
});

describe('BigDecimal text', () => {
  it.each([
    ['1.10', '1.10'],
    ['-0.000001', '-0.000001'],
    ['0.0000001', '1E-7'],
    ['0.00000012', '1.2E-7'],
    ['1e3', '1E+3'],
    ['1.5E3', '1.5E+3'],
    ['12345e-2', '123.45'],
    ['0', '0'],
    ['+7', '7'],
  ])('new BigDecimal(%s).toString() is %s', (text, out) => {
    expect(javaBigDecimalToString(parseDecimalParts(text)!)).toBe(out);
  });

  it('rejects what new BigDecimal(String) rejects, and absurd exponents', () => {
    for (const bad of ['', '.', '1.2.3', ' 1', '1e', 'abc', '1e99999']) expect(parseDecimalParts(bad), bad).toBeUndefined();
  });

  it('truncates toward zero and normalises negative scales', () => {
    expect(partsToBigInt(parseDecimalParts('-12.99')!)).toBe(-12n);
    expect(partsToBigInt(parseDecimalParts('1.5e2')!)).toBe(150n);
    expect(partsToBigInt(parseDecimalParts('1e-9000')!)).toBe(0n);
    expect(partsToDecimal(parseDecimalParts('1.5e2')!).toString()).toBe('150');
    expect(partsToDecimal(parseDecimalParts('.50')!).toString()).toBe('0.50');
  });
});

describe('Java number parsing', () => {
  it('Integer.parseInt is strict and range-checked', () => {
    expect(parseJavaInt('+42')).toBe(42);
    expect(Object.is(parseJavaInt('-0'), 0)).toBe(true);
    expect(parseJavaInt('2147483647')).toBe(2147483647);
    expect(parseJavaInt('2147483648')).toBeUndefined();
    for (const bad of ['', '1.0', ' 1', '0x1', '1e3']) expect(parseJavaInt(bad), bad).toBeUndefined();
  });

  it('Long.parseLong is exact to 64 bits', () => {
    expect(parseJavaLong('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseJavaLong('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseJavaLong('9223372036854775808')).toBeUndefined();
  });

  it('Double.parseDouble trims and knows NaN, Infinity and type suffixes', () => {
    expect(parseJavaDouble(' 1.5 ')).toBe(1.5);
    expect(parseJavaDouble('2d')).toBe(2);
    expect(parseJavaDouble('.5e1F')).toBe(5);
    expect(parseJavaDouble('-Infinity')).toBe(-Infinity);
    expect(parseJavaDouble('NaN')).toBeNaN();
    for (const bad of ['', 'abc', '1..2', 'inf']) expect(parseJavaDouble(bad), bad).toBeUndefined();
  });
});

describe('decodeBase64', () => {
  it('decodes padded and unpadded standard base64', () => {
    expect(decodeBase64('dmFyaWF0aW9ucw==')?.toString()).toBe('variations');
    expect(decodeBase64('dmFyaWF0aW9ucw')?.toString()).toBe('variations');
    expect(decodeBase64('')?.length).toBe(0);
  });
  it('rejects junk that Buffer.from would skip', () => {
    for (const bad of ['ab$c', 'a=bc', 'abcde', 'ab=', '-_==']) expect(decodeBase64(bad), bad).toBeUndefined();
  });
});
