// One CSV record, written and read the way ksqlDB's DELIMITED format does it with Apache
// Commons CSV (CSVFormat.DEFAULT with a custom delimiter, QuoteMode.MINIMAL).
//
// Commons CSV's MINIMAL quoting is more eager than RFC 4180 requires, and ksqlDB's output
// shows it: the first field of a record is quoted unless it starts with an ASCII letter or
// digit (so `-10` is written `"-10"`), any field starting with a char ≤ '#' is quoted, as is
// one containing the delimiter, a quote, CR or LF, or ending in a char ≤ ' '. An empty first
// field is written `""` so that the line is not empty. Quotes inside are doubled. A null field
// is written as nothing.

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** One field as written in a record (null → nothing); `first` is the record's first field. */
export function csvField(value: string | null, first: boolean, delimiter: number): string {
  if (value === null) return '';
  return needsQuotes(value, first, delimiter) ? '"' + value.replaceAll('"', '""') + '"' : value;
}

function needsQuotes(s: string, first: boolean, delimiter: number): boolean {
  const len = s.length;
  if (len === 0) return first;
  const c = s.charCodeAt(0);
  if (first && !isAsciiAlphanumeric(c)) return true;
  if (c <= 0x23) return true;
  for (let i = 0; i < len; i++) {
    const ch = s.charCodeAt(i);
    if (ch === LF || ch === CR || ch === QUOTE || ch === delimiter) return true;
  }
  return s.charCodeAt(len - 1) <= 0x20;
}

function isAsciiAlphanumeric(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * The fields of the first record in `text`, or null when there is none (empty input, or only
 * line breaks: Commons CSV skips empty lines). A quoted field may span lines and holds `""`
 * for a quote; after its closing quote only whitespace may come before the delimiter. A quote
 * anywhere but at the start of a field is an ordinary character. Throws Error when malformed.
 */
export function parseCsvRecord(text: string, delimiter: number): string[] | null {
  const len = text.length;
  let pos = 0;
  while (pos < len && (text.charCodeAt(pos) === LF || text.charCodeAt(pos) === CR)) pos++;
  if (pos >= len) return null;
  const fields: string[] = [];
  for (;;) {
    if (pos < len && text.charCodeAt(pos) === QUOTE) {
      let value = '';
      let from = pos + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error('EOF reached before encapsulated token finished');
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        value += text.slice(from, q);
        pos = q + 1;
        break;
      }
      fields.push(value);
      // Between the closing quote and the delimiter only whitespace is allowed.
      for (;;) {
        if (pos >= len) return fields;
        const c = text.charCodeAt(pos);
        if (c === delimiter) {
          pos++;
          break;
        }
        if (c === LF || c === CR) return fields;
        if (!isWhitespace(c)) throw new Error('invalid char between encapsulated token and delimiter');
        pos++;
      }
      continue;
    }
    let end = pos;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === delimiter || c === LF || c === CR) break;
      end++;
    }
    fields.push(text.slice(pos, end));
    if (end < len && text.charCodeAt(end) === delimiter) {
      pos = end + 1;
      continue;
    }
    return fields;
  }
}

// Character.isWhitespace for the characters a record can hold between fields.
function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || (c >= 0x1c && c <= 0x1f);
}
