// Catalog and key-source fixtures for the pull-route tests: sources declared through a real
// embedded engine, then looked at as the planner sees them.
import { parseStatement } from '../../grammar/index.js';
import { analyzeQuery } from '../../planner/analyze/query.js';
import { sourceSteps, type TableSource } from '../../planner/steps.js';
import type { Engine } from '../../runtime/engine/engine.js';
import { MetaStore } from '../../runtime/engine/metastore.js';
import { defaultRegistry } from '../../runtime/functions/registry.js';

/** A catalog holding the engine's sources. */
export function catalogOf(engine: Engine): MetaStore {
  const catalog = new MetaStore(defaultRegistry());
  for (const s of engine.sources()) catalog.putSource(s);
  return catalog;
}

/** The table's source step: what a query reading it (and its ownership's keySource) holds. */
export function tableSource(engine: Engine, name: string): TableSource {
  const stmt = parseStatement(`SELECT * FROM ${name};`);
  if (stmt.kind !== 'QueryStatement') throw new Error('not a query');
  const [source] = sourceSteps(analyzeQuery(stmt.query, catalogOf(engine), undefined).root);
  return source as TableSource;
}
