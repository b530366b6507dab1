// Pull queries over HTTP: `sluice server` in a child process on the pull benchmark's table
// (pull.sql: bids per auction), and this process as 16 concurrent clients, each on its own
// HTTP/1.1 keep-alive connection (a minimal client: http-load.ts), sending key lookups to
// /query-stream back to back (a closed loop). Reported: queries per second over the measured part (wall time), and each request's
// latency as the client sees it (request written to response read), p50 and p99. Every answer
// is checked: one row, for the key asked.

import { cpSync } from 'node:fs';
import path from 'node:path';
import { KeepAliveConnection, serverCpuSeconds, spawnServer } from './http-load.js';
import { percentiles } from './latency.js';
import { buildPullTable } from './pull.js';
import { formatColumns, num, type FailedEntry } from './report.js';

export const HTTP_PULL_AIMS = { qps: 10_000, p99Ms: 5 } as const;

export interface HttpPullOptions {
  readonly clients: number;
  readonly queries: number;
  readonly warmup: number;
  readonly seed: number;
}

export interface HttpPullEntry {
  readonly endpoint: string;
  readonly sql: string;
  readonly protocol: 'HTTP/1.1 keep-alive';
  readonly clients: number;
  readonly queries: number;
  readonly warmup: number;
  readonly tableRows: number;
  readonly qps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The server process's CPU time per query (user + system): its cost, whatever else runs on the machine. */
  readonly serverCpuUsPerQuery: number;
  /** 1 s of one core over serverCpuUsPerQuery: what the server alone could answer. */
  readonly serverCapacityQps: number;
  readonly aims: typeof HTTP_PULL_AIMS;
  readonly withinAims: boolean;
}

export type HttpPullReport = HttpPullEntry | FailedEntry;

const SQL = (key: string) => `SELECT * FROM bids_per_auction WHERE auction = ${key};`;

export async function benchHttpPull(source: string, root: string, opts: HttpPullOptions): Promise<HttpPullEntry> {
  const dir = path.join(root, 'http-pull');
  cpSync(source, dir, { recursive: true, filter: (p) => path.basename(p) !== 'sluice.lock' });
  const table = await buildPullTable(dir, opts.queries, opts.warmup, opts.seed);
  const keys = table.workload.queries.key.map((q) => q[0]!);
  const server = await spawnServer(dir);
  const connections: KeepAliveConnection[] = [];
  try {
    for (let i = 0; i < opts.clients; i++) connections.push(await KeepAliveConnection.connect(server.url));
    let next = 0;
    const samples: number[] = [];
    /** Queries [from, to) over every connection; measured ones keep their latency. */
    const phase = (from: number, to: number, measured: boolean): Promise<void[]> => {
      next = from;
      return Promise.all(
        connections.map(async (connection) => {
          for (let i = next++; i < to; i = next++) {
            const t0 = performance.now();
            const r = await connection.post('/query-stream', JSON.stringify({ sql: SQL(keys[i]!) }));
            const ms = performance.now() - t0;
            check(r, keys[i]!);
            if (measured) samples.push(ms);
          }
        }),
      );
    };
    await phase(0, opts.warmup, false);
    const cpuBefore = await serverCpuSeconds(server.url);
    const measuredFrom = performance.now();
    await phase(opts.warmup, keys.length, true);
    const elapsedMs = performance.now() - measuredFrom;
    const serverCpuUs = ((await serverCpuSeconds(server.url)) - cpuBefore) * 1e6 / samples.length;
    const p = percentiles(samples);
    const qps = Math.round((samples.length * 1000) / elapsedMs);
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return {
      endpoint: 'POST /query-stream (application/vnd.ksqlapi.delimited.v1)',
      sql: SQL('K'),
      protocol: 'HTTP/1.1 keep-alive',
      clients: opts.clients,
      queries: samples.length,
      warmup: opts.warmup,
      tableRows: table.rows,
      qps,
      p50Ms: round(p.p50),
      p99Ms: round(p.p99),
      maxMs: round(p.max),
      serverCpuUsPerQuery: Math.round(serverCpuUs * 10) / 10,
      serverCapacityQps: Math.round(1e6 / serverCpuUs),
      aims: HTTP_PULL_AIMS,
      withinAims: qps > HTTP_PULL_AIMS.qps && p.p99 < HTTP_PULL_AIMS.p99Ms,
    };
  } finally {
    for (const c of connections) c.close();
    await server.stop();
  }
}

/** The metadata line, then exactly the row of the key asked for. */
function check(r: { status: number; text: string }, key: string): void {
  const lines = r.text.trim().split('\n');
  if (r.status !== 200 || lines.length !== 2 || !lines[1]!.startsWith(`[${key},`)) {
    throw new Error(`lookup of ${key}: expected one row, got ${r.status} ${r.text.slice(0, 300)}`);
  }
}

export function formatHttpPull(e: HttpPullReport): string {
  if ('failed' in e) return `Pull queries over HTTP FAILED: ${e.failed}`;
  const title = [
    `Pull queries over HTTP: ${e.clients} concurrent clients, ${e.protocol}, ${e.endpoint}, ${e.sql}`,
    `on ${num(e.tableRows)} rows; ${num(e.queries)} measured after ${num(e.warmup)} warm-up; the server in its own process.`,
    `Aim: over ${num(e.aims.qps)} q/s with p99 under ${e.aims.p99Ms} ms.`,
  ].join('\n');
  const table = formatColumns(
    ['q/s', 'p50 ms', 'p99 ms', 'max ms', 'within aims', 'server CPU µs/q', 'server q/s per core'],
    [
      [
        num(e.qps),
        e.p50Ms.toFixed(3),
        e.p99Ms.toFixed(3),
        e.maxMs.toFixed(3),
        e.withinAims ? 'yes' : 'no',
        e.serverCpuUsPerQuery.toFixed(1),
        num(e.serverCapacityQps),
      ],
    ],
  );
  return `${title}\n\n${table}\nServer CPU: the server process's user + system time over the measured queries (its own cost, on a shared machine).`;
}
