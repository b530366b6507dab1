// `${name}` substitution. ksqlDB substitutes variables in the text before parsing: inside
// string literals and quoted identifiers too (`kafka_topic='${topic}'`), but not in comments.
// Variable names are case-insensitive.
import { SqlSyntaxError } from './errors.js';
import { Cursor } from './split.js';
import type { Position } from './ast.js';
import { ORIGIN, relocate } from './positions.js';

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/y;

/**
 * Replaces every `${name}` by its value; `vars` keys are matched case-insensitively. An
 * undefined variable is an error at its position (`start` is where `text` begins in its script).
 */
export function substituteVariables(text: string, vars: ReadonlyMap<string, string>, start: Position = ORIGIN): string {
  const values = new Map<string, string>();
  for (const [name, value] of vars) values.set(name.toUpperCase(), value);
  const cursor = new Cursor(text);
  let out = '';
  let copied = 0;
  let quote: string | undefined;
  while (!cursor.atEnd()) {
    const at = cursor.offset;
    const c = text[at]!;
    if (quote === undefined && (text.startsWith('--', at) || text.startsWith('/*', at))) {
      if (c === '-') cursor.skipLineComment();
      else cursor.skipBlockComment();
      continue;
    }
    if (c === '$') {
      reference.lastIndex = at;
      const match = reference.exec(text);
      if (match) {
        const value = values.get(match[1]!.toUpperCase());
        if (value === undefined) {
          const p = cursor.position();
          throw new SqlSyntaxError(`undefined variable '${match[1]}'`, relocate(start, p.offset, p.line, p.column));
        }
        out += text.slice(copied, at) + value;
        copied = at + match[0].length;
        cursor.advance(match[0].length);
        continue;
      }
    }
    // Quotes only matter for telling comments apart; a doubled quote closes and reopens.
    if (c === "'" || c === '`' || c === '"') {
      if (quote === undefined) quote = c;
      else if (quote === c) quote = undefined;
    }
    cursor.advance(1);
  }
  return out + text.slice(copied);
}
