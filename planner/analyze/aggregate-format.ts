// ksqlDB stores an aggregation's accumulators in the source's value format (its changelog and
// repartition topics use it), so a format that cannot hold STRUCT, ARRAY or MAP values
// (DELIMITED) cannot hold AVG's or STDDEV's state either: ksqlDB rejects such a query when it is
// planned, and so does Sluice, with ksqlDB's message.

import type { FormatName } from '../formats.js';
import type { FunctionCatalog } from '../functions.js';
import { callTypesOf, type TypedFunctionCall } from '../expressions/typed.js';
import { SemanticError } from '../errors.js';
import type { Span } from '../../grammar/ast.js';
import type { SqlType } from '../types.js';

const FORMATS_WITHOUT_NESTED_TYPES: ReadonlySet<FormatName> = new Set(['DELIMITED', 'KAFKA']);

function isNested(t: SqlType): boolean {
  return t.kind === 'STRUCT' || t.kind === 'ARRAY' || t.kind === 'MAP';
}

export function checkAggregateStateFormat(
  calls: readonly TypedFunctionCall[],
  valueFormat: FormatName,
  functions: FunctionCatalog,
  span: Span,
): void {
  if (!FORMATS_WITHOUT_NESTED_TYPES.has(valueFormat)) return;
  for (const call of calls) {
    const def = functions.lookup(call.name);
    if (def?.kind !== 'aggregate') continue;
    const declared = def.overloads[call.overload]?.intermediate;
    const state = declared === undefined ? call.type : typeof declared === 'function' ? declared(callTypesOf(call)) : declared;
    if (isNested(state)) {
      throw new SemanticError(
        'One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.',
        span,
      );
    }
  }
}
