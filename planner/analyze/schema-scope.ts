// A Scope over a step's row schema: how expressions in WHERE, SELECT and PARTITION BY see
// the columns of the row they read. Qualified references (`a.col`) match the source alias
// or name. Shared by the planner (type checking) and the runtime (compilation), so both
// resolve names identically.

import type { Scope, ColumnBinding } from '../expressions/scope.js';
import type { StepSchema } from '../steps.js';

export function schemaScope(schema: StepSchema, qualifiers: readonly string[]): Scope {
  const byName = new Map<string, ColumnBinding>();
  schema.columns.forEach((c, index) => {
    if (!byName.has(c.name)) byName.set(c.name, { name: c.name, type: c.type, index });
  });
  const quals = new Set(qualifiers);
  return {
    lookup(source, name) {
      if (source !== undefined && !quals.has(source)) return undefined;
      return byName.get(name);
    },
  };
}
