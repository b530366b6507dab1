// String functions, with ksqlDB's semantics. Java strings are UTF-16 like JavaScript's, so
// lengths and positions agree without translation.

import { createHash, randomUUID } from 'node:crypto';
import type { FunctionDef } from '../../planner/functions.js';
import { BYTES, INT, STRING, arrayType, mapType } from '../../planner/types.js';
import { bytesToText, decodeHex, parseEncoding, textToBytes } from './codec.js';
import { Category, lenient, scalar, strict } from './define.js';
import { P_BYTES, P_INT, P_STRING } from './params.js';
import { javaRegex, javaReplacement, javaSplit } from './regex.js';

// ---------------------------------------------------------------- substrings and padding

/** SUBSTRING's start index: 1-based, negative counts from the end, clamped into the string. */
function startIndex(length: number, pos: number): number {
  return pos < 0 ? Math.max(length + pos, 0) : Math.max(Math.min(pos - 1, length), 0);
}

function substring(len: number, pos: number, count?: number): [number, number] {
  const start = startIndex(len, pos);
  if (count === undefined) return [start, len];
  return [start, Math.max(Math.min(start + count, len), start)];
}

/** LPAD/RPAD: null for a negative length or empty padding; truncates when already long enough. */
function pad<T extends string | Buffer>(input: T, len: number, padding: T, left: boolean): T | null {
  if (len < 0 || padding.length === 0) return null;
  if (typeof input === 'string') {
    const s = input as string;
    if (len <= s.length) return s.slice(0, len) as T;
    const fill = (padding as string).repeat(Math.ceil((len - s.length) / padding.length)).slice(0, len - s.length);
    return (left ? fill + s : s + fill) as T;
  }
  const b = input as Buffer;
  if (len <= b.length) return Buffer.from(b.subarray(0, len)) as T;
  const fill = Buffer.alloc(len - b.length);
  for (let i = 0; i < fill.length; i++) fill[i] = (padding as Buffer)[i % padding.length]!;
  return (left ? Buffer.concat([fill, b]) : Buffer.concat([b, fill])) as T;
}

// ---------------------------------------------------------------- trimming and case

/** Java's String.trim(): strips every character up to and including U+0020. */
const isTrimmed = (c: number) => c <= 0x20;
function ltrim(s: string): string {
  let i = 0;
  while (i < s.length && isTrimmed(s.charCodeAt(i))) i++;
  return s.slice(i);
}
function rtrim(s: string): string {
  let j = s.length;
  while (j > 0 && isTrimmed(s.charCodeAt(j - 1))) j--;
  return s.slice(0, j);
}

/** WordUtils.capitalizeFully: lower-case everything, upper-case the first letter after whitespace. */
function initcap(s: string): string {
  let out = '';
  let atStart = true;
  for (const ch of s) {
    if (/\s/.test(ch)) {
      atStart = true;
      out += ch;
    } else {
      out += atStart ? ch.toUpperCase() : ch.toLowerCase();
      atStart = false;
    }
  }
  return out;
}

// ---------------------------------------------------------------- INSTR

/** StringUtils.ordinalIndexOf: the index of the n-th (overlapping) occurrence, or -1. */
function ordinalIndexOf(s: string, sub: string, n: number): number {
  if (n <= 0) return -1;
  if (sub.length === 0) return 0;
  let idx = -1;
  for (let found = 0; found < n; found++) {
    idx = s.indexOf(sub, idx + 1);
    if (idx < 0) return -1;
  }
  return idx;
}

/** commons-lang substring(str, start): a negative start counts from the end. */
function commonsSubstring(s: string, start: number): string {
  return s.slice(start < 0 ? Math.max(s.length + start, 0) : start);
}

function reverse(s: string): string {
  return Array.from(s).reverse().join('');
}

function instr(str: string | null, sub: string | null, position = 1, occurrence = 1): number {
  if (str === null || sub === null) return 0;
  if (Math.abs(position) > str.length) return 0;
  if (position < 0) {
    const rs = reverse(str);
    const i = ordinalIndexOf(commonsSubstring(rs, -position - 1), reverse(sub), occurrence);
    // The match starts at reversed index i - position - 1; map its far end back to the original.
    return i < 0 ? 0 : str.length + position - i - sub.length + 2;
  }
  const i = ordinalIndexOf(commonsSubstring(str, position - 1), sub, occurrence);
  return i < 0 ? 0 : i + position;
}

