// The pull-query plan cache. Key lookups repeat with different literals, so a statement is
// keyed by its tokens with each literal replaced by its *shape*: what the typer decides from
// the literal alone (INT or BIGINT, a DECIMAL's precision and scale, whether a string can
// order natively in SQLite). Two statements with the same key type identically, and a plan
// made for one serves the other, with the other's literals bound as parameters.
//
// Only literals whose value the plan takes as a parameter are lifted this way: a literal that
// was compiled into a function (a function argument, a LIKE pattern), that the typer coerced
// (a string compared with ROWTIME) or that a JavaScript part of the plan uses is *fixed*, and
// its text is part of a second-level key. A literal is lifted only after checking that
// decoding its token gives the value the typer gave it, so a rule this file doesn't know
// about can only make it fixed, never wrong.

import type { IToken } from 'chevrotain';
import type { Statement } from '../../../grammar/ast.js';
import { stringValue } from '../../../grammar/ast-builder.js';
import { DecimalLiteral, DoubleLiteral, IntegerLiteral, LIMIT, Minus, OFFSET, StringLiteral, UnterminatedComment, sqlLexer } from '../../../grammar/lexer.js';
import { decimalLiteral, decimalTypeOf, doubleLiteral, integerLiteral } from '../../../planner/expressions/literals.js';
import { typesEqual, type SqlType } from '../../../planner/types.js';
import { Decimal } from '../../../planner/values/decimal.js';
import { valuesEqual } from '../../functions/values.js';
import type { ParamSlot } from '../../materialize/sql-expr.js';
import type { StatementResult } from '../api.js';
import type { EngineContext } from '../context.js';

/** The settings that decide whether a pull query is allowed at all. */
const PLAN_SETTINGS = ['ksql.query.pull.table.scan.enabled', 'ksql.query.pull.range.scan.enabled', 'ksql.query.pull.limit.clause.enabled'];

/** How a plan gets a parameter's value for a statement: a constant, or decoded from one of its tokens. */
export type Binding = { readonly value: unknown } | { readonly token: number; readonly decode: (image: string) => unknown };

/** A cached plan: its parameters, and how to run it once they are known. */
export interface CachedPlan {
  readonly bindings: readonly Binding[];
  /** False once the catalog or the view changed since the plan was made. */
  readonly valid: (ctx: EngineContext) => boolean;
  readonly run: (params: readonly unknown[], text: string) => StatementResult;
}

interface Entry {
  /** Token indexes whose literals are parameters of every plan stored here. */
  readonly lifted: ReadonlySet<number>;
  readonly plans: Map<string, CachedPlan>;
}

interface Lexed {
  readonly tokens: readonly IToken[];
  readonly key: string;
}

const LITERALS = new Set([IntegerLiteral, DecimalLiteral, DoubleLiteral, StringLiteral]);
const HIGH = /[\uD800-\uFFFF]/;
const MAX_PLANS = 1000;

/** What the typer decides from a literal token alone, whatever sign is put in front of it. */
function shape(t: IToken): string {
  switch (t.tokenType) {
    case IntegerLiteral: {
      const kind = (negative: boolean) => integerLiteral(t.image, negative)?.type.kind ?? 'x';
      return `#i${kind(false)}/${kind(true)}${Number.isSafeInteger(Number(t.image)) ? '' : '!'}`;
    }
    case DecimalLiteral: {
      const type = decimalTypeOf(Decimal.parse(t.image));
      return `#d${type.precision},${type.scale}`;
    }
    case DoubleLiteral:
      return Number.isFinite(Number(t.image)) ? '#f' : '#f!';
    case StringLiteral:
      return HIGH.test(t.image) ? '#s!' : '#s';
    default:
      return t.image;
  }
}

/** A literal token's value and type as the typer gives them. */
function natural(t: IToken, negative: boolean): { type: SqlType; value: unknown } | undefined {
  switch (t.tokenType) {
    case IntegerLiteral:
      return integerLiteral(t.image, negative);
    case DecimalLiteral:
      return decimalLiteral(t.image, negative);
    case DoubleLiteral:
      return doubleLiteral(t.image, negative);
    case StringLiteral:
      return negative ? undefined : { type: { kind: 'STRING' }, value: stringValue(t) };
    default:
      return undefined;
  }
}

function lex(ctx: EngineContext, text: string): Lexed | undefined {
  const lexed = sqlLexer.tokenize(text);
  if (lexed.errors.length > 0 || lexed.tokens.some((t) => t.tokenType === UnterminatedComment)) return undefined;
  // SET can change whether a plan is allowed at all (table scans, LIMIT): it is part of the key.
  let key = PLAN_SETTINGS.map((name) => String(ctx.properties.get(name))).join('/');
  for (const t of lexed.tokens) key += '\u0001' + (LITERALS.has(t.tokenType) ? shape(t) : t.image);
  return { tokens: lexed.tokens, key };
}

function fixedKey(tokens: readonly IToken[], lifted: ReadonlySet<number>): string {
  let key = '';
  tokens.forEach((t, i) => {
    if (LITERALS.has(t.tokenType) && !lifted.has(i)) key += `${i}\u0001${t.image}\u0001`;
  });
  return key;
}

const STARTS_SELECT = /^\s*SELECT\b/i;

export class PullCache {
  private readonly entries = new Map<string, Entry>();
  /** Plans held, over all entries: each holds a prepared statement, so the total is bounded. */
  private plans = 0;

