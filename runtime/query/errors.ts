// How operators report a record they could not process. The query collects these and writes
// them to the processing log in the same commit as its outputs.

import type { LogRecord } from '../log/log.js';

export type ProcessingErrorKind = 'DESERIALIZATION' | 'EXPRESSION' | 'SERIALIZATION' | 'TIMESTAMP';

export interface ProcessingError {
  readonly kind: ProcessingErrorKind;
  readonly message: string;
  readonly record: LogRecord;
}

export type ErrorSink = (e: ProcessingError) => void;

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