// ---------------------------------------------------------------- MASK family

const NO_MASK = -1;
const DEFAULT_MASKS = { upper: 0x58 /* X */, lower: 0x78 /* x */, digit: 0x6e /* n */, other: 0x2d /* - */ };
type Masks = typeof DEFAULT_MASKS;

function maskChar(mask: string | null): number {
  if (mask === null) return NO_MASK;
  if (mask.length !== 1) throw new RangeError(`Invalid mask character. Must be only single character, but was '${mask}'`);
  return mask.codePointAt(0)!;
}

function customMasks(upper: string | null, lower: string | null, digit: string | null, other: string | null): Masks {
  return { upper: maskChar(upper), lower: maskChar(lower), digit: maskChar(digit), other: maskChar(other) };
}

const UPPER_RE = /^\p{Lu}$/u;
const LOWER_RE = /^\p{Ll}$/u;
const DIGIT_RE = /^\p{Nd}$/u;

/** ksqlDB's Masker walks UTF-16 units, so a surrogate pair masks as two characters. */
function maskString(s: string, masks: Masks): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const m = UPPER_RE.test(ch)
      ? masks.upper
      : LOWER_RE.test(ch)
        ? masks.lower
        : DIGIT_RE.test(ch)
          ? masks.digit
          : masks.other;
    out += String.fromCodePoint(m === NO_MASK ? cp : m);
  }
  return out;
}

function checkCount(fn: string, n: number): void {
  if (n < 0) throw new RangeError(`function ${fn} requires a non-negative number of characters to mask or skip`);
}

type MaskPart = (s: string, n: number, masks: Masks) => string;
const keepLeft: MaskPart = (s, n, m) => s.slice(0, Math.min(n, s.length)) + maskString(s.slice(Math.min(n, s.length)), m);
const keepRight: MaskPart = (s, n, m) => {
  const cut = Math.max(s.length - n, 0);
  return maskString(s.slice(0, cut), m) + s.slice(cut);
};
const maskLeft: MaskPart = (s, n, m) => maskString(s.slice(0, Math.min(n, s.length)), m) + s.slice(Math.min(n, s.length));
const maskRight: MaskPart = (s, n, m) => {
  const cut = Math.max(s.length - n, 0);
  return s.slice(0, cut) + maskString(s.slice(cut), m);
};

function maskFunction(name: string, description: string, part: MaskPart): FunctionDef {
  const run = (s: string | null, n: number | null, masks: Masks) => {
    if (n === null) return null;
    checkCount(name, n);
    return s === null ? null : part(s, n, masks);
  };
  return scalar(name, Category.STRING, description, [
    lenient([P_STRING, P_INT], STRING, (s, n) => run(s, n, DEFAULT_MASKS)),
    lenient([P_STRING, P_INT, P_STRING, P_STRING, P_STRING, P_STRING], STRING, (s, n, u, l, d, o) =>
      run(s, n, customMasks(u, l, d, o)),
    ),
  ]);
}

// ---------------------------------------------------------------- CHR

function chrFromCode(code: number): string | null {
  if (code < 0 || code > 0x10ffff) return null;
  return String.fromCodePoint(code);
}