  /** The result of a statement seen before (up to its literals), or undefined. */
  run(ctx: EngineContext, text: string): StatementResult | undefined {
    const found = this.lookup(ctx, text);
    if (!found) return undefined;
    const { plan, tokens } = found;
    const params = new Array<unknown>(plan.bindings.length);
    try {
      for (let i = 0; i < params.length; i++) {
        const b = plan.bindings[i]!;
        params[i] = 'value' in b ? b.value : b.decode(tokens[b.token]!.image);
      }
    } catch {
      return undefined; // a literal this plan can't take (a cast that fails): plan it afresh
    }
    return plan.run(params, text);
  }

  /** Whether `text` would run from a cached plan. */
  has(ctx: EngineContext, text: string): boolean {
    return this.lookup(ctx, text) !== undefined;
  }

  private lookup(ctx: EngineContext, text: string): { plan: CachedPlan; tokens: readonly IToken[] } | undefined {
    if (this.entries.size === 0 || !STARTS_SELECT.test(text)) return undefined;
    const lexed = lex(ctx, text);
    const entry = lexed && this.entries.get(lexed.key);
    if (!entry) return undefined;
    const plan = entry.plans.get(fixedKey(lexed.tokens, entry.lifted));
    if (!plan) return undefined;
    if (!plan.valid(ctx)) {
      this.plans -= entry.plans.size;
      this.entries.delete(lexed.key);
      return undefined;
    }
    return { plan, tokens: lexed.tokens };
  }

  /**
   * Caches the plan made for `stmt` (parsed from `text`): `slots` are its parameters as the
   * planner produced them, `fixed` the spans of literals it depends on by value.
   */
  store(
    ctx: EngineContext,
    text: string,
    stmt: Statement,
    slots: readonly ParamSlot[],
    fixed: readonly { readonly end: { readonly offset: number } }[],
    make: (bindings: readonly Binding[]) => CachedPlan,
  ): void {
    const lexed = lex(ctx, text);
    if (!lexed || lexed.tokens.length === 0) return;
    const { tokens } = lexed;
    // Spans are offsets in the script; tokens offsets in this statement's text.
    const base = stmt.span.start.offset - tokens[0]!.startOffset;
    const byEnd = new Map<number, number>();
    tokens.forEach((t, i) => {
      if (LITERALS.has(t.tokenType)) byEnd.set(base + t.endOffset! + 1, i);
    });
    const fixedTokens = new Set<number>();
    for (const f of fixed) {
      const i = byEnd.get(f.end.offset);
      if (i !== undefined) fixedTokens.add(i);
    }
    // Each slot's candidate token and decoder; a token is lifted only if every slot from it can be.
    const candidates = slots.map((s) => this.candidate(s, tokens, base, byEnd));
    const blocked = new Set(fixedTokens);
    slots.forEach((s, i) => {
      const tokenOf = s.origin?.kind === 'literal' ? byEnd.get(s.origin.span.end.offset) : undefined;
      if (tokenOf !== undefined && candidates[i] === undefined) blocked.add(tokenOf);
    });
    const lifted = new Set<number>();
    for (const c of candidates) if (c && !blocked.has(c.token)) lifted.add(c.token);
    const bindings: Binding[] = slots.map((s, i) => {
      const c = candidates[i];
      return c && lifted.has(c.token) ? c : { value: s.value };
    });

    if (this.plans >= MAX_PLANS) this.clear();
    let entry = this.entries.get(lexed.key);
    // The entry's key lifts `entry.lifted`: a plan that lifts fewer would answer statements
    // that differ in a literal it took as a constant. One that lifts more is fine: the extra
    // literals are in the second-level key, so they never differ.
    if (entry && ![...entry.lifted].every((i) => lifted.has(i))) return;
    if (!entry) {
      entry = { lifted, plans: new Map() };
      this.entries.set(lexed.key, entry);
    }
    const key = fixedKey(tokens, entry.lifted);
    if (!entry.plans.has(key)) this.plans++;
    entry.plans.set(key, make(bindings));
  }

  private candidate(
    s: ParamSlot,
    tokens: readonly IToken[],
    base: number,
    byEnd: ReadonlyMap<number, number>,
  ): { token: number; decode: (image: string) => unknown } | undefined {
    const o = s.origin;
    if (!o) return undefined;
    if (o.kind === 'clause') {
      // LIMIT n / OFFSET n: the integer right after the keyword.
      const kw = o.clause === 'LIMIT' ? LIMIT : OFFSET;
      const i = tokens.findIndex((t, j) => t.tokenType === kw && tokens[j + 1]?.tokenType === IntegerLiteral);
      if (i < 0 || BigInt(tokens[i + 1]!.image) !== s.value) return undefined;
      return { token: i + 1, decode: (image) => BigInt(image) };
    }
    const i = byEnd.get(o.span.end.offset);
    if (i === undefined) return undefined;
    const t = tokens[i]!;
    const start = base + t.startOffset;
    // The typer folds a minus into the literal after it: then the span starts at that '-'.
    const negative = o.span.start.offset !== start;
    if (negative && (tokens[i - 1]?.tokenType !== Minus || base + tokens[i - 1]!.startOffset !== o.span.start.offset)) return undefined;
    const n = natural(t, negative);
    if (!n || !typesEqual(n.type, o.type) || !valuesEqual(n.value, o.value)) return undefined;
    const convert = o.convert;
    return {
      token: i,
      decode: (image) => {
        const v = natural({ ...t, image }, negative);
        if (!v) throw new Error(`literal ${image} no longer decodes`);
        return convert(v.value);
      },
    };
  }

  clear(): void {
    this.entries.clear();
    this.plans = 0;
  }
}
