// `npm run bench -- --query kafka`: Kafka-mode throughput. It starts a single-node test broker
// (test/kafka/broker.sh), loads the Nexmark data set into it through a Kafka-mode engine
// (datagen.ts: the sources of queries/sources.sql), then for each query of kafka-queries.ts
// runs Sluice in Kafka mode and a plain kafkajs consume-transform-produce loop alternately,
// `repeat` runs each, and reports each side's best run and their ratio. Every run reads the
// same input topics and writes an output topic of its own; the first run of each side is
// also compared record for record (a stream as the multiset of its records, a table as its
// final row per key), so a ratio is only printed for the same answer. The broker is stopped
// at the end, whatever happens.

import { Engine } from '../../runtime/engine/engine.js';
import { KafkaLog } from '../../runtime/log/kafka/kafka-log.js';
import { kafkaSkipReason, startCluster, stopCluster, type KafkaCluster } from '../kafka/cluster.js';
import { generateNexmark } from './datagen.js';
import { runKafkaBaseline } from './kafka-baseline.js';
import { KAFKA_QUERIES, type KafkaQuery } from './kafka-queries.js';
import { runKafkaSluice, type KafkaMeasurement, type KafkaTarget } from './kafka-sluice.js';
import type { NexmarkConfig } from './nexmark/model.js';
import { readResult } from './outputs.js';

export interface KafkaQueryEntry {
  readonly eventsPerSec: number;
  readonly baselineEventsPerSec: number;
  /** Sluice's best events/s over the baseline's best. */
  readonly ratio: number;
  readonly events: number;
  readonly outputRecords: number;
  readonly baselineOutputRecords: number;
  readonly runs: number;
}

export type KafkaReport =
  | { readonly skipped: string }
  | { readonly failed: string }
  | {
      readonly events: number;
      readonly loadMs: number;
      readonly queries: Readonly<Record<string, KafkaQueryEntry | { readonly failed: string }>>;
    };

