// URL functions, with java.net.URI's reading of a URL (components are percent-decoded, except
// by URL_EXTRACT_PARAMETER, which returns the raw value) and URLEncoder's form encoding.

import type { FunctionDef } from '../../planner/functions.js';
import { INT, STRING } from '../../planner/types.js';
import { Category, scalar, strict } from './define.js';
import { P_STRING } from './params.js';

interface Uri {
  readonly scheme: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly path: string | null;
  readonly rawQuery: string | null;
  readonly fragment: string | null;
}

// RFC 3986, appendix B.
const URI_RE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;
const AUTHORITY_RE = /^(?:[^@]*@)?(\[[^\]]*\]|[^:]*)(?::(\d*))?$/;

function parseUri(text: string): Uri {
  if (/[\s"<>\\^`{|}]/.test(text)) throw new URIError(`Illegal character in URL: ${text}`);
  const m = URI_RE.exec(text)!;
  let host: string | null = null;
  let port: number | null = null;
  if (m[2] !== undefined) {
    const a = AUTHORITY_RE.exec(m[2]);
    if (a && a[1]) {
      host = a[1];
      port = a[2] ? Number(a[2]) : null;
    }
  }
  return {
    scheme: m[1] ?? null,
    host,
    port,
    path: m[3] ?? null,
    rawQuery: m[4] ?? null,
    fragment: m[5] ?? null,
  };
}

/** Percent-decoding of a URI component (a '+' stays a '+'). */
function decodeComponent(s: string | null): string | null {
  return s === null ? null : decodeURIComponent(s);
}

/** URLEncoder.encode(s, UTF-8): letters, digits and `.-*_` stay, space becomes '+'. */
function encodeParam(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** URLDecoder.decode(s, UTF-8): '+' is a space. */
function decodeParam(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

function extractParameter(url: string, name: string): string | null {
  const q = parseUri(url).rawQuery;
  if (q === null) return null;
  for (const pair of q.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key === name) return eq < 0 ? null : pair.slice(eq + 1);
  }
  return null;
}

const extractor = (name: string, description: string, get: (u: Uri) => string | null) =>
  scalar(name, Category.URL, description, [strict([P_STRING], STRING, (url: string) => get(parseUri(url)))]);

export const urlFunctions: readonly FunctionDef[] = [
  scalar('URL_ENCODE_PARAM', Category.URL, 'Encodes a string for use as a URL query parameter (application/x-www-form-urlencoded).', [
    strict([P_STRING], STRING, encodeParam),
  ]),
  scalar('URL_DECODE_PARAM', Category.URL, 'Decodes a URL query parameter (application/x-www-form-urlencoded).', [
    strict([P_STRING], STRING, decodeParam),
  ]),
  extractor('URL_EXTRACT_FRAGMENT', 'The fragment of a URL, or NULL.', (u) => decodeComponent(u.fragment)),
  extractor('URL_EXTRACT_HOST', 'The host of a URL, or NULL.', (u) => u.host),
  extractor('URL_EXTRACT_PATH', 'The path of a URL.', (u) => decodeComponent(u.path)),
  extractor('URL_EXTRACT_PROTOCOL', 'The protocol (scheme) of a URL, or NULL.', (u) => u.scheme),
  extractor('URL_EXTRACT_QUERY', 'The query string of a URL, or NULL.', (u) => decodeComponent(u.rawQuery)),
  scalar('URL_EXTRACT_PORT', Category.URL, 'The port of a URL, or NULL when it has none.', [
    strict([P_STRING], INT, (url: string) => parseUri(url).port),
  ]),
  scalar(
    'URL_EXTRACT_PARAMETER',
    Category.URL,
    'The (still encoded) value of the first query parameter with the given name, or NULL.',
    [strict([P_STRING, P_STRING], STRING, extractParameter)],
  ),
];
