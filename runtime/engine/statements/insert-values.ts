// INSERT INTO name [(cols)] VALUES (...): evaluates the literals, casts them to the column
// types, serialises with the source's formats and appends one record.

import type { InsertValues, Span } from '../../../grammar/ast.js';
import type { SourceInfo } from '../../../planner/catalog.js';
import { SemanticError } from '../../../planner/errors.js';
import { typeExpression } from '../../../planner/expressions/typer.js';
import { formatType } from '../../../planner/types.js';
import { compileExpression } from '../../expr/compile.js';
import { coerceLiteralForInsert } from '../../expr/cast.js';
import { createSerde } from '../../serde/index.js';
import type { StatementResult } from '../api.js';
import type { EngineContext } from '../context.js';
import { status } from './ddl.js';

const emptyScope = { lookup: () => undefined };

export async function insertValues(ctx: EngineContext, stmt: InsertValues, text: string): Promise<StatementResult> {
  const src = insertTarget(ctx, stmt.target, stmt.span);
  const writable = src.columns.filter((c) => c.role === 'KEY' || c.role === 'VALUE');
  const names = stmt.columns ?? writable.map((c) => c.name);
  if (names.length !== stmt.values.length) {
    throw new SemanticError(
      `Failed to prepare statement: Expected number columns and values to match: ${names.join(', ')}, ${stmt.values.length} values`,
      stmt.span,
    );
  }
  const byName = new Map<string, unknown>();
  let timestamp = Date.now();
  names.forEach((name, i) => {
    const expr = stmt.values[i]!;
    const env = { functions: ctx.metastore.functions, resolveType: (n: string) => ctx.metastore.customType(n) };
    const typed = typeExpression(expr, emptyScope, env);
    const value = compileExpression(typed, env)([]) ?? null;
    if (name === 'ROWTIME') {
      if (value !== null) timestamp = Number(value as bigint | number);
      return;
    }
    const col = src.columns.find((c) => c.name === name);
    if (!col) throw new SemanticError(`Column name ${name} does not exist.`, expr.span);
    if (col.role === 'HEADER' || col.role === 'HEADERS') throw new SemanticError(`Cannot insert into HEADER columns: ${name}`, expr.span);
    try {
      byName.set(name, value === null ? null : coerceLiteralForInsert(value, typed.type, col.type));
    } catch (e) {
      throw new SemanticError(
        `Expected type ${formatType(col.type)} for field ${name} but got ${typed.type ? formatType(typed.type) : 'NULL'}(${String(value)})`,
        expr.span,
      );
    }
  });
  await appendRow(ctx, src, byName, timestamp, stmt.span);
  return status(text, 'Inserted 1 row');
}

/** The source an insert writes to: it must exist and not be read-only (CREATE SOURCE). */
function insertTarget(ctx: EngineContext, name: string, span: Span | undefined): SourceInfo {
  const src = ctx.metastore.source(name);
  if (!src) throw new SemanticError(`Cannot insert values into an unknown stream/table: ${name}`, span);
  if (src.isSource) throw new SemanticError(`Cannot insert values into read-only ${src.type.toLowerCase()}: ${src.name}`, span);
  return src;
}

/**
 * Inserts one row of runtime values (already of the column types) by column name; ROWTIME,
 * when given, is the record's timestamp. The REST server's /inserts-stream rows come here.
 */
export async function insertRow(ctx: EngineContext, target: string, row: ReadonlyMap<string, unknown>): Promise<void> {
  const src = insertTarget(ctx, target, undefined);
  const byName = new Map<string, unknown>();
  let timestamp = Date.now();
  for (const [name, value] of row) {
    if (name === 'ROWTIME') {
      if (value !== null && value !== undefined) timestamp = Number(value as bigint | number);
      continue;
    }
    const col = src.columns.find((c) => c.name === name);
    if (!col) throw new SemanticError(`Column name ${name} does not exist.`, undefined);
    if (col.role === 'HEADER' || col.role === 'HEADERS') throw new SemanticError(`Cannot insert into HEADER columns: ${name}`, undefined);
    byName.set(name, value);
  }
  await appendRow(ctx, src, byName, timestamp, undefined);
}

/** Serialises a row with the source's formats and appends it as one record. */
async function appendRow(ctx: EngineContext, src: SourceInfo, byName: ReadonlyMap<string, unknown>, timestamp: number, span: Span | undefined): Promise<void> {
  const writable = src.columns.filter((c) => c.role === 'KEY' || c.role === 'VALUE');
  const keys = writable.filter((c) => c.role === 'KEY');
  const values = writable.filter((c) => c.role === 'VALUE');
  const keySerde = createSerde(src.keyFormat, keys, src.keyFormatOptions, 'key');
  const valueSerde = createSerde(src.valueFormat, values, src.valueFormatOptions, 'value');
  const keyRow = keys.map((c) => byName.get(c.name) ?? null);
  const valueRow = values.map((c) => byName.get(c.name) ?? null);
  if (src.type === 'TABLE' && keyRow.some((k) => k === null)) {
    throw new SemanticError(`Failed to insert values into '${src.name}'. Value for primary key column(s) ${keys.map((k) => k.name).join(', ')} is required for tables`, span);
  }
  await ctx.log.produce(src.topic, [
    {
      timestamp,
      key: keys.length === 0 || keyRow.every((k) => k === null) ? null : keySerde.serialize(keyRow),
      value: valueSerde.serialize(valueRow),
    },
  ]);
}