export async function benchKafka(config: NexmarkConfig, repeat: number): Promise<KafkaReport> {
  const skip = kafkaSkipReason();
  if (skip !== undefined) return { skipped: skip };
  const started = performance.now();
  const cluster = await startCluster({ owner: process.pid });
  try {
    console.log(`kafka: single-node broker at ${cluster.bootstrap}, up in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return await runKafkaQueries(cluster, config, repeat, (line) => console.log(line));
  } finally {
    await stopCluster(cluster);
  }
}

/**
 * The measurement on a running cluster, in a namespace of its own: load, then every query of
 * kafka-queries.ts. A query that fails (an error, or answers that differ) is reported as such.
 */
export async function runKafkaQueries(
  cluster: KafkaCluster,
  config: NexmarkConfig,
  repeat: number,
  print: (line: string) => void,
): Promise<Exclude<KafkaReport, { skipped: string } | { failed: string }>> {
  const target: KafkaTarget = { brokers: cluster.brokers, namespace: `kbench-${Date.now().toString(36)}.` };
  const loadMs = await load(target, config);
  print(`kafka: loaded ${config.events} Nexmark events in ${(loadMs / 1000).toFixed(1)} s; ${repeat} run(s) a side, alternately.`);
  const queries: Record<string, KafkaQueryEntry | { failed: string }> = {};
  for (const q of KAFKA_QUERIES) {
    try {
      queries[q.id] = await benchOne(cluster, target, q, repeat);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      queries[q.id] = { failed: message.split('\n')[0]! };
      print(`kafka ${q.id}: FAILED\n${message}`);
    }
  }
  return { events: config.events, loadMs, queries };
}

async function load(target: KafkaTarget, config: NexmarkConfig): Promise<number> {
  const engine = new Engine({ kafka: { brokers: target.brokers, namespace: target.namespace, clientId: 'kbench-load' }, serviceId: 'kbench-load', memory: true });
  try {
    return (await generateNexmark(engine, config)).elapsedMs;
  } finally {
    await engine.close();
  }
}

async function benchOne(cluster: KafkaCluster, target: KafkaTarget, q: KafkaQuery, repeat: number): Promise<KafkaQueryEntry> {
  const sluice: KafkaMeasurement[] = [];
  const baseline: KafkaMeasurement[] = [];
  for (let i = 0; i < repeat; i++) {
    sluice.push(await runKafkaSluice(target, q, i));
    baseline.push(await runKafkaBaseline(target, q, i));
  }
  // Every run must have read the whole input and written the same number of records as the first.
  for (const m of [...sluice, ...baseline]) {
    if (m.events !== sluice[0]!.events || m.outputRecords !== sluice[0]!.outputRecords) {
      throw new Error(`${q.id}: a run consumed ${m.events} records and wrote ${m.outputRecords} to ${m.topic}, the first ${sluice[0]!.events} and ${sluice[0]!.outputRecords}`);
    }
  }
  await compare(cluster, target, q, sluice[0]!, baseline[0]!);
  const best = (ms: readonly KafkaMeasurement[]) => ms.reduce((a, b) => (b.eventsPerSec > a.eventsPerSec ? b : a));
  const s = best(sluice);
  const b = best(baseline);
  return {
    eventsPerSec: s.eventsPerSec,
    baselineEventsPerSec: b.eventsPerSec,
    ratio: s.eventsPerSec / b.eventsPerSec,
    events: s.events,
    outputRecords: s.outputRecords,
    baselineOutputRecords: b.outputRecords,
    runs: repeat,
  };
}

/** The same answer on both sides, or the benchmark fails: a fast wrong answer is no result. */
async function compare(cluster: KafkaCluster, target: KafkaTarget, q: KafkaQuery, s: KafkaMeasurement, b: KafkaMeasurement): Promise<void> {
  if (s.events !== b.events) throw new Error(`${q.id}: Sluice consumed ${s.events} records, the baseline ${b.events}`);
  if (s.outputRecords !== b.outputRecords) throw new Error(`${q.id}: Sluice wrote ${s.outputRecords} records, the baseline ${b.outputRecords}`);
  const log = await KafkaLog.connect({ brokers: cluster.brokers, namespace: target.namespace, clientId: 'kbench-check' });
  try {
    const output = q.output;
    const [ours, theirs] = [await readResult(log, s.topic, output), await readResult(log, b.topic, output)];
    const differs = ours.findIndex((r, i) => r !== theirs[i]);
    if (ours.length !== theirs.length || differs >= 0) {
      const at = differs >= 0 ? differs : Math.min(ours.length, theirs.length);
      throw new Error(`${q.id}: the results differ (${ours.length} vs ${theirs.length} rows); first difference:\n  sluice:   ${ours[at]}\n  baseline: ${theirs[at]}`);
    }
  } finally {
    await log.close();
  }
}

export function formatKafka(report: KafkaReport): string {
  if ('skipped' in report) return `kafka: skipped (${report.skipped}).`;
  if ('failed' in report) return `kafka: FAILED (${report.failed}).`;
  const read = Object.values(report.queries).find((e): e is KafkaQueryEntry => !('failed' in e))?.events;
  const lines = [
    `Kafka mode (single-node broker, at_least_once), ${report.events} events${read === undefined ? '' : ` (each query reads their ${read} bids)`}: Sluice vs a kafkajs consume-transform-produce loop, best of each side.`,
  ];
  const rows = Object.entries(report.queries).map(([id, e]) =>
    'failed' in e
      ? [id, 'FAILED', '', '', '', '']
      : [id, fmt(e.eventsPerSec), fmt(e.baselineEventsPerSec), e.ratio.toFixed(2), String(e.outputRecords), String(e.baselineOutputRecords)],
  );
  const head = ['query', 'sluice ev/s', 'kafkajs ev/s', 'ratio', 'sluice outputs', 'kafkajs outputs'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) lines.push(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  return lines.join('\n');
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
