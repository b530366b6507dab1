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
import { enrich } from './baseline/enrich.js';

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

/**
 * Stream-table enrichment (queries/enrich.sql): bids joined to a table of auctions. Measured
 * like a Nexmark query, reported in a section of its own after them.
 */
export const ENRICHMENT: BenchQuery = query('enrich', enrich);

/** Every query measured against a baseline: the Nexmark ones, then enrichment. */
export const ALL_QUERIES: readonly BenchQuery[] = [...QUERIES, ENRICHMENT];

/** The latency benchmarks, run after the Nexmark queries: pull.ts and push.ts. */
export const LATENCY_BENCHMARKS = ['pull', 'push'] as const;
export type LatencyBenchmark = (typeof LATENCY_BENCHMARKS)[number];

/** The state benchmark (state.ts), run last: it needs no Nexmark data. */
export const STATE_BENCHMARK = 'state';

export interface Selection {
  readonly queries: readonly BenchQuery[];
  readonly enrichment: boolean;
  readonly latency: ReadonlySet<LatencyBenchmark>;
  readonly state: boolean;
}

/**
 * `--query q5 --query q0,pull` → those queries and benchmarks, in the suite's order; none
 * means all of them. Unknown ids are an error.
 */
export function selectBenchmarks(requested: readonly string[] | undefined): Selection {
  const all = [...QUERIES.map((q) => q.id), ENRICHMENT.id, ...LATENCY_BENCHMARKS, STATE_BENCHMARK];
  const ids = new Set((requested ?? []).flatMap((r) => r.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  if (ids.size === 0) return { queries: QUERIES, enrichment: true, latency: new Set(LATENCY_BENCHMARKS), state: true };
  const unknown = [...ids].filter((id) => !all.includes(id));
  if (unknown.length > 0) {
    throw new Error(`unknown quer${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ')}: choose from ${all.join(', ')}`);
  }
  return {
    queries: QUERIES.filter((q) => ids.has(q.id)),
    enrichment: ids.has(ENRICHMENT.id),
    latency: new Set(LATENCY_BENCHMARKS.filter((b) => ids.has(b))),
    state: ids.has(STATE_BENCHMARK),
  };
}