/** `\u004b` (and surrogate pairs `\ud820\udeb8`): Java's unicode escapes, else null. */
function chrFromEscape(text: string): string | null {
  if (text.length < 6 || !text.startsWith('\\u')) return null;
  if (!/^(\\u[0-9a-fA-F]{4})+$/.test(text)) return null;
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

// ---------------------------------------------------------------- ENCODE

/** Strips `0x` (left-padding an odd digit count) and `X'…'` around hex, as ksqlDB does. */
function hexStrip(s: string): string {
  if (s.startsWith('0x')) return s.length % 2 !== 0 ? '0' + s.slice(2) : s.slice(2);
  if (/^[xX]'.*'$/s.test(s)) return s.slice(2, -1);
  return s;
}

function encode(str: string, inEnc: string, outEnc: string): string {
  const from = inEnc.toLowerCase();
  const to = outEnc.toLowerCase();
  const known = ['hex', 'utf8', 'ascii', 'base64'];
  if (!known.includes(from) || !known.includes(to) || from === to) {
    throw new RangeError('Supported input and output encodings are: hex, utf8, ascii and base64');
  }
  const bytes = from === 'hex' ? decodeHex(hexStrip(str)) : textToBytes(str, parseEncoding(from));
  return bytesToText(bytes, parseEncoding(to));
}

// ---------------------------------------------------------------- SPLIT, SPLIT_TO_MAP

function splitString(s: string, delim: string): string[] {
  if (delim === '') return s === '' ? [''] : Array.from(s);
  return s.split(delim);
}

function splitBytes(b: Buffer, delim: Buffer): Buffer[] {
  if (delim.length === 0) return b.length === 0 ? [Buffer.alloc(0)] : [...b].map((x) => Buffer.from([x]));
  const out: Buffer[] = [];
  let last = 0;
  for (let i = b.indexOf(delim); i >= 0; i = b.indexOf(delim, last)) {
    out.push(Buffer.from(b.subarray(last, i)));
    last = i + delim.length;
  }
  out.push(Buffer.from(b.subarray(last)));
  return out;
}

function splitToMap(input: string, entryDelim: string, kvDelim: string): Map<string, string> | null {
  if (entryDelim === '' || kvDelim === '') return null;
  const out = new Map<string, string>();
  for (const entry of input.split(entryDelim)) {
    if (entry === '') continue;
    const parts = entry.split(kvDelim);
    if (parts.length >= 2) out.set(parts[0]!, parts[1]!);
  }
  return out;
}

// ---------------------------------------------------------------- the catalogue

const bytesConcat = (parts: (Buffer | null)[]) => Buffer.concat(parts.filter((p): p is Buffer => p !== null));

export const stringFunctions: readonly FunctionDef[] = [
  scalar('CONCAT', Category.STRING, 'Concatenates two or more STRING or BYTES values; NULL arguments are skipped.', [
    lenient([P_STRING], STRING, (...xs: (string | null)[]) => xs.filter((x) => x !== null).join(''), { variadic: true }),
    lenient([P_BYTES], BYTES, (...xs: (Buffer | null)[]) => bytesConcat(xs), { variadic: true }),
  ]),
  scalar(
    'CONCAT_WS',
    Category.STRING,
    'Concatenates values with a separator between them; NULL values are skipped, a NULL separator gives NULL.',
    [
      lenient(
        [P_STRING, P_STRING],
        STRING,
        (sep: string | null, ...xs: (string | null)[]) => (sep === null ? null : xs.filter((x) => x !== null).join(sep)),
        { variadic: true },
      ),
      lenient(
        [P_BYTES, P_BYTES],
        BYTES,
        (sep: Buffer | null, ...xs: (Buffer | null)[]) => {
          if (sep === null) return null;
          const parts = xs.filter((x): x is Buffer => x !== null);
          return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [sep, p])));
        },
        { variadic: true },
      ),
    ],
  ),
  scalar('UCASE', Category.STRING, 'Converts a string to upper case.', [strict([P_STRING], STRING, (s: string) => s.toUpperCase())]),
  scalar('UPPER', Category.STRING, 'Converts a string to upper case (synonym of UCASE).', [
    strict([P_STRING], STRING, (s: string) => s.toUpperCase()),
  ]),
  scalar('LCASE', Category.STRING, 'Converts a string to lower case.', [strict([P_STRING], STRING, (s: string) => s.toLowerCase())]),
  scalar('LOWER', Category.STRING, 'Converts a string to lower case (synonym of LCASE).', [
    strict([P_STRING], STRING, (s: string) => s.toLowerCase()),
  ]),
  scalar('TRIM', Category.STRING, 'Removes leading and trailing whitespace (characters up to U+0020).', [
    strict([P_STRING], STRING, (s: string) => rtrim(ltrim(s))),
  ]),
  scalar('LTRIM', Category.STRING, 'Removes leading whitespace.', [strict([P_STRING], STRING, ltrim)]),
  scalar('RTRIM', Category.STRING, 'Removes trailing whitespace.', [strict([P_STRING], STRING, rtrim)]),
  scalar('LEN', Category.STRING, 'The length of a STRING (in UTF-16 units) or BYTES value.', [
    strict([P_STRING], INT, (s: string) => s.length),
    strict([P_BYTES], INT, (b: Buffer) => b.length),
  ]),
  scalar('LENGTH', Category.STRING, 'The length of a STRING or BYTES value (synonym of LEN).', [
    strict([P_STRING], INT, (s: string) => s.length),
    strict([P_BYTES], INT, (b: Buffer) => b.length),
  ]),
  scalar(
    'SUBSTRING',
    Category.STRING,
    'Returns the part of a STRING or BYTES value from a 1-based position (negative counts from the end), optionally of a given length.',
    [
      strict([P_STRING, P_INT], STRING, (s: string, pos: number) => s.slice(...substring(s.length, pos))),
      strict([P_STRING, P_INT, P_INT], STRING, (s: string, pos: number, n: number) => s.slice(...substring(s.length, pos, n))),
      strict([P_BYTES, P_INT], BYTES, (b: Buffer, pos: number) => Buffer.from(b.subarray(...substring(b.length, pos)))),
      strict([P_BYTES, P_INT, P_INT], BYTES, (b: Buffer, pos: number, n: number) =>
        Buffer.from(b.subarray(...substring(b.length, pos, n))),
      ),
    ],
  ),
  scalar('REPLACE', Category.STRING, 'Replaces every occurrence of a substring with another string.', [
    strict([P_STRING, P_STRING, P_STRING], STRING, (s: string, old: string, rep: string) => s.replaceAll(old, rep)),
  ]),
  scalar(
    'REGEXP_REPLACE',
    Category.STRING,
    'Replaces every match of a Java regular expression; the replacement may refer to groups as $1.',
    [
      strict([P_STRING, P_STRING, P_STRING], STRING, (s: string, re: string, rep: string) =>
        s.replace(javaRegex(re), javaReplacement(rep)),
      ),
    ],
  ),
  scalar(
    'REGEXP_EXTRACT',
    Category.STRING,
    'Returns the first substring matching a regular expression (or the given capture group), or NULL.',
    [
      strict([P_STRING, P_STRING], STRING, (re: string, s: string) => javaRegex(re).exec(s)?.[0] ?? null),
      strict([P_STRING, P_STRING, P_INT], STRING, (re: string, s: string, g: number) => javaRegex(re).exec(s)?.[g] ?? null),
    ],
  ),
  scalar(
    'REGEXP_EXTRACT_ALL',
    Category.STRING,
    'Returns every substring matching a regular expression (or the given capture group of each match).',
    [
      strict([P_STRING, P_STRING], arrayType(STRING), (re: string, s: string) => [...s.matchAll(javaRegex(re))].map((m) => m[0])),
      strict([P_STRING, P_STRING, P_INT], arrayType(STRING), (re: string, s: string, g: number) =>
        [...s.matchAll(javaRegex(re))].map((m) => m[g] ?? null),
      ),
    ],
  ),
  scalar(
    'REGEXP_SPLIT_TO_ARRAY',
    Category.STRING,
    'Splits a string around matches of a regular expression, keeping empty pieces.',
    [strict([P_STRING, P_STRING], arrayType(STRING), (s: string, re: string) => javaSplit(s, javaRegex(re)))],
  ),
  scalar(
    'SPLIT',
    Category.STRING,
    'Splits a STRING or BYTES value around a delimiter, keeping empty pieces; an empty delimiter splits into characters.',
    [
      strict([P_STRING, P_STRING], arrayType(STRING), splitString),
      strict([P_BYTES, P_BYTES], arrayType(BYTES), splitBytes),
    ],
  ),
  scalar(
    'SPLIT_TO_MAP',
    Category.STRING,
    'Splits a string into key-value pairs: entries by one delimiter, key from value by another.',
    [strict([P_STRING, P_STRING, P_STRING], mapType(STRING, STRING), splitToMap)],
  ),
  scalar(
    'INSTR',
    Category.STRING,
    'The 1-based position of a substring, searching from a position (backwards when negative) for its n-th occurrence; 0 when absent.',
    [
      lenient([P_STRING, P_STRING], INT, (s, sub) => instr(s, sub)),
      lenient([P_STRING, P_STRING, P_INT], INT, (s, sub, pos) => (pos === null ? null : instr(s, sub, pos))),
      lenient([P_STRING, P_STRING, P_INT, P_INT], INT, (s, sub, pos, occ) =>
        pos === null || occ === null ? null : instr(s, sub, pos, occ),
      ),
    ],
  ),
  scalar('INITCAP', Category.STRING, 'Capitalises the first letter of each word and lower-cases the rest.', [
    strict([P_STRING], STRING, initcap),
  ]),
  scalar('LPAD', Category.STRING, 'Pads a STRING or BYTES value on the left to the given length (truncating if longer).', [
    strict([P_STRING, P_INT, P_STRING], STRING, (s: string, n: number, p: string) => pad(s, n, p, true)),
    strict([P_BYTES, P_INT, P_BYTES], BYTES, (b: Buffer, n: number, p: Buffer) => pad(b, n, p, true)),
  ]),
  scalar('RPAD', Category.STRING, 'Pads a STRING or BYTES value on the right to the given length (truncating if longer).', [
    strict([P_STRING, P_INT, P_STRING], STRING, (s: string, n: number, p: string) => pad(s, n, p, false)),
    strict([P_BYTES, P_INT, P_BYTES], BYTES, (b: Buffer, n: number, p: Buffer) => pad(b, n, p, false)),
  ]),
  scalar(
    'MASK',
    Category.STRING,
    "Masks every character: upper case with 'X', lower case with 'x', digits with 'n', others with '-', or with the given characters (NULL leaves that class unmasked).",
    [
      strict([P_STRING], STRING, (s: string) => maskString(s, DEFAULT_MASKS)),
      lenient([P_STRING, P_STRING, P_STRING, P_STRING, P_STRING], STRING, (s, u, l, d, o) =>
        s === null ? null : maskString(s, customMasks(u, l, d, o)),
      ),
    ],
  ),
  maskFunction('MASK_KEEP_LEFT', 'Masks all but the first n characters.', keepLeft),
  maskFunction('MASK_KEEP_RIGHT', 'Masks all but the last n characters.', keepRight),
  maskFunction('MASK_LEFT', 'Masks the first n characters.', maskLeft),
  maskFunction('MASK_RIGHT', 'Masks the last n characters.', maskRight),
  scalar('CHR', Category.STRING, 'The character of a Unicode code point, given as a number or as a \\uXXXX escape.', [
    strict([P_INT], STRING, chrFromCode),
    strict([P_STRING], STRING, chrFromEscape),
  ]),
  scalar('ELT', Category.STRING, 'Returns the n-th (1-based) of the following arguments, or NULL when out of range.', [
    lenient(
      [P_INT, P_STRING],
      STRING,
      (n: number | null, ...xs: (string | null)[]) => (n === null || n < 1 || n > xs.length ? null : xs[n - 1]!),
      { variadic: true },
    ),
  ]),
  scalar('FIELD', Category.STRING, 'The 1-based position of a string among the following arguments, or 0.', [
    lenient(
      [P_STRING, P_STRING],
      INT,
      (s: string | null, ...xs: (string | null)[]) => (s === null ? 0 : xs.indexOf(s) + 1),
      { variadic: true },
    ),
  ]),
  scalar(
    'ENCODE',
    Category.STRING,
    'Converts a string from one encoding to another; the encodings are hex, utf8, ascii and base64.',
    [strict([P_STRING, P_STRING, P_STRING], STRING, encode)],
  ),
  scalar('MD5', Category.STRING, 'The MD5 digest of a string (its UTF-8 bytes), as lower-case hex.', [
    strict([P_STRING], STRING, (s: string) => createHash('md5').update(s, 'utf8').digest('hex')),
  ]),
  scalar('UUID', Category.STRING, 'A random RFC 4122 version 4 UUID, or the UUID that 16 bytes encode.', [
    lenient([], STRING, () => randomUUID()),
    strict([P_BYTES], STRING, (b: Buffer) => {
      if (b.length !== 16) return null;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }),
  ]),
];

