// The HTTP benchmarks' ids in `npm run bench --query …`: `http-pull`, `http-push`, or `http`
// for both. They are split off before the rest go to selectBenchmarks (queries.ts), so that
// `--query http` runs only them.

import type { Selection } from './queries.js';

export const HTTP_BENCHMARKS = ['http-pull', 'http-push'] as const;
export type HttpBenchmark = (typeof HTTP_BENCHMARKS)[number];

export interface HttpSelection {
  readonly http: ReadonlySet<HttpBenchmark>;
  /** The other ids, for selectBenchmarks; undefined when none were asked for (all of them). */
  readonly rest: readonly string[] | undefined;
  /** Only HTTP benchmarks were asked for: none of the others run. */
  readonly onlyHttp: boolean;
}

export const NOTHING_ELSE: Selection = { queries: [], enrichment: false, latency: new Set(), state: false };

export function selectHttp(requested: readonly string[] | undefined): HttpSelection {
  const ids = (requested ?? []).flatMap((r) => r.split(',')).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (ids.length === 0) return { http: new Set(HTTP_BENCHMARKS), rest: undefined, onlyHttp: false };
  const http = new Set<HttpBenchmark>();
  const rest: string[] = [];
  for (const id of ids) {
    if (id === 'http') for (const b of HTTP_BENCHMARKS) http.add(b);
    else if ((HTTP_BENCHMARKS as readonly string[]).includes(id)) http.add(id as HttpBenchmark);
    else rest.push(id);
  }
  return { http, rest, onlyHttp: rest.length === 0 };
}
