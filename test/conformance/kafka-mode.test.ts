// Conformance in Kafka mode: a fixed sample of ksqlDB's cases from the files Kafka mode must
// match (projections and filters, PARTITION BY, GROUP BY, tumbling windows, tables, joins) runs
// embedded and on the test broker, and every case that passes embedded must pass on Kafka.
// The whole files run with `npm run conformance -- --log kafka`; this sample keeps the suite quick.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaSkipReason, reportSkipped, sharedCluster, type KafkaCluster } from '../kafka/broker.js';
import { DEFAULT_CONFORMANCE_DIR, MISSING_CONFORMANCE_MESSAGE, conformanceAvailable, listCaseFiles, loadCaseFile, type QttCase } from './loader.js';
import { DEFAULT_CASE_TIMEOUT_MS, KAFKA_CASE_TIMEOUT_MS, closeEngines, runCase, type LogTarget } from './run-case.js';

const FILES = ['project-filter', 'partition-by', 'group-by', 'tumbling-windows', 'table', 'joins'];

const skip = kafkaSkipReason();
if (skip !== undefined) reportSkipped(skip);
const available = conformanceAvailable([DEFAULT_CONFORMANCE_DIR]);
if (!available) console.log(MISSING_CONFORMANCE_MESSAGE);

/** `perFile` cases of each file, evenly spread over its runnable ones: the same every run. */
function sample(perFile: number, files: readonly string[]): QttCase[] {
  const out: QttCase[] = [];
  for (const path of listCaseFiles([DEFAULT_CONFORMANCE_DIR])) {
    const file = loadCaseFile(path);
    if (!files.some((f) => file.file.endsWith(`${f}.json`))) continue;
    const runnable = file.cases.filter((c) => c.skip === undefined);
    const stride = Math.max(1, Math.ceil(runnable.length / perFile));
    for (let i = 0; i < runnable.length; i += stride) out.push(runnable[i]!);
  }
  return out;
}

/** The ids of the cases that pass on `target`. */
async function passing(cases: readonly QttCase[], target: LogTarget): Promise<Set<string>> {
  const passed = new Set<string>();
  const timeout = target.kind === 'kafka' ? KAFKA_CASE_TIMEOUT_MS : DEFAULT_CASE_TIMEOUT_MS;
  for (const c of cases) if ((await runCase(c, timeout, target)).status === 'passed') passed.add(c.id);
  return passed;
}

describe.skipIf(skip !== undefined || !available)('conformance in Kafka mode', () => {
  let cluster: KafkaCluster;
  beforeAll(async () => {
    cluster = await sharedCluster();
  });
  afterAll(async () => {
    await closeEngines();
  });

  it('every sampled case that passes embedded passes on Kafka (at_least_once)', async () => {
    const cases = sample(6, FILES);
    const embedded = await passing(cases, { kind: 'embedded' });
    const kafka = await passing(cases, { kind: 'kafka', brokers: cluster.brokers });
    // Not a vacuous comparison: most of the sample passes embedded.
    expect(embedded.size).toBeGreaterThan(cases.length / 2);
    expect([...embedded].filter((id) => !kafka.has(id))).toEqual([]);
  }, 120_000);

  it('and under exactly_once_v2, for the stateful files', async () => {
    const cases = sample(2, ['group-by', 'tumbling-windows', 'table', 'joins']);
    const embedded = await passing(cases, { kind: 'embedded' });
    const kafka = await passing(cases, { kind: 'kafka', brokers: cluster.brokers, guarantee: 'exactly_once_v2' });
    expect(embedded.size).toBeGreaterThan(cases.length / 2);
    expect([...embedded].filter((id) => !kafka.has(id))).toEqual([]);
  }, 120_000);
});
