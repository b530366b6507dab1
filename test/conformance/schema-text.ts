// Canonical text of a ksqlDB schema string (`K STRING KEY, `id` INT, S STRUCT<a INT>`), so
// that a post-condition's schema and a catalog source's columns compare as ksqlDB compares
// LogicalSchemas: unquoted identifiers are upper-cased, INT/VARCHAR are INTEGER/STRING,
// PRIMARY KEY is KEY, and spacing doesn't matter.

import { formatType } from '../../planner/types.js';
import type { ColumnInfo } from '../../runtime/engine/api.js';

const TYPE_ALIASES: Readonly<Record<string, string>> = { INT: 'INTEGER', VARCHAR: 'STRING' };

type Token = { readonly kind: 'word' | 'quoted' | 'string' | 'punct'; readonly text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:`((?:[^`]|``)*)`|'((?:[^']|'')*)'|([A-Za-z0-9_@$]+)|(\S))/gy;
  for (let m = re.exec(text); m !== null && m[0] !== ''; m = re.exec(text)) {
    if (m[1] !== undefined) tokens.push({ kind: 'quoted', text: m[1].replace(/``/g, '`') });
    else if (m[2] !== undefined) tokens.push({ kind: 'string', text: m[2].replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: 'word', text: m[3] });
    else tokens.push({ kind: 'punct', text: m[4]! });
  }
  return tokens;
}

/** `name` of an identifier token: quoted text as is, unquoted upper-cased. */
function identifier(t: Token): string {
  return '`' + (t.kind === 'quoted' ? t.text : t.text.toUpperCase()) + '`';
}

/**
 * Canonical form: columns `\`NAME\` TYPE [KEY|HEADERS|HEADER('k')]` joined by `, `.
 * Struct field names inside types are canonicalised like column names.
 */
export function canonicalSchema(text: string): string {
  const tokens = tokenize(text);
  const columns: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const name = tokens[i++]!;
    const type: string[] = [];
    // Angle/paren depth: commas inside a type don't end the column.
    const stack: ('struct' | 'type' | 'paren')[] = [];
    let expectFieldName = false;
    let suffix = '';
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (stack.length === 0 && t.kind === 'punct' && t.text === ',') {
        i++;
        break;
      }
      if (stack.length === 0 && t.kind === 'word') {
        const upper = t.text.toUpperCase();
        if (upper === 'KEY') {
          suffix = ' KEY';
          i++;
          continue;
        }
        if (upper === 'PRIMARY') {
          i++;
          continue;
        }
        if (upper === 'HEADERS') {
          suffix = ' HEADERS';
          i++;
          continue;
        }
        if (upper === 'HEADER') {
          // HEADER('k')
          const keyToken = tokens[i + 2];
          suffix = ` HEADER('${keyToken?.text ?? ''}')`;
          i += 4;
          continue;
        }
      }
      i++;
      if (t.kind === 'punct') {
        if (t.text === '<') {
          const opener = type[type.length - 1];
          stack.push(opener === 'STRUCT' ? 'struct' : 'type');
          expectFieldName = opener === 'STRUCT';
        } else if (t.text === '(') stack.push('paren');
        else if (t.text === '>' || t.text === ')') stack.pop();
        else if (t.text === ',') expectFieldName = stack[stack.length - 1] === 'struct';
        type.push(t.text === ',' ? ', ' : t.text);
        continue;
      }
      if (expectFieldName) {
        type.push(identifier(t) + ' ');
        expectFieldName = false;
        continue;
      }
      const word = t.kind === 'word' ? t.text.toUpperCase() : t.text;
      type.push(TYPE_ALIASES[word] ?? word);
    }
    columns.push(`${identifier(name)} ${type.join('')}${suffix}`);
  }
  return columns.join(', ');
}

/** The schema of catalog columns in ksqlDB's spelling (then canonicalSchema'd to compare). */
export function schemaOfColumns(columns: readonly ColumnInfo[]): string {
  return columns
    .map((c) => {
      const name = '`' + c.name.replace(/`/g, '``') + '`';
      const role =
        c.role === 'KEY'
          ? ' KEY'
          : c.role === 'HEADERS'
            ? ' HEADERS'
            : c.role === 'HEADER'
              ? ` HEADER('${(c.headerKey ?? '').replace(/'/g, "''")}')`
              : '';
      return `${name} ${formatType(c.type)}${role}`;
    })
    .join(', ');
}
