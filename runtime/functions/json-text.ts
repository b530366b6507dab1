// A JSON reader and writer that behave like the Jackson setup ksqlDB's JSON functions use:
// numbers keep their exact value (1.23450 stays 1.23450, as BigDecimal), output is compact,
// empty input is "missing" rather than an error, and text after the first value is ignored.

import { Decimal } from '../../planner/values/decimal.js';

/** A JSON number, kept as canonical text so no precision is lost. */
export class JsonNumber {
  constructor(
    readonly text: string,
    readonly isInteger: boolean,
  ) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** Objects keep key order; a repeated key keeps its first position and its last value. */
export type JsonObject = Map<string, JsonValue>;

/** What readTree returns for blank input: no value at all. */
export const MISSING = Symbol('missing');

/** Jackson's plain BigDecimal / BigInteger text for a JSON number literal. */
function canonicalNumber(raw: string): JsonNumber {
  if (/^-?\d+$/.test(raw)) return new JsonNumber(BigInt(raw).toString(), true);
  return new JsonNumber(Decimal.parse(raw).toString(), false);
}

class Reader {
  private pos = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new SyntaxError(`Invalid JSON format: ${what} at position ${this.pos}`);
  }

  skipWs(): void {
    while (this.pos < this.s.length && ' \t\r\n'.includes(this.s[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    this.skipWs();
    return this.pos >= this.s.length;
  }

  value(): JsonValue {
    this.skipWs();
    const c = this.s[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default: {
        const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.pos));
        if (!m) this.fail(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
        this.pos += m[0].length;
        return canonicalNumber(m[0]);
      }
    }
  }

  private word<T>(w: string, v: T): T {
    if (this.s.startsWith(w, this.pos)) {
      this.pos += w.length;
      return v;
    }
    return this.fail(`unrecognized token`);
  }

  private string(): string {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.s.slice(this.pos));
    if (!m) this.fail('malformed string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private array(): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipWs();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  private object(): JsonObject {
    this.pos++;
    const out: JsonObject = new Map();
    this.skipWs();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.s[this.pos] !== '"') this.fail('expected a field name');
      const key = this.string();
      this.skipWs();
      if (this.s[this.pos++] !== ':') this.fail("expected ':'");
      out.set(key, this.value());
      this.skipWs();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }
}

/** Parses the first JSON value of `text`; MISSING for blank text. Throws SyntaxError when malformed. */
export function readJson(text: string): JsonValue | typeof MISSING {
  const r = new Reader(text);
  if (r.atEnd()) return MISSING;
  return r.value();
}

/** Compact JSON text, as Jackson's JsonNode.toString / writeValueAsString. */
export function writeJson(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
  return `{${[...v].map(([k, e]) => `${JSON.stringify(k)}:${writeJson(e)}`).join(',')}}`;
}

export function isJsonObject(v: JsonValue | typeof MISSING): v is JsonObject {
  return v instanceof Map;
}
