// `npm run conformance`: runs ksqlDB's query-validation tests (QTT) and REST query-validation
// tests (RQTT) against Sluice, sequentially and in-process, and prints a per-file table for
// each directory and the totals.
//
//   --dir DIR           a directory of case files (repeatable; replaces the defaults); one
//                       named rest-query-validation-tests holds RQTT files
//   --filter REGEX      only files or cases whose name matches
//   --json FILE         write the results as JSON
//   --verbose           print each failing case with its reason and a record diff
//   --http              run the RQTT cases over HTTP, through a real `sluice server` on each
//                       case's engine, instead of in-process (QTT cases are unaffected)
//   --update-baseline   write test/conformance/baseline.json: the ids of the passing cases
//   --log kafka         run the QTT cases in Kafka mode, each in a namespace of its own, on a
//                       test broker started for the run (test/kafka/broker.sh; needs Java)
//   --kafka HOST:PORT   with --log kafka: use this broker instead of starting one
//   --guarantee G       with --log kafka: at_least_once (default) or exactly_once_v2
//   --repartition-topics  embedded: GROUP BY and joins on non-key columns go through internal
//                       repartition topics, as in Kafka mode (EngineOptions.repartitionTopics)

import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BASELINE_PATH, writeBaseline } from './baseline.js';
import {
  DEFAULT_CONFORMANCE_DIR,
  MISSING_CONFORMANCE_MESSAGE,
  conformanceAvailable,
  listCaseFiles,
  loadCaseFile,
  type CaseFile,
  type QttCase,
} from './loader.js';
import { DEFAULT_REST_CONFORMANCE_DIR, REST_DIR_NAME, isRestDir, loadRestCaseFile, type RqttCase } from './rest/loader.js';
import type { CaseOutcome, LogTarget } from './run-case.js';

/** The files the first milestone targets (projections, filters, expressions, serdes). */
const TARGET_FILES: ReadonlySet<string> = new Set(
  [
    'project-filter', 'select', 'where', 'literals', 'cast', 'identifiers', 'quoted-identifiers',
    'case-expression', 'between', 'in', 'like', 'null', 'comparison-expression', 'operators',
    'binary-arithmetic', 'floating-point', 'insert-into', 'partition-by', 'key-schemas', 'serdes',
    'delimited', 'json', 'kafka', 'elements', 'simple-struct', 'more-complex-struct', 'headers',
    'row-offset-and-partition', 'system-columns', 'timestamp-extractor', 'sink-topic-naming',
    'create-struct', 'create_array', 'create_map', 'array', 'map',
  ].map((f) => `${f}.json`),
);

interface FileResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: { name: string; reason: string }[];
}

