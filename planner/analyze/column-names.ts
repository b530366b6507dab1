// Names for unaliased select expressions, as ksqlDB's AstSanitizer gives them: a column keeps
// its name, `s->f` becomes F (F_1, F_2, ... when taken), anything else KSQL_COL_n with n
// counting up past names the source already uses.

import type { Expression } from '../../grammar/ast.js';

export class ColumnNamer {
  private readonly assigned = new Set<string>();
  private counter = 0;

  constructor(private readonly sourceNames: ReadonlySet<string>) {}

  private taken(n: string): boolean {
    return this.sourceNames.has(n) || this.assigned.has(n);
  }

  /** Records a name as used (an alias, or a name given out). */
  use(name: string): string {
    this.assigned.add(name);
    return name;
  }

  generated(): string {
    while (this.taken(`KSQL_COL_${this.counter}`)) this.counter++;
    return `KSQL_COL_${this.counter++}`;
  }

  field(field: string): string {
    if (!this.taken(field)) return field;
    let n = 1;
    while (this.taken(`${field}_${n}`)) n++;
    return `${field}_${n}`;
  }

  nameFor(e: Expression): string {
    return e.kind === 'ColumnRef' ? e.name : e.kind === 'Dereference' ? this.field(e.field) : this.generated();
  }
}
