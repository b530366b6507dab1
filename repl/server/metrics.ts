// GET /metrics: Prometheus text format (prom-client), on a registry of the server's own so
// that two servers in one process don't share counters. Per persistent query: records in,
// records out, records that failed and late records dropped (counters read from the engine
// at scrape time), and consumer lag (log end minus the position committed by the query's own
// consumer group, whichever the mode, summed over its input partitions). Pull and push
// queries: counts and latency histograms kept by the server.
// State: rows in each state store and materialised table, in the SQLite database that holds
// them (the embedded log's file, or Kafka mode's local state file, which holds the rows of the
// tasks this instance runs: each instance reports its own share).

import type Database from 'better-sqlite3';
import client from 'prom-client';
import type { Engine } from '../../runtime/engine/engine.js';

/** Latency buckets in seconds: pull queries answer in tens of µs, so the low end is fine-grained. */
const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type QueryStat = ReturnType<Engine['queryStats']>[number];

export class ServerMetrics {
  readonly registry = new client.Registry();
  private readonly pullCount: client.Counter<'status'>;
  private readonly pullLatency: client.Histogram;
  private readonly pushCount: client.Counter;
  private readonly pushStart: client.Histogram;
  private readonly pushRows: client.Counter;
  private readonly requests: client.Counter<'endpoint' | 'status'>;

  constructor(engine: Engine, activePushQueries: () => number) {
    const registers = [this.registry];

    // Per-query counters are the engine's own; each scrape copies them.
    const perQuery = (name: string, help: string, value: (s: QueryStat) => number): void => {
      new client.Counter({
        name,
        help,
        labelNames: ['query_id'],
        registers,
        collect() {
          this.reset();
          for (const s of engine.queryStats()) this.inc({ query_id: s.id }, value(s));
        },
      });
    };
    perQuery('sluice_query_records_in_total', 'Input records a persistent query has processed', (s) => s.processed);
    perQuery('sluice_query_records_out_total', 'Records a persistent query has written to its sink topic', (s) => s.out);
    perQuery('sluice_query_errors_total', 'Records a persistent query could not process (see SLUICE_PROCESSING_LOG)', (s) => s.errors);
    perQuery('sluice_query_late_records_total', 'Records a persistent query dropped because their window had closed', (s) => s.late);

    new client.Gauge({
      name: 'sluice_query_consumer_lag',
      help: 'Records in a persistent query’s input partitions not yet committed by it',
      labelNames: ['query_id'],
      registers,
      async collect() {
        this.reset();
        // A log that cannot answer now (a broker down, a topic deleted mid-scrape) leaves the
        // lag out of this scrape rather than failing the whole of /metrics.
        const positions = await engine.queryPositions().catch(() => []);
        for (const q of positions) this.set({ query_id: q.id }, consumerLag(q.partitions));
      },
    });

    new client.Gauge({
      name: 'sluice_state_store_rows',
      help: 'Entries in a state store (aggregation, join window)',
      labelNames: ['store', 'query_id'],
      registers,
      async collect() {
        this.reset();
        const tables = stateTables(await engine.stateDatabase(), 'state_');
        if (tables.length === 0) return;
        const groups = (await engine.queryPositions().catch(() => [])).map((q) => ({ id: q.id, groupId: q.groupId }));
        for (const t of tables) this.set({ store: t.name, query_id: queryOfStore(t.name, groups) ?? '' }, t.rows);
      },
    });
    new client.Gauge({
      name: 'sluice_materialized_table_rows',
      help: 'Rows of a table materialised in SQLite for pull queries',
      labelNames: ['table'],
      registers,
      async collect() {
        this.reset();
        for (const t of stateTables(await engine.stateDatabase(), 'mv_')) this.set({ table: t.name.slice('mv_'.length) }, t.rows);
      },
    });

    this.pullCount = new client.Counter({ name: 'sluice_pull_queries_total', help: 'Pull queries answered', labelNames: ['status'], registers });
    this.pullLatency = new client.Histogram({
      name: 'sluice_pull_query_duration_seconds',
      help: 'Time to answer a pull query, from its request body to its last byte queued',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.pushCount = new client.Counter({ name: 'sluice_push_queries_total', help: 'Push queries started', registers });
    new client.Gauge({
      name: 'sluice_push_queries_active',
      help: 'Push queries streaming now',
      registers,
      collect() {
        this.set(activePushQueries());
      },
    });
    this.pushStart = new client.Histogram({
      name: 'sluice_push_query_start_seconds',
      help: 'Time from a push query’s request body to its header being sent',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.pushRows = new client.Counter({ name: 'sluice_push_rows_total', help: 'Rows sent to push-query clients', registers });
    this.requests = new client.Counter({
      name: 'sluice_http_requests_total',
      help: 'HTTP requests by endpoint and status',
      labelNames: ['endpoint', 'status'],
      registers,
    });
  }

  pull(seconds: number, ok: boolean): void {
    this.pullCount.inc({ status: ok ? 'ok' : 'error' });
    if (ok) this.pullLatency.observe(seconds);
  }

  pushStarted(seconds: number): void {
    this.pushCount.inc();
    this.pushStart.observe(seconds);
  }

  pushRow(): void {
    this.pushRows.inc();
  }

  request(endpoint: string, status: number): void {
    this.requests.inc({ endpoint, status: String(status) });
  }

  text(): Promise<string> {
    return client.Registry.merge([processMetrics(), this.registry]).metrics();
  }
}

let processRegistry: client.Registry | undefined;

/**
 * Process metrics (CPU, memory, event-loop lag…), on one registry for the whole process: they
 * describe the process, not a server, and each collection starts monitors that never stop.
 */
function processMetrics(): client.Registry {
  if (processRegistry === undefined) {
    processRegistry = new client.Registry();
    client.collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Partition end minus committed position, summed over the query's input partitions. A
 * partition it never committed on (it could not start) counts nothing: there is no position
 * to measure from.
 */
function consumerLag(partitions: readonly { readonly committed: number | undefined; readonly end: number }[]): number {
  let lag = 0;
  for (const p of partitions) if (p.committed !== undefined) lag += Math.max(0, p.end - p.committed);
  return lag;
}

/** The state database's tables named `prefix…` and their row counts. */
function stateTables(db: Database.Database, prefix: 'state_' | 'mv_'): { name: string; rows: number }[] {
  const names = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ? ORDER BY name`)
    .pluck()
    .all(prefix.length, prefix) as string[];
  return names.map((name) => ({ name, rows: Number(db.prepare(`SELECT COUNT(*) FROM "${name.replace(/"/g, '""')}"`).pluck().get()) }));
}

/**
 * The query a state table belongs to: stores are named after the query's consumer group
 * (`state_` + its group id + `_groups`…), so the query with the longest group id that fits.
 */
function queryOfStore(table: string, queries: readonly { readonly id: string; readonly groupId: string }[]): string | undefined {
  let best: { id: string; groupId: string } | undefined;
  for (const q of queries) {
    const prefix = `state_${q.groupId.replace(/[^A-Za-z0-9_]/g, '_')}_`;
    if (table.startsWith(prefix) && (best === undefined || q.groupId.length > best.groupId.length)) best = q;
  }
  return best?.id;
}
