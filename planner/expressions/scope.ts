// Name resolution for expressions: what a column reference means in the current row.

import type { SqlType } from '../types.js';

/** A column resolved to its slot in the runtime row array. */
export interface ColumnBinding {
  readonly name: string;
  readonly type: SqlType;
  /** Position in the row array the compiled expression receives. */
  readonly index: number;
}

export interface Scope {
  /**
   * Resolves `source.name` (source undefined when unqualified). Returns undefined when the
   * name is unknown here; ambiguity is the scope's to report (throw a SemanticError).
   */
  lookup(source: string | undefined, name: string): ColumnBinding | undefined;
}
