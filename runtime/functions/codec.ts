// Text ⇄ bytes conversions with Java's charset behaviour, for ENCODE, TO_BYTES and FROM_BYTES.
// Node's 'ascii' decoding masks the high bit instead of replacing the byte, and its 'ascii'
// encoding keeps the low byte of any character; Java maps both to replacement characters.

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Java's US_ASCII encoder: one '?' per character (code point) outside 0..127. */
export function encodeAscii(s: string): Buffer {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out.push(c < 128 ? c : 0x3f);
  }
  return Buffer.from(out);
}

/** Java's US_ASCII decoder: U+FFFD for every byte above 127. */
export function decodeAscii(b: Buffer): string {
  let s = '';
  for (const byte of b) s += byte < 128 ? String.fromCharCode(byte) : '\uFFFD';
  return s;
}

/** Strict hex decoding (commons-codec): an odd length or a non-hex digit is an error. */
export function decodeHex(s: string): Buffer {
  if (s.length % 2 !== 0) throw new RangeError(`Odd number of characters in hex string '${s}'`);
  if (!HEX_RE.test(s)) throw new RangeError(`Illegal hexadecimal character in '${s}'`);
  return Buffer.from(s, 'hex');
}

export type Encoding = 'hex' | 'utf8' | 'ascii' | 'base64';

/** Accepts the encoding names ksqlDB does, in any case. */
export function parseEncoding(name: string): Encoding {
  const n = name.toLowerCase();
  if (n === 'hex' || n === 'utf8' || n === 'ascii' || n === 'base64') return n;
  throw new RangeError(`Supported encodings are: hex, utf8, ascii and base64 (got '${name}')`);
}

export function textToBytes(s: string, enc: Encoding): Buffer {
  switch (enc) {
    case 'hex':
      return decodeHex(s);
    case 'utf8':
      return Buffer.from(s, 'utf8');
    case 'ascii':
      return encodeAscii(s);
    case 'base64':
      return Buffer.from(s, 'base64');
  }
}

export function bytesToText(b: Buffer, enc: Encoding, upperHex = false): string {
  switch (enc) {
    case 'hex': {
      const h = b.toString('hex');
      return upperHex ? h.toUpperCase() : h;
    }
    case 'utf8':
      return b.toString('utf8');
    case 'ascii':
      return decodeAscii(b);
    case 'base64':
      return b.toString('base64');
  }
}
