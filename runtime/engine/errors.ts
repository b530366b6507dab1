// Every error a user sees becomes a SluiceError with line:col when there is a position,
// never a stack trace.

import { SqlSyntaxError } from '../../grammar/index.js';
import type { Position } from '../../grammar/ast.js';
import { SemanticError } from '../../planner/errors.js';
import { SluiceError } from './api.js';

export function toSluiceError(e: unknown, statementText: string, start: Position | undefined): SluiceError {
  if (e instanceof SluiceError) return e;
  if (e instanceof SqlSyntaxError) {
    // The position goes in its own fields; toString() puts it back in front.
    return new SluiceError(e.message.replace(/^line \d+:\d+: /, ''), e.line, e.column, statementText, e.expected);
  }
  if (e instanceof SemanticError) {
    const pos = e.span?.start ?? start;
    return new SluiceError(e.message, pos?.line, pos?.column, statementText);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new SluiceError(message, start?.line, start?.column, statementText);
}
