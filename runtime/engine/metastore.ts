// The live catalog: sources, custom types and the function registry.

import type { Catalog, SourceInfo } from '../../planner/catalog.js';
import type { FunctionCatalog } from '../../planner/functions.js';
import type { SqlType } from '../../planner/types.js';

export class MetaStore implements Catalog {
  private readonly sourceMap = new Map<string, SourceInfo>();
  private readonly typeMap = new Map<string, SqlType>();
  /** Bumped on every change, so cached plans know they are stale. */
  version = 0;

  constructor(readonly functions: FunctionCatalog) {}

  source(name: string): SourceInfo | undefined {
    return this.sourceMap.get(name);
  }
  sources(): readonly SourceInfo[] {
    return [...this.sourceMap.values()];
  }
  putSource(s: SourceInfo): void {
    this.version++;
    this.sourceMap.set(s.name, s);
  }
  dropSource(name: string): void {
    this.version++;
    this.sourceMap.delete(name);
  }
  customType(name: string): SqlType | undefined {
    return this.typeMap.get(name.toUpperCase());
  }
  types(): ReadonlyMap<string, SqlType> {
    return this.typeMap;
  }
  putType(name: string, t: SqlType): void {
    this.version++;
    this.typeMap.set(name.toUpperCase(), t);
  }
  dropType(name: string): boolean {
    this.version++;
    return this.typeMap.delete(name.toUpperCase());
  }
}
