// Errors the planner raises for statements that parse but make no sense (unknown column,
// type mismatch, ...). They carry the span of the offending node so the user sees line:col.

import type { Span } from '../grammar/ast.js';

export class SemanticError extends Error {
  override readonly name = 'SemanticError';
  constructor(
    message: string,
    readonly span?: Span,
  ) {
    super(message);
  }
}
