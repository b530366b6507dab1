// The sources of a join and how names resolve across them. As in ksqlDB, the joined row names
// each source's columns `ALIAS_COLUMN`; expressions are rewritten to those names once, so
// typing and compilation see one flat row and need no join-aware scope.

import type { ColumnRef, Expression, Span } from '../../grammar/ast.js';
import type { SourceInfo } from '../catalog.js';
import { SemanticError } from '../errors.js';
import { mapChildren } from '../rewrite/map-expression.js';
import { PSEUDO_COLUMNS, WINDOW_COLUMNS } from '../pseudo-columns.js';
import type { Step, StepColumn, StepSchema, StreamSource, TableSource } from '../steps.js';

export interface JoinSource {
  readonly info: SourceInfo;
  /** The name the query refers to it by (its alias, or its name). */
  readonly alias: string;
  readonly step: StreamSource | TableSource;
}

export function prefixedName(alias: string, column: string): string {
  return `${alias}_${column}`;
}

/** A source step's row as a join reads it: the same columns, named `ALIAS_COLUMN`. */
export function joinInputSchema(step: Step): StepSchema {
  if (step.kind !== 'StreamSource' && step.kind !== 'TableSource') return step.schema;
  return { columns: step.schema.columns.map((c) => ({ ...c, name: prefixedName(step.alias, c.name) })) };
}

/** The columns a source row has, unprefixed: declared, pseudo, and window bounds when windowed. */
function rowColumnNames(s: SourceInfo): string[] {
  return [
    ...s.columns.map((c) => c.name),
    ...PSEUDO_COLUMNS.map((p) => p.name),
    ...(s.windowType ? WINDOW_COLUMNS.map((w) => w.name) : []),
  ];
}

/** ksqlDB's synthetic join key: ROWKEY, or ROWKEY_n when a source already uses the name. */
export function syntheticKeyName(sources: readonly JoinSource[]): string {
  const taken = new Set(sources.flatMap((s) => rowColumnNames(s.info)));
  if (!taken.has('ROWKEY')) return 'ROWKEY';
  for (let n = 1; ; n++) if (!taken.has(`ROWKEY_${n}`)) return `ROWKEY_${n}`;
}

export class JoinNames {
  /** Column names found in more than one source: their select items are named ALIAS_COLUMN. */
  readonly common: ReadonlySet<string>;
  /** Synthetic key columns (ROWKEY) the query may name unqualified. */
  readonly syntheticKeys = new Set<string>();

  constructor(readonly sources: readonly JoinSource[]) {
    const seen = new Map<string, number>();
    for (const s of sources) for (const n of new Set(rowColumnNames(s.info))) seen.set(n, (seen.get(n) ?? 0) + 1);
    this.common = new Set([...seen].filter(([, n]) => n > 1).map(([name]) => name));
  }

  source(qualifier: string, span: Span): JoinSource {
    const s = this.sources.find((x) => x.alias === qualifier);
    if (!s) throw new SemanticError(`'${qualifier}' is not a valid stream/table name or alias.`, span);
    return s;
  }

  /** Fails on the first qualifier that names no source. */
  checkQualifiers(e: Expression): void {
    this.map(e, '', new Set(), (ref) => {
      if (ref.source !== undefined) this.source(ref.source, ref.span);
      return ref;
    });
  }

  /** The source a column reference reads; undefined for a synthetic key. */
  sourceOf(ref: ColumnRef, clause: string): JoinSource | undefined {
    if (ref.source !== undefined) {
      const s = this.source(ref.source, ref.span);
      if (!rowColumnNames(s.info).includes(ref.name)) {
        throw new SemanticError(`${clause} column '${ref.source}.${ref.name}' cannot be resolved.`, ref.span);
      }
      return s;
    }
    if (this.syntheticKeys.has(ref.name)) return undefined;
    const hits = this.sources.filter((s) => rowColumnNames(s.info).includes(ref.name));
    if (hits.length === 0) throw new SemanticError(`${clause} column '${ref.name}' cannot be resolved.`, ref.span);
    if (hits.length > 1) {
      throw new SemanticError(`Column '${ref.name}' is ambiguous. Could be ${hits.map((h) => `${h.alias}.${ref.name}`).join(' or ')}.`, ref.span);
    }
    return hits[0]!;
  }

