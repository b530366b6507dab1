// Reading a record time from a column (WITH TIMESTAMP='col' [, TIMESTAMP_FORMAT='...']), on
// sources and on sinks alike: BIGINT and TIMESTAMP are epoch milliseconds; STRING is parsed
// with the format, as ksqlDB's STRINGTOTIMESTAMP does.

import type { Catalog } from '../../planner/catalog.js';
import { STRING, type SqlType } from '../../planner/types.js';

export class InvalidTimestampError extends Error {
  override readonly name = 'InvalidTimestampError';
}

/** Returns the time in ms; throws InvalidTimestampError when the value is null, negative or unparseable. */
export type TimestampReader = (value: unknown) => number;

export function timestampReader(column: string, type: SqlType, format: string | undefined, catalog: Catalog): TimestampReader {
  let parse: ((s: string) => number) | undefined;
  if (type.kind === 'STRING') {
    const call = catalog.functions.resolveScalar('STRINGTOTIMESTAMP', [
      { kind: 'value', type: STRING },
      { kind: 'value', type: STRING, literal: format },
    ]);
    const impl = call.overload.make({ ...call.call, returnType: call.returnType });
    parse = (s) => Number(impl(s, format) as bigint | number);
  }
  return (v) => {
    let t: number | undefined;
    try {
      t = v === null || v === undefined ? undefined : typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : parse?.(String(v));
    } catch (e) {
      throw new InvalidTimestampError(`Failed to extract timestamp from column ${column}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (t === undefined || !Number.isFinite(t) || t < 0) {
      throw new InvalidTimestampError(`Invalid timestamp in column ${column}: ${String(v)}`);
    }
    return t;
  };
}