/** A bad command line: its message is all the user needs, without a stack. */
class UsageError extends Error {}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        dir: { type: 'string', multiple: true },
        filter: { type: 'string' },
        json: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        http: { type: 'boolean', default: false },
        'update-baseline': { type: 'boolean', default: false },
        log: { type: 'string', default: 'embedded' },
        kafka: { type: 'string' },
        guarantee: { type: 'string' },
        'repartition-topics': { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

async function main(): Promise<number> {
  const { values } = parseOptions();
  if (values.log !== 'embedded' && values.log !== 'kafka') throw new UsageError(`--log takes embedded or kafka, not '${values.log}'`);
  const guarantee = values.guarantee;
  if (guarantee !== undefined && guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') {
    throw new UsageError(`--guarantee takes at_least_once or exactly_once_v2, not '${guarantee}'`);
  }
  const dirs = values.dir ?? [DEFAULT_CONFORMANCE_DIR, DEFAULT_REST_CONFORMANCE_DIR];
  if (!conformanceAvailable(dirs)) {
    console.log(MISSING_CONFORMANCE_MESSAGE);
    return 0;
  }
  const filter = values.filter === undefined ? undefined : new RegExp(values.filter);
  // Loaded only now, so that a missing data directory is reported without loading the engine.
  const { runCase, closeEngines, DEFAULT_CASE_TIMEOUT_MS, KAFKA_CASE_TIMEOUT_MS } = await import('./run-case.js');
  const kafka = values.log === 'kafka' ? await kafkaBroker(values.kafka) : undefined;
  const logTarget: LogTarget =
    kafka === undefined ? { kind: 'embedded', repartitionTopics: values['repartition-topics'] } : { kind: 'kafka', brokers: kafka.brokers, ...(guarantee ? { guarantee } : {}) };
  const timeoutMs = kafka === undefined ? DEFAULT_CASE_TIMEOUT_MS : KAFKA_CASE_TIMEOUT_MS;
  const { runRestCase } = await import('./rest/run-case.js');

  const files: Record<string, FileResult> = {};
  /** Each file's table: the directory it was first found in. */
  const groups = new Map<string, string[]>();
  const skippedByReason: Record<string, number> = {};
  const passing: string[] = [];
  const ran = new Set<string>();
  let notes = 0;
  for (const dir of dirs) {
    const rest = isRestDir(dir);
    const group = basename(resolve(dir));
    for (const path of listCaseFiles([dir])) {
      const loaded: CaseFile<QttCase | RqttCase> = rest ? loadRestCaseFile(path) : loadCaseFile(path);
      const run = (c: QttCase | RqttCase): Promise<CaseOutcome> =>
        rest ? runRestCase(c as RqttCase, undefined, values.http ? 'http' : 'engine') : runCase(c, timeoutMs, logTarget);
      const fileMatches = filter === undefined || filter.test(loaded.file);
      const cases = loaded.cases.filter((c) => fileMatches || filter!.test(c.name));
      if (cases.length === 0 && loaded.error === undefined) continue;
      // Two --dir directories may hold files of the same name: they share a row.
      let result = files[loaded.file];
      if (result === undefined) {
        result = files[loaded.file] = { passed: 0, failed: 0, skipped: 0, failures: [] };
        groups.set(group, [...(groups.get(group) ?? []), loaded.file]);
      }
      if (loaded.error !== undefined) {
        result.failed++;
        result.failures.push({ name: '(file)', reason: loaded.error });
      }
      for (const c of cases) {
        ran.add(c.id);
        if (c.skip !== undefined) {
          result.skipped++;
          skippedByReason[c.skip] = (skippedByReason[c.skip] ?? 0) + 1;
          continue;
        }
        const outcome = await run(c);
        if (outcome.status === 'passed') {
          result.passed++;
          passing.push(c.id);
          if (outcome.note !== undefined) {
            notes++;
            if (values.verbose) console.log(`NOTE ${c.id}: ${outcome.note}`);
          }
        } else {
          const reason = outcome.reason ?? 'failed';
          result.failed++;
          result.failures.push({ name: c.name, reason });
          if (values.verbose) {
            console.log(`FAIL ${c.id}: ${reason}`);
            for (const line of outcome.detail ?? []) console.log(`    ${line}`);
          }
        }
      }
    }
  }

  await closeEngines();
  await kafka?.stop();
  if (kafka !== undefined) console.log(`log: kafka (${guarantee ?? 'at_least_once'}), QTT cases only`);
  if (kafka === undefined && values['repartition-topics']) console.log('repartition topics: on (QTT cases)');

  const totals = { passed: 0, failed: 0, skipped: 0 };
  const target = { passed: 0, failed: 0 };
  for (const [file, r] of Object.entries(files)) {
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.skipped += r.skipped;
    if (TARGET_FILES.has(file)) {
      target.passed += r.passed;
      target.failed += r.failed;
    }
  }

  if (values.http) console.log(`${REST_DIR_NAME}: over HTTP, through sluice server`);
  for (const [group, names] of groups) printTable(group, names, files);
  const reasons = Object.entries(skippedByReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) console.log(`skipped: ${reasons.map(([r, n]) => `${r}: ${n}`).join(', ')}`);
  printTopFailures(files);
  if (notes > 0) console.log(`${notes} expected-exception cases passed with a different message (see --verbose)`);
  const targetRun = target.passed + target.failed;
  const pct = targetRun === 0 ? 0 : (100 * target.passed) / targetRun;
  console.log(`target files: ${target.passed}/${targetRun} non-skipped (${pct.toFixed(1)}%)`);

  if (values.json !== undefined) {
    const report = { ...totals, skippedByReason, files };
    writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  }
  if (values['update-baseline']) {
    writeBaseline(passing, ran);
    console.log(`baseline: ${passing.length} passing cases written to ${BASELINE_PATH}`);
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return 0;
}

/** The broker for --log kafka: the one named by --kafka, or a test broker started for this run. */
async function kafkaBroker(bootstrap: string | undefined): Promise<{ brokers: readonly string[]; stop(): Promise<void> }> {
  if (bootstrap !== undefined) return { brokers: bootstrap.split(','), stop: async () => undefined };
  const { startCluster, stopCluster } = await import('../kafka/cluster.js');
  console.log('starting a Kafka broker (test/kafka/broker.sh)…');
  const cluster = await startCluster();
  return { brokers: cluster.brokers, stop: () => stopCluster(cluster) };
}

/** One directory's files: their names without the directory, then a total row. */
function printTable(group: string, names: readonly string[], files: Readonly<Record<string, FileResult>>): void {
  const shown = names.map((n) => (n.startsWith(`${group}/`) ? n.slice(group.length + 1) : n));
  const width = Math.max(4, group.length + 1, ...shown.map((n) => n.length));
  const row = (a: string, b: string, c: string, d: string): string =>
    `${a.padEnd(width)}  ${b.padStart(6)}  ${c.padStart(6)}  ${d.padStart(7)}`;
  const total = { passed: 0, failed: 0, skipped: 0 };
  console.log(row(`${group}:`, 'passed', 'failed', 'skipped'));
  names.forEach((n, i) => {
    const r = files[n]!;
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    console.log(row(shown[i]!, String(r.passed), String(r.failed), String(r.skipped)));
  });
  console.log(row('total', String(total.passed), String(total.failed), String(total.skipped)));
}

/** The most common failure reasons, with names and numbers masked so like groups with like. */
function printTopFailures(files: Readonly<Record<string, FileResult>>): void {
  const groups = new Map<string, number>();
  for (const r of Object.values(files)) {
    for (const f of r.failures) {
      const group = f.reason
        .replace(/\b(topic|source) \S+/g, '$1 X')
        // Quoted names and values; a quote inside a word ("Can't") opens nothing.
        .replace(/"(?:[^"\\]|\\.)*"|(?<![A-Za-z])'(?:[^']|'')*'|`[^`]*`/g, '…')
        .replace(/\d+/g, 'N')
        .slice(0, 90);
      groups.set(group, (groups.get(group) ?? 0) + 1);
    }
  }
  const top = [...groups].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (top.length === 0) return;
  console.log('top failure reasons:');
  for (const [group, n] of top) console.log(`${String(n).padStart(6)}  ${group}`);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    // A usage mistake gets its message; anything else its stack, to be fixed.
    if (e instanceof UsageError) console.error(`conformance: ${e.message} (see the options at the top of test/conformance/cli.ts)`);
    else console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
