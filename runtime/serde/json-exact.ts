// An exact JSON reader and writer. JSON.parse turns every number into a double, which
// silently corrupts BIGINTs above 2^53 and long DECIMALs, and forgets how a number was
// written (`1.10` vs `1.1`, `1E3` vs `1000`), which ksqlDB's coercions can see.
//
// Numbers come back as:
//   number      an integer token that is a safe integer (`42`, `-7`)
//   bigint      any other integer token (`9223372036854775807`)
//   JsonNumber  any token with a fraction or exponent (`1.10`, `1e3`), kept as its text
// Objects are plain objects (a `__proto__` key is an own property, as with JSON.parse).

import { Decimal } from '../../planner/values/decimal.js';
import { encodeBase64, parseDecimalParts, partsToDecimal } from './java-text.js';
import { SerdeError } from './serde.js';

/** A JSON number with a fraction or exponent, exactly as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toNumber(): number {
    return Number(this.text);
  }
  /** Exact, keeping the written scale (`1.10` has scale 2). */
  toDecimal(): Decimal {
    const parts = parseDecimalParts(this.text);
    if (parts === undefined) throw new SerdeError(`number out of range: ${this.text}`);
    return partsToDecimal(parts);
  }
  toString(): string {
    return this.text;
  }
}

export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Parses strict JSON (RFC 8259). Throws SerdeError, with the offset, on malformed text. */
export function parseJsonExact(text: string): JsonValue {
  const p = new Parser(text);
  p.skipWs();
  const v = p.value();
  p.skipWs();
  if (p.pos < text.length) p.fail('unexpected trailing content');
  return v;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new SerdeError(`Malformed JSON at offset ${this.pos}: ${what}`);
  }

  skipWs(): void {
    const s = this.s;
    let i = this.pos;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.pos = i;
  }

  value(): JsonValue {
    const c = this.s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        return this.array();
      case QUOTE:
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
    }
  }

  private literal<T extends JsonValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail(`expected ${word}`);
    this.pos += word.length;
    return v;
  }

  private number(): JsonValue {
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === MINUS) i++;
    const intStart = i;
    let c = s.charCodeAt(i);
    if (c === ZERO) i++;
    else if (c >= 0x31 && c <= NINE) {
      do i++;
      while ((c = s.charCodeAt(i)) >= ZERO && c <= NINE);
    } else {
      this.pos = i;
      this.fail('invalid number');
    }
    const intDigits = i - intStart;
    let integral = true;
    if (s.charCodeAt(i) === 0x2e) {
      integral = false;
      i++;
      const fracStart = i;
      while ((c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
      if (i === fracStart) {
        this.pos = i;
        this.fail('invalid number');
      }
    }
    c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) {
      integral = false;
      i++;
      c = s.charCodeAt(i);
      if (c === 0x2b || c === MINUS) i++;
      const expStart = i;
      while ((c = s.charCodeAt(i)) >= ZERO && c <= NINE) i++;
      if (i === expStart) {
        this.pos = i;
        this.fail('invalid number');
      }
    }
    this.pos = i;
    const text = s.slice(start, i);
    if (!integral) return new JsonNumber(text);
    if (intDigits <= 16) {
      const n = Number(text);
      // A decimal integer up to 2^53-1 converts exactly; anything that lands on a safe
      // integer therefore was that integer.
      if (Number.isSafeInteger(n)) return n;
    }
    return BigInt(text);
  }

  string(): string {
    const s = this.s;
    const start = this.pos + 1;
    let i = start;
    // Fast path: no escapes, just slice.
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return s.slice(start, i);
      }
      if (c === BACKSLASH) break;
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = i;
        this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      }
      i++;
    }
    let out = s.slice(start, i);
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return out;
      }
      if (c === BACKSLASH) {
        const e = s.charCodeAt(i + 1);
        i += 2;
        switch (e) {
          case QUOTE: out += '"'; break;
          case BACKSLASH: out += '\\'; break;
          case 0x2f: out += '/'; break;
          case 0x62: out += '\b'; break;
          case 0x66: out += '\f'; break;
          case 0x6e: out += '\n'; break;
          case 0x72: out += '\r'; break;
          case 0x74: out += '\t'; break;
          case 0x75: {
            const hex = s.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = i;
              this.fail('invalid \\u escape');
            }
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.pos = i - 1;
            this.fail('invalid escape');
        }
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = i;
        this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      }
      // Copy the run up to the next quote or backslash in one go.
      let j = i + 1;
      for (;;) {
        const d = s.charCodeAt(j);
        if (d === QUOTE || d === BACKSLASH || d < 0x20 || Number.isNaN(d)) break;
        j++;
      }
      out += s.slice(i, j);
      i = j;
    }
  }

  private array(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value());
      this.skipWs();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  private object(): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== QUOTE) this.fail('expected a field name');
      const key = this.string();
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.skipWs();
      const v = this.value();
      // Plain assignment of "__proto__" would replace the prototype instead.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.skipWs();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }
}

/**
 * Compact JSON text of a value, exact for every runtime representation: bigint and Decimal
 * as plain numbers (`1.10`), JsonNumber as written, Buffer as base64, Map as an object.
 * Like JSON.stringify, undefined object fields are left out and non-finite doubles are null.
 */
export function stringifyJsonExact(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      return value === null ? 'null' : stringifyObject(value);
    default:
      throw new SerdeError(`cannot write a ${typeof value} as JSON`);
  }
}

function stringifyObject(value: object): string {
  if (value instanceof JsonNumber) return value.text;
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Uint8Array) return '"' + encodeBase64(value) + '"';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + stringifyJsonExact(value[i]);
    return out + ']';
  }
  let out = '{';
  let first = true;
  const entries: Iterable<[unknown, unknown]> =
    value instanceof Map ? value.entries() : Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(String(k)) + ':' + stringifyJsonExact(v);
    first = false;
  }
  return out + '}';
}
