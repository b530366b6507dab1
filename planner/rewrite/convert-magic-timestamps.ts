// ksqlDB lets a WHERE clause compare ROWTIME, WINDOWSTART or WINDOWEND with a timestamp
// string (`ROWTIME > '2018-01-01T00:00:00.001'`, or a prefix like '2018'). The string is
// turned into epoch milliseconds here, once, so the comparison stays numeric.

import type { Expression, StringLiteral } from '../../grammar/ast.js';
import { SemanticError } from '../errors.js';
import { mapExpression } from './map-expression.js';

const MAGIC = new Set(['ROWTIME', 'WINDOWSTART', 'WINDOWEND']);

const isMagic = (e: Expression) => e.kind === 'ColumnRef' && MAGIC.has(e.name);

/** ksqlDB's partial timestamp parsing: missing fields are the earliest value; UTC unless a zone is given. */
export function parsePartialTimestamp(text: string): number {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) throw new Error(`Failed to parse timestamp '${text}'`);
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  let t = Date.UTC(Number(y), Number(mo ?? 1) - 1, Number(d ?? 1), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), Number((ms ?? '0').padEnd(3, '0')));
  if (zone && zone !== 'Z') {
    const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)!;
    t -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  return t;
}

function toMillis(s: StringLiteral): Expression {
  let v: number;
  try {
    v = parsePartialTimestamp(s.value);
  } catch (e) {
    throw new SemanticError((e as Error).message, s.span);
  }
  return { kind: 'IntegerLiteral', text: String(v), span: s.span };
}

/** Returns the rewritten predicate, and whether anything changed. */
export function convertMagicTimestamps(where: Expression): { expr: Expression; changed: boolean } {
  let changed = false;
  const expr = mapExpression(where, (e) => {
    if (e.kind === 'Comparison') {
      if (isMagic(e.left) && e.right.kind === 'StringLiteral') {
        changed = true;
        return { ...e, right: toMillis(e.right) };
      }
      if (isMagic(e.right) && e.left.kind === 'StringLiteral') {
        changed = true;
        return { ...e, left: toMillis(e.left) };
      }
    }
    if (e.kind === 'Between' && isMagic(e.value)) {
      const low = e.low.kind === 'StringLiteral' ? toMillis(e.low) : e.low;
      const high = e.high.kind === 'StringLiteral' ? toMillis(e.high) : e.high;
      if (low !== e.low || high !== e.high) {
        changed = true;
        return { ...e, low, high };
      }
    }
    return e;
  });
  return { expr, changed };
}
