// Push-query latency end to end over HTTP: `sluice server` in a child process on the Nexmark
// data set; this process holds a push query open on /query-stream (HTTP/1.1, from 'latest')
// and sends INSERT INTO bid … VALUES to /ksql one at a time, timing each from the INSERT's
// request being sent to its row arriving on the push query's connection. Each INSERT waits
// for its row before the next (a closed loop). Every inserted bid passes the query's filter,
// and each row is checked to be the bid inserted.

import { cpSync } from 'node:fs';
import path from 'node:path';
import { keepAliveAgent, post, postStream, spawnServer } from './http-load.js';
import { percentiles } from './latency.js';
import { PUSH_SQL } from './push.js';
import { formatColumns, num, type FailedEntry } from './report.js';

export const HTTP_PUSH_AIMS = { p99Ms: 20 } as const;

export interface HttpPushOptions {
  readonly inserts: number;
  readonly warmup: number;
}

export interface HttpPushEntry {
  readonly sql: string;
  readonly insert: string;
  readonly inserts: number;
  readonly warmup: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly aims: typeof HTTP_PUSH_AIMS;
  readonly withinAims: boolean;
}

export type HttpPushReport = HttpPushEntry | FailedEntry;

/** A row no row from the data set can be: the bidder numbers the INSERTs. */
const insertSql = (n: number) => `INSERT INTO bid (auction, bidder, price, channel) VALUES (1, ${1_000_000_000 + n}, 20000, 'http-bench');`;

/** A row that doesn't come in this long is a bug, not a slow run. */
const ROW_TIMEOUT_MS = 10_000;

export async function benchHttpPush(source: string, root: string, opts: HttpPushOptions): Promise<HttpPushEntry> {
  const dir = path.join(root, 'http-push');
  cpSync(source, dir, { recursive: true, filter: (p) => path.basename(p) !== 'sluice.lock' });
  const server = await spawnServer(dir);
  const agent = keepAliveAgent(1);
  let waiting: { bidder: number; resolve: () => void; reject: (e: Error) => void } | undefined;
  let metadata: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (metadata = resolve));
  let lines = 0;
  let stray: string | undefined;
  const push = postStream(server.url, '/query-stream', { sql: PUSH_SQL }, (line) => {
    if (lines++ === 0) return metadata();
    const row = JSON.parse(line) as unknown[];
    if (waiting === undefined) {
      stray ??= line;
      return;
    }
    if (row[1] !== waiting.bidder || row[3] !== 'http-bench') waiting.reject(new Error(`unexpected row ${line}; waiting for bidder ${waiting.bidder}`));
    else waiting.resolve();
  });
  try {
    await push.started;
    await ready;
    const samples: number[] = [];
    for (let n = 0; n < opts.warmup + opts.inserts; n++) {
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no row ${ROW_TIMEOUT_MS} ms after INSERT ${n}`)), ROW_TIMEOUT_MS);
        waiting = {
          bidder: 1_000_000_000 + n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
      });
      const t0 = performance.now();
      const [inserted] = await Promise.all([post(agent, server.url, '/ksql', { ksql: insertSql(n) }), arrived]);
      const ms = performance.now() - t0;
      waiting = undefined;
      if (inserted.status !== 200) throw new Error(`INSERT ${n} answered ${inserted.status}: ${inserted.text}`);
      if (n >= opts.warmup) samples.push(ms);
    }
    if (stray !== undefined) throw new Error(`a row no INSERT was waiting for: ${stray}`);
    const p = percentiles(samples);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      sql: PUSH_SQL,
      insert: insertSql(0).replace(/1000000000/, 'N'),
      inserts: samples.length,
      warmup: opts.warmup,
      p50Ms: round(p.p50),
      p99Ms: round(p.p99),
      maxMs: round(p.max),
      aims: HTTP_PUSH_AIMS,
      withinAims: p.p99 < HTTP_PUSH_AIMS.p99Ms,
    };
  } finally {
    push.close();
    agent.destroy();
    await server.stop();
  }
}

export function formatHttpPush(e: HttpPushReport): string {
  if ('failed' in e) return `Push query over HTTP FAILED: ${e.failed}`;
  const title = [
    `Push query over HTTP (/query-stream, HTTP/1.1): ${e.sql}`,
    `End-to-end latency from sending ${e.insert} to /ksql to its row arriving at the client;`,
    `${num(e.inserts)} INSERTs after ${num(e.warmup)} warm-up, one at a time. Aim: p99 under ${e.aims.p99Ms} ms.`,
  ].join('\n');
  const table = formatColumns(
    ['p50 ms', 'p99 ms', 'max ms', 'within aim'],
    [[e.p50Ms.toFixed(3), e.p99Ms.toFixed(3), e.maxMs.toFixed(3), e.withinAims ? 'yes' : 'no']],
  );
  return `${title}\n\n${table}`;
}
