// The benchmark queries: each one's Sluice SQL (queries/qN.sql, whose last statement creates
// the sink named QN) and its hand-written baseline. Which queries Sluice can run is not listed
// anywhere: a run tries each one and reports the engine's rejection.

import type { BaselineQuery } from './baseline/types.js';
import { q0 } from './baseline/q0.js';
import { q1 } from './baseline/q1.js';
import { q2 } from './baseline/q2.js';
import { q3 } from './baseline/q3.js';
import { q4 } from './baseline/q4.js';
import { q5 } from './baseline/q5.js';
import { q7 } from './baseline/q7.js';
import { q8 } from './baseline/q8.js';

export interface BenchQuery {
  readonly id: string;
  readonly sqlFile: URL;
  /** The source Sluice's result is written to (and its topic). */
  readonly sink: string;
  readonly baseline: BaselineQuery;
}

const query = (id: string, baseline: BaselineQuery): BenchQuery => ({
  id,
  sqlFile: new URL(`./queries/${id}.sql`, import.meta.url),
  sink: id.toUpperCase(),
  baseline,
});

export const QUERIES: readonly BenchQuery[] = [
  query('q0', q0),
  query('q1', q1),
  query('q2', q2),
  query('q3', q3),
  query('q4', q4),
  query('q5', q5),
  query('q7', q7),
  query('q8', q8),
];

/** `--query q5 --query q0,q1` → those queries, in the suite's order; unknown ids are an error. */
export function selectQueries(requested: readonly string[] | undefined): readonly BenchQuery[] {
  if (requested === undefined || requested.length === 0) return QUERIES;
  const ids = new Set(requested.flatMap((r) => r.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  const unknown = [...ids].filter((id) => !QUERIES.some((q) => q.id === id));
  if (unknown.length > 0) {
    throw new Error(`unknown quer${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}: choose from ${QUERIES.map((q) => q.id).join(', ')}`);
  }
  return QUERIES.filter((q) => ids.has(q.id));
}