  /** The joined-row column a reference reads. */
  resolve(ref: ColumnRef, clause: string): string {
    const s = this.sourceOf(ref, clause);
    return s ? prefixedName(s.alias, ref.name) : ref.name;
  }

  /** `alias.COLUMN`, as ksqlDB prints join expressions in messages. */
  qualified(ref: ColumnRef, clause: string): string {
    const s = this.sourceOf(ref, clause);
    return s ? `${s.alias}.${ref.name}` : ref.name;
  }

  /** Rewrites column references to joined-row names (lambda parameters stay as they are). */
  rewrite(e: Expression, clause: string): Expression {
    return this.map(e, clause, new Set(), (ref) => ({ kind: 'ColumnRef', source: undefined, name: this.resolve(ref, clause), span: ref.span }));
  }

  /** Qualifies every column reference with its source, for messages. */
  qualify(e: Expression, clause: string): Expression {
    return this.map(e, clause, new Set(), (ref) => {
      const s = this.sourceOf(ref, clause);
      return s ? { ...ref, source: s.alias } : ref;
    });
  }

  /** The sources an expression reads. */
  referenced(e: Expression, clause: string): Set<JoinSource> {
    const out = new Set<JoinSource>();
    this.map(e, clause, new Set(), (ref) => {
      const s = this.sourceOf(ref, clause);
      if (s) out.add(s);
      return ref;
    });
    return out;
  }

  /** The name of an unaliased select item that is a column: ALIAS_COLUMN when the name is common. */
  itemName(ref: ColumnRef, clause: string): string {
    const s = this.sourceOf(ref, clause);
    if (!s) return ref.name;
    return ref.source !== undefined && this.common.has(ref.name) ? prefixedName(s.alias, ref.name) : ref.name;
  }

  /** The columns `alias.*` expands to: key columns, window bounds, then the other columns. */
  starColumns(s: JoinSource): StepColumn[] {
    const cols = s.step.schema.columns;
    const named = (c: StepColumn): StepColumn => ({ name: prefixedName(s.alias, c.name), type: c.type, role: c.role });
    return [
      ...cols.filter((c) => c.role === 'KEY'),
      ...cols.filter((c) => c.role === 'WINDOW'),
      ...cols.filter((c) => c.role === 'VALUE' || c.role === 'HEADERS' || c.role === 'HEADER'),
    ].map(named);
  }

  /**
   * `*` after PARTITION BY: ksqlDB's re-keyed join row holds each source's value columns, its
   * pseudo columns, then its key columns, and `*` expands to all of them.
   */
  repartitionedStarColumns(s: JoinSource): StepColumn[] {
    const cols = s.step.schema.columns;
    const named = (c: StepColumn): StepColumn => ({ name: prefixedName(s.alias, c.name), type: c.type, role: c.role });
    return [
      ...cols.filter((c) => c.role === 'VALUE' || c.role === 'HEADERS' || c.role === 'HEADER'),
      ...cols.filter((c) => c.role === 'PSEUDO' || c.role === 'WINDOW'),
      ...cols.filter((c) => c.role === 'KEY'),
    ].map(named);
  }

  private map(e: Expression, clause: string, params: ReadonlySet<string>, fn: (ref: ColumnRef) => Expression): Expression {
    if (e.kind === 'ColumnRef') return e.source === undefined && params.has(e.name) ? e : fn(e);
    if (e.kind === 'Lambda') {
      const inner = new Set([...params, ...e.params]);
      return { ...e, body: this.map(e.body, clause, inner, fn) };
    }
    return mapChildren(e, (c) => this.map(c, clause, params, fn));
  }
}
