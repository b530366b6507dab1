// What a request's SQL is, before the engine runs it: the endpoints route on it (/ksql
// refuses queries, /query and /query-stream run pull and push queries differently), and a
// query's response needs its source and LIMIT.
//
// Pull queries repeat with different literals (`WHERE id = 1`, `= 2`, …), and parsing each
// one costs more than the engine takes to answer it. Nothing a classification holds depends on
// a literal's value but LIMIT's, so classifications are cached by the statement's shape: its
// text with string and number literals blanked, LIMIT's kept. Text with comments or variables
// (${…}, whose meaning depends on the request's sessionVariables) is parsed every time.

import type { Query, Statement } from '../../grammar/ast.js';
import { parseStatement, splitStatements, substituteVariables, type StatementText } from '../../grammar/index.js';

export type Classified =
  | { readonly kind: 'pull'; readonly query: Query }
  | { readonly kind: 'push'; readonly query: Query }
  | { readonly kind: 'print' }
  | { readonly kind: 'other' }
  /** It doesn't parse: the engine reports the error, with its position. */
  | { readonly kind: 'invalid' };

const CACHE_LIMIT = 1000;
const byShape = new Map<string, Classified>();

export function classify(text: string, variables: Readonly<Record<string, string>>): Classified {
  const key = text.includes('${') ? undefined : shape(text);
  if (key !== undefined) {
    const hit = byShape.get(key);
    if (hit !== undefined) return hit;
  }
  let result: Classified;
  try {
    const sql = key === undefined ? substituteVariables(text, new Map(Object.entries(variables))) : text;
    result = classifyStatement(parseStatement(sql));
  } catch {
    result = { kind: 'invalid' };
  }
  if (key !== undefined) {
    if (byShape.size >= CACHE_LIMIT) byShape.clear();
    byShape.set(key, result);
  }
  return result;
}

function classifyStatement(statement: Statement): Classified {
  if (statement.kind === 'Print') return { kind: 'print' };
  if (statement.kind !== 'QueryStatement') return { kind: 'other' };
  return statement.query.emit === undefined ? { kind: 'pull', query: statement.query } : { kind: 'push', query: statement.query };
}

/**
 * Strings, quoted identifiers, words and numbers, in the order the lexer would see them; a
 * character that fits none (an operator) stands alone.
 */
const TOKEN = /'(?:[^']|'')*'|`(?:[^`]|``)*`|"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_@$]*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\s+|[^]/gy;

/** The text with literals blanked (LIMIT's kept); undefined when it has comments. */
export function shape(text: string): string | undefined {
  if (text.includes('--') || text.includes('/*')) return undefined;
  let out = '';
  let previousWord = '';
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null && m[0] !== ''; m = TOKEN.exec(text)) {
    const t = m[0];
    const literal = t.startsWith("'") || /^\.?\d/.test(t);
    out += literal && previousWord !== 'LIMIT' ? '?' : t;
    if (t.trim() !== '') previousWord = t.toUpperCase();
  }
  return out;
}

const splitCache = new Map<string, readonly StatementText[]>();

/** splitStatements, remembered for the text of requests that repeat. */
export function splitRequest(sql: string): readonly StatementText[] {
  let pieces = splitCache.get(sql);
  if (pieces === undefined) {
    pieces = splitStatements(sql);
    if (splitCache.size >= CACHE_LIMIT) splitCache.clear();
    splitCache.set(sql, pieces);
  }
  return pieces;
}

/** The source a query reads, when it reads one by name (not a join). */
export function sourceName(query: Query): string | undefined {
  return query.from.kind === 'TableRef' ? query.from.name : undefined;
}

/**
 * A statement of a request, padded so that the line:col of the engine's errors point into the
 * whole request (the engine runs statements one at a time and counts from their start).
 */
export function positioned(piece: StatementText): string {
  return '\n'.repeat(piece.start.line - 1) + ' '.repeat(piece.start.column - 1) + piece.text;
}
