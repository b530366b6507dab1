// Builds the serdes a source needs once at statement time, so a schema its formats can't
// carry (a STRUCT in KAFKA, two columns in a KAFKA key) is rejected before anything runs.

import type { ColumnInfo } from '../../../planner/catalog.js';
import type { Formats } from '../../../planner/steps.js';
import { SemanticError } from '../../../planner/errors.js';
import { createSerde } from '../../serde/index.js';
import type { Span } from '../../../grammar/ast.js';

export function validateFormats(formats: Formats, columns: readonly ColumnInfo[], span: Span): void {
  const keys = columns.filter((c) => c.role === 'KEY');
  const values = columns.filter((c) => c.role === 'VALUE');
  try {
    createSerde(formats.keyFormat, keys, formats.keyFormatOptions, 'key');
    createSerde(formats.valueFormat, values, formats.valueFormatOptions, 'value');
  } catch (e) {
    throw new SemanticError(e instanceof Error ? e.message : String(e), span);
  }
}
